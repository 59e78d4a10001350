package io.qat4j.training.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file does not follow the IDX format (Y. LeCun, C. Cortes, C. J. C. Burges, "The MNIST
 * database of handwritten digits", <a href="http://yann.lecun.com/exdb/mnist/">
 * http://yann.lecun.com/exdb/mnist/</a>, "FILE FORMATS FOR THE MNIST DATABASE"), or its
 * content is not what a loader such as {@link FashionMnist} expects.
 *
 * <p>The message always names the file and the byte offset where reading went wrong. For a
 * gzip-compressed file the offset counts bytes of the decompressed IDX stream, which is the
 * offset the same problem would have in the uncompressed file; the message says so. Problems of
 * the gzip framing itself (a malformed header, trailing bytes after the last member) have no
 * offset in the decompressed stream and are reported at their offset in the file.
 *
 * <p>This is an {@link IOException}, like {@link java.util.zip.ZipException} for ZIP files: every
 * method of this package that reads IDX data declares {@code throws IOException} and reports
 * malformed content with this subtype.
 */
public final class IdxFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long offset;
    private final boolean offsetInDecompressedData;

    /**
     * @param file the file being read
     * @param offset byte offset where the problem was found
     * @param offsetInDecompressedData true when {@code offset} counts decompressed bytes of a
     *     gzip file
     * @param detail what is wrong
     */
    public IdxFormatException(Path file, long offset, boolean offsetInDecompressedData, String detail) {
        this(file, offset, offsetInDecompressedData, detail, null);
    }

    /**
     * @param file the file being read
     * @param offset byte offset where the problem was found
     * @param offsetInDecompressedData true when {@code offset} counts decompressed bytes of a
     *     gzip file
     * @param detail what is wrong
     * @param cause the underlying exception, or null
     */
    public IdxFormatException(Path file, long offset, boolean offsetInDecompressedData, String detail,
                              Throwable cause) {
        this(file.toString(), file, offset, offsetInDecompressedData, detail, cause);
    }

    /**
     * A problem in a file that may not be on a local file system (e.g. a Hadoop FileSystem URI).
     *
     * @param source how the message names the file: its path or URI
     * @param file the local file, or null when it is not on a local file system
     * @param offset byte offset where the problem was found
     * @param offsetInDecompressedData true when {@code offset} counts decompressed bytes of a
     *     gzip file
     * @param detail what is wrong
     * @param cause the underlying exception, or null
     */
    public IdxFormatException(String source, Path file, long offset, boolean offsetInDecompressedData, String detail,
                              Throwable cause) {
        super(source + ": " + detail + " (at byte offset " + offset
                + (offsetInDecompressedData ? " of the decompressed data)" : ")"), cause);
        this.file = file;
        this.offset = offset;
        this.offsetInDecompressedData = offsetInDecompressedData;
    }

    /** @return the file that is malformed, or null when it is not on a local file system */
    public Path file() {
        return file;
    }

    /** @return byte offset where the problem was found */
    public long offset() {
        return offset;
    }

    /** @return true when {@link #offset()} counts decompressed bytes of a gzip file */
    public boolean offsetInDecompressedData() {
        return offsetInDecompressedData;
    }
}
