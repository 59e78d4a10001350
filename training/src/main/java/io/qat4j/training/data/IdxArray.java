package io.qat4j.training.data;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * The content of one IDX file of unsigned bytes: its dimensions and its data in row-major
 * order, as defined by the IDX format (Y. LeCun, C. Cortes, C. J. C. Burges, "The MNIST database
 * of handwritten digits", <a href="http://yann.lecun.com/exdb/mnist/">
 * http://yann.lecun.com/exdb/mnist/</a>: "The data is stored like in a C array, i.e. the index
 * in the last dimension changes the fastest").
 *
 * <p>Produced by {@link IdxReader}. An {@code IdxArray} hands the data it read over to its
 * caller: {@link #bytes()} returns the reader's buffer without copying, so that a 47 MB image
 * file is held in memory once.
 */
public final class IdxArray {

    private final Path source;
    private final int[] dims;
    private final byte[] data;

    /**
     * @param source the file the data was read from
     * @param dims the dimensions, outermost first; their product must equal {@code data.length}
     * @param data the elements, unsigned bytes in row-major order (not copied)
     */
    public IdxArray(Path source, int[] dims, byte[] data) {
        this.source = Objects.requireNonNull(source, "source");
        this.dims = dims.clone();
        this.data = Objects.requireNonNull(data, "data");
        long n = 1;
        for (int d : this.dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(dims));
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("too many elements: " + Arrays.toString(dims));
            }
        }
        if (n != data.length) {
            throw new IllegalArgumentException("dimensions " + Arrays.toString(dims) + " hold " + n
                    + " elements but data has " + data.length);
        }
    }

    /** @return the file the data was read from */
    public Path source() {
        return source;
    }

    /** @return number of dimensions */
    public int rank() {
        return dims.length;
    }

    /**
     * @param i dimension index, 0 = outermost
     * @return size of dimension {@code i}
     */
    public int dim(int i) {
        return dims[i];
    }

    /** @return a copy of the dimensions, outermost first */
    public int[] dims() {
        return dims.clone();
    }

    /** @return number of elements, the product of the dimensions */
    public int size() {
        return data.length;
    }

    /**
     * @param index row-major element index
     * @return the element as an unsigned value in 0..255
     */
    public int unsigned(int index) {
        return data[index] & 0xFF;
    }

    /**
     * The elements, row-major. Java bytes are signed: read element {@code i} as
     * {@code bytes()[i] & 0xFF}.
     *
     * @return the data array itself, not a copy (see the class comment)
     */
    public byte[] bytes() {
        return data;
    }

    @Override
    public String toString() {
        return "IdxArray" + Arrays.toString(dims) + " from " + source;
    }
}
