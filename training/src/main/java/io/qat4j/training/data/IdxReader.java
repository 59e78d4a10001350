package io.qat4j.training.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads IDX files of unsigned bytes, plain or gzip-compressed, validating every field before
 * trusting it.
 *
 * <p>The IDX format, as defined on Y. LeCun, C. Cortes, C. J. C. Burges, "The MNIST database of
 * handwritten digits", <a href="http://yann.lecun.com/exdb/mnist/">
 * http://yann.lecun.com/exdb/mnist/</a> ("THE IDX FILE FORMAT"):
 * <pre>
 * offset  size        field
 * 0       2 bytes     0x00 0x00
 * 2       1 byte      data type: 0x08 unsigned byte, 0x09 signed byte, 0x0B short,
 *                     0x0C int, 0x0D float, 0x0E double
 * 3       1 byte      rank (number of dimensions)
 * 4       4*rank      dimension sizes, 32-bit big-endian ("MSB first")
 * 4+4*rank            data, row-major (last index changes fastest), big-endian elements
 * </pre>
 * MNIST and Fashion-MNIST image files have magic {@code 0x00000803} (unsigned bytes, rank 3:
 * count, rows, columns) and label files {@code 0x00000801} (unsigned bytes, rank 1: count). This
 * reader supports the unsigned-byte type only; other types are recognised by name and rejected.
 *
 * <p>Compression is detected from the gzip magic {@code 0x1f 0x8b} at the start of the file, not
 * from its name. Validation, each failure an {@link IdxFormatException} naming the file and
 * the byte offset:
 * <ul>
 *   <li>magic: two zero bytes, a supported type, a positive rank equal to the expected one;</li>
 *   <li>truncated header;</li>
 *   <li>dimensions: none negative; their product at most the hard cap {@value #MAX_ELEMENTS}
 *       (or a lower cap given by the caller), checked while reading them so no product
 *       overflows; then, before the data array is allocated, at most what the file can hold:
 *       exactly the bytes after the header for a plain file, at most
 *       {@value #MAX_DEFLATE_RATIO} times the compressed size for a gzip file (the deflate
 *       format expands at most 1032:1), whose data array moreover grows only as decompressed
 *       bytes arrive (from 16 MiB, doubling), so that a header that lies costs at most
 *       {@code max(16 MiB, 2 x real content)} of memory;</li>
 *   <li>truncated data and trailing bytes after the data;</li>
 *   <li>corrupt gzip streams (bad CRC, bad deflate data);</li>
 *   <li>bytes after the gzip data: a gzip file of several members (RFC 1952 section 2.2) is read
 *       as one stream, the concatenation of the members' data, as {@code gunzip} reads it; anything
 *       after the last member that is not a complete member (garbage, zero padding) is an error at
 *       its offset in the compressed file, just as trailing bytes of a plain file are
 *       ({@link StrictGzipInputStream}; {@link java.util.zip.GZIPInputStream} would ignore them).</li>
 * </ul>
 * Whole files are read through {@link IdxStream}, which also reads a file piece by piece from any
 * stream. Stateless; all methods are static and thread-safe.
 */
public final class IdxReader {

    /** IDX data type code of unsigned bytes, the only type this reader loads. */
    public static final int TYPE_UNSIGNED_BYTE = 0x08;

    /** Hard cap on the number of elements of one file: the largest Java array. */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    /** Upper bound of the deflate expansion ratio (decompressed / compressed bytes). */
    public static final long MAX_DEFLATE_RATIO = 1032;

    /** First allocation for the data of a gzip file, doubled as decompressed data arrives. */
    private static final int GZIP_INITIAL_CHUNK = 1 << 24;

    private IdxReader() {
    }

    /**
     * Reads an IDX file of any rank.
     *
     * @param file plain or gzip-compressed IDX file
     * @return dimensions and data
     * @throws IdxFormatException when the file is malformed
     * @throws IOException when the file cannot be read
     */
    public static IdxArray read(Path file) throws IOException {
        return read(file, -1, MAX_ELEMENTS);
    }

    /**
     * Reads an IDX file that must have {@code expectedRank} dimensions.
     *
     * @param file plain or gzip-compressed IDX file
     * @param expectedRank required rank, e.g. 3 for images, 1 for labels; -1 accepts any
     * @return dimensions and data
     * @throws IdxFormatException when the file is malformed or has another rank
     * @throws IOException when the file cannot be read
     */
    public static IdxArray read(Path file, int expectedRank) throws IOException {
        return read(file, expectedRank, MAX_ELEMENTS);
    }

    /**
     * Reads an IDX file that must have {@code expectedRank} dimensions and at most
     * {@code maxElements} elements.
     *
     * @param file plain or gzip-compressed IDX file
     * @param expectedRank required rank, 1..255; -1 accepts any
     * @param maxElements cap on the product of the dimensions, 0..{@value #MAX_ELEMENTS}
     * @return dimensions and data
     * @throws IdxFormatException when the file is malformed
     * @throws IOException when the file cannot be read
     */
    public static IdxArray read(Path file, int expectedRank, long maxElements) throws IOException {
        if (expectedRank != -1 && (expectedRank < 1 || expectedRank > 255)) {
            throw new IllegalArgumentException("expectedRank must be -1 or 1..255, got " + expectedRank);
        }
        if (maxElements < 0 || maxElements > MAX_ELEMENTS) {
            throw new IllegalArgumentException("maxElements must be in 0.." + MAX_ELEMENTS + ", got " + maxElements);
        }
        try (IdxStream in = IdxStream.open(file.toString(), file, Files.newInputStream(file), Files.size(file))) {
            IdxStream.Header h = in.readHeader(expectedRank, maxElements);
            long count = h.dataBytes();
            byte[] data;
            if (!h.gzip()) {
                // the file size was checked with the header: the whole array is present
                data = new byte[(int) count];
                in.readData(data, 0, data.length);
            } else {
                // the decompressed size is only known once read: grow the array with the data that
                // actually arrives, so a lying header costs at most max(16 MiB, twice the real content)
                data = new byte[(int) Math.min(count, GZIP_INITIAL_CHUNK)];
                int filled = 0;
                while (true) {
                    in.readData(data, filled, data.length - filled);
                    filled = data.length;
                    if (filled == count) {
                        break;
                    }
                    data = Arrays.copyOf(data, (int) Math.min(count, 2L * filled));
                }
            }
            in.expectEnd();
            return new IdxArray(file, h.dims(), data);
        }
    }

    /**
     * @param file any file
     * @return true when the file starts with the gzip magic {@code 0x1f 0x8b} (RFC 1952)
     * @throws IOException when the file cannot be read
     */
    public static boolean isGzip(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 2)) {
            return startsWithGzipMagic(in);
        }
    }

    /**
     * @param type IDX data type code
     * @return its name as given by the format, or "unknown"
     */
    public static String typeName(int type) {
        return switch (type) {
            case 0x08 -> "unsigned byte";
            case 0x09 -> "signed byte";
            case 0x0B -> "short";
            case 0x0C -> "int";
            case 0x0D -> "float";
            case 0x0E -> "double";
            default -> "unknown";
        };
    }

    private static boolean startsWithGzipMagic(InputStream in) throws IOException {
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == 0x1f && b1 == 0x8b;
    }
}
