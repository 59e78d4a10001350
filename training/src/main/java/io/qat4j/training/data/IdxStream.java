package io.qat4j.training.data;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipException;

/**
 * An IDX file of unsigned bytes read as a stream, plain or gzip-compressed, with the validation of
 * {@link IdxReader} (which reads whole files through it): the header first, then the data in
 * pieces of any size, then the end of the file. Each failure is an {@link IdxFormatException}
 * naming the source and the byte offset (of the decompressed data for a gzip file).
 *
 * <p>The source is any {@link InputStream} with its size, so the file may come from a local disk
 * or from a Hadoop FileSystem; a plain file may also be read from a record onward after seeking
 * ({@link #positioned}), which is how a Spark task reads its range of a large file. Depends on the
 * JDK only. Not thread-safe.
 */
public final class IdxStream implements Closeable {

    /**
     * The validated header of an IDX file.
     *
     * @param dims dimensions, outermost first (copied)
     * @param headerBytes bytes before the data: {@code 4 + 4 * rank}
     * @param gzip whether the file is gzip-compressed
     */
    public record Header(int[] dims, long headerBytes, boolean gzip) implements Serializable {

        /** Copies the dimensions. */
        public Header {
            dims = dims.clone();
        }

        @Override
        public int[] dims() {
            return dims.clone();
        }

        /** @return the size of the outermost dimension: images, labels */
        public int records() {
            return dims[0];
        }

        /** @return elements (bytes) of one record: the product of the inner dimensions */
        public long recordBytes() {
            long n = 1;
            for (int i = 1; i < dims.length; i++) {
                n *= dims[i];
            }
            return n;
        }

        /** @return elements (bytes) of the data: the product of all dimensions */
        public long dataBytes() {
            return records() * recordBytes();
        }
    }

    /**
     * Cap on the elements of a file read piece by piece, 2^48 bytes: more than any dataset a
     * cluster scores, far below the overflow of byte offsets ({@link IdxReader} caps a whole file
     * at the largest Java array).
     */
    public static final long MAX_STREAMED_ELEMENTS = 1L << 48;

    private static final int BUFFER = 1 << 16;

    private final String source;
    private final Path file;
    private final InputStream in;
    private final boolean gzip;
    private final long fileSize;
    private long pos;
    private Header header;

    private IdxStream(String source, Path file, InputStream in, boolean gzip, long fileSize, long pos) {
        this.source = source;
        this.file = file;
        this.in = in;
        this.gzip = gzip;
        this.fileSize = fileSize;
        this.pos = pos;
    }

    /**
     * Opens a file from its first byte; compression is detected from the gzip magic {@code 1f 8b}.
     *
     * @param source how messages name the file, e.g. its path or URI
     * @param file the local file, or null when it is not on a local file system
     * @param raw the file's bytes from offset 0; closed by {@link #close()}
     * @param fileSize the file's size in bytes
     * @return a stream positioned before the header
     * @throws IdxFormatException when the file starts like gzip but its gzip header is corrupt
     * @throws IOException when reading fails
     */
    public static IdxStream open(String source, Path file, InputStream raw, long fileSize) throws IOException {
        InputStream buffered = new BufferedInputStream(raw, BUFFER);
        buffered.mark(2);
        int b0 = buffered.read();
        int b1 = buffered.read();
        buffered.reset();
        if (b0 != 0x1f || b1 != 0x8b) {
            return new IdxStream(source, file, buffered, false, fileSize, 0);
        }
        try {
            return new IdxStream(source, file, new StrictGzipInputStream(buffered, fileSize, BUFFER), true, fileSize, 0);
        } catch (StrictGzipInputStream.GzipFormatException e) {
            buffered.close();
            throw new IdxFormatException(source, file, e.fileOffset, false, "corrupt gzip header: " + e.getMessage(), e);
        }
    }

    /**
     * Continues reading a plain (uncompressed) file whose header was read before, from the data byte
     * at {@code offset}; the caller has positioned {@code raw} there (e.g. by seeking).
     *
     * @param source how messages name the file
     * @param file the local file, or null
     * @param raw the file's bytes from {@code offset}; closed by {@link #close()}
     * @param fileSize the file's size in bytes
     * @param header the file's header, not gzip
     * @param offset the file offset of {@code raw}'s next byte, at least {@code header.headerBytes()}
     * @return a stream that reads data from {@code offset}
     */
    public static IdxStream positioned(String source, Path file, InputStream raw, long fileSize, Header header, long offset) {
        if (header.gzip() || offset < header.headerBytes()) {
            throw new IllegalArgumentException("only a plain file can be read from a data offset (offset " + offset
                    + ", header " + header.headerBytes() + " bytes, gzip " + header.gzip() + ")");
        }
        IdxStream s = new IdxStream(source, file, new BufferedInputStream(raw, BUFFER), false, fileSize, offset);
        s.header = header;
        return s;
    }

    /** @return whether the file is gzip-compressed */
    public boolean gzip() {
        return gzip;
    }

    /** @return the offset of the next byte (in the decompressed data for a gzip file) */
    public long position() {
        return pos;
    }

    /**
     * Reads and validates the header: magic, type (unsigned byte only), rank, dimensions (none
     * negative, their product at most {@code maxElements}), and what the file can hold: exactly the
     * bytes after the header for a plain file, at most {@link IdxReader#MAX_DEFLATE_RATIO} times the
     * compressed size for a gzip file.
     *
     * @param expectedRank required rank, 1..255; -1 accepts any
     * @param maxElements cap on the product of the dimensions, at most {@link #MAX_STREAMED_ELEMENTS}
     * @return the header
     * @throws IdxFormatException when the header is malformed
     * @throws IOException when reading fails
     */
    public Header readHeader(int expectedRank, long maxElements) throws IOException {
        if (pos != 0) {
            throw new IllegalStateException("the header is read once, from offset 0");
        }
        if (maxElements < 0 || maxElements > MAX_STREAMED_ELEMENTS) {
            throw new IllegalArgumentException("maxElements must be in 0.." + MAX_STREAMED_ELEMENTS + ", got " + maxElements);
        }
        byte[] magic = new byte[4];
        readFully(magic, 0, 4, "header (4-byte magic number)");
        int magicValue = ((magic[0] & 0xFF) << 24) | ((magic[1] & 0xFF) << 16)
                | ((magic[2] & 0xFF) << 8) | (magic[3] & 0xFF);
        if (magic[0] != 0 || magic[1] != 0) {
            throw error(0, String.format("bad magic number 0x%08X: an IDX file starts with two zero bytes,"
                    + " a type byte and a rank byte (0x00000803 for images, 0x00000801 for labels)",
                    magicValue));
        }
        int type = magic[2] & 0xFF;
        if (type != IdxReader.TYPE_UNSIGNED_BYTE) {
            throw error(2, String.format("unsupported data type 0x%02X (%s) in magic number 0x%08X;"
                    + " only 0x%02X (unsigned byte) is supported", type, IdxReader.typeName(type), magicValue,
                    IdxReader.TYPE_UNSIGNED_BYTE));
        }
        int rank = magic[3] & 0xFF;
        if (rank == 0) {
            throw error(3, String.format("rank 0 in magic number 0x%08X: an IDX array has at least one"
                    + " dimension", magicValue));
        }
        if (expectedRank != -1 && rank != expectedRank) {
            throw error(3, String.format("rank mismatch: magic number 0x%08X declares %d dimension(s),"
                    + " expected %d (magic 0x%08X)", magicValue, rank, expectedRank,
                    (IdxReader.TYPE_UNSIGNED_BYTE << 8) | expectedRank));
        }

        int[] dims = new int[rank];
        byte[] dimBytes = new byte[4];
        long count = 1;
        for (int i = 0; i < rank; i++) {
            long at = pos;
            readFully(dimBytes, 0, 4, "header (size of dimension " + i + " of " + rank + ")");
            int d = ((dimBytes[0] & 0xFF) << 24) | ((dimBytes[1] & 0xFF) << 16)
                    | ((dimBytes[2] & 0xFF) << 8) | (dimBytes[3] & 0xFF);
            if (d < 0) {
                throw error(at, "dimension " + i + " has negative size " + d
                        + String.format(" (0x%08X)", d));
            }
            dims[i] = d;
            // saturating: count <= maxElements and d < 2^31, but a streamed file may allow more than 2^32 elements
            count = d != 0 && count > Long.MAX_VALUE / d ? Long.MAX_VALUE : count * d;
            if (count > maxElements) {
                throw error(at, "dimensions " + Arrays.toString(Arrays.copyOf(dims, i + 1))
                        + (i + 1 < rank ? "..." : "") + " declare at least " + count
                        + " elements, more than the limit of " + maxElements);
            }
        }
        long headerSize = pos;

        // Bound the allocation by what the file can actually hold.
        if (!gzip) {
            long available = fileSize - headerSize;
            if (count > available) {
                throw error(fileSize, "truncated data: dimensions " + Arrays.toString(dims) + " declare "
                        + count + " data bytes from offset " + headerSize + " but the file holds only " + available
                        + " bytes after the header (file size " + fileSize + ")");
            }
            if (count < available) {
                throw error(headerSize + count, (available - count) + " unexpected trailing byte(s) after"
                        + " the " + count + " data bytes declared by dimensions " + Arrays.toString(dims));
            }
        } else {
            long bound = fileSize * IdxReader.MAX_DEFLATE_RATIO;
            if (headerSize + count > bound) {
                throw error(4, "dimensions " + Arrays.toString(dims) + " declare " + count
                        + " data bytes, more than a gzip file of " + fileSize + " bytes can hold"
                        + " (deflate expands at most " + IdxReader.MAX_DEFLATE_RATIO + ":1)");
            }
        }
        header = new Header(dims, headerSize, gzip);
        return header;
    }

    /**
     * Reads the next {@code len} data bytes.
     *
     * @param buf target
     * @param off first byte of {@code buf} to fill
     * @param len bytes to read
     * @throws IdxFormatException when the file ends before them (truncated data) or its gzip data is corrupt
     * @throws IOException when reading fails
     */
    public void readData(byte[] buf, int off, int len) throws IOException {
        if (header == null) {
            throw new IllegalStateException("read the header first");
        }
        long end = header.headerBytes() + header.dataBytes();
        if (pos + len > end) {
            throw new IllegalArgumentException("reading " + len + " bytes from offset " + pos + " passes the end of the data at " + end);
        }
        readFully(buf, off, len, "data (" + header.dataBytes() + " bytes declared by dimensions "
                + Arrays.toString(header.dims) + " from offset " + header.headerBytes() + ")", end);
    }

    /**
     * Checks that a gzip file holds nothing after the data (a plain file's size was checked with its
     * header).
     *
     * @throws IdxFormatException on trailing bytes, or corrupt gzip data or framing after the data
     * @throws IOException when reading fails
     */
    public void expectEnd() throws IOException {
        if (!gzip) {
            return;
        }
        long end = pos;
        int extra = readByte();
        if (extra >= 0) {
            throw error(end, "unexpected trailing byte(s) after the " + header.dataBytes()
                    + " data bytes declared by dimensions " + Arrays.toString(header.dims));
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /**
     * @param offset byte offset of the problem
     * @param detail what is wrong
     * @return an error naming this stream's file, the offset, and whether it counts decompressed bytes
     */
    public IdxFormatException error(long offset, String detail) {
        return new IdxFormatException(source, file, offset, gzip, detail, null);
    }

    private IdxFormatException error(long offset, String detail, Throwable cause) {
        return new IdxFormatException(source, file, offset, gzip, detail, cause);
    }

    private void readFully(byte[] buf, int off, int len, String what) throws IOException {
        readFully(buf, off, len, what, pos + len);
    }

    /** Reads {@code len} bytes of a field that ends at {@code fieldEnd}, or fails at the offset reached. */
    private void readFully(byte[] buf, int off, int len, String what, long fieldEnd) throws IOException {
        int done = 0;
        while (done < len) {
            int n;
            try {
                n = in.read(buf, off + done, len - done);
            } catch (StrictGzipInputStream.GzipFormatException e) {
                throw gzipError(e, "while reading " + what);
            } catch (ZipException | EOFException e) {
                throw error(pos, "corrupt gzip data while reading " + what + ": " + e.getMessage(), e);
            }
            if (n < 0) {
                throw error(pos, "truncated " + what + ": the " + (gzip ? "decompressed " : "")
                        + "stream ends " + (fieldEnd - pos) + " byte(s) before offset " + fieldEnd);
            }
            done += n;
            pos += n;
        }
    }

    private int readByte() throws IOException {
        try {
            int b = in.read();
            if (b >= 0) {
                pos++;
            }
            return b;
        } catch (StrictGzipInputStream.GzipFormatException e) {
            throw gzipError(e, "after the IDX data");
        } catch (ZipException | EOFException e) {
            throw error(pos, "corrupt gzip data after the IDX data: " + e.getMessage(), e);
        }
    }

    /**
     * Bytes outside every gzip member (trailing bytes, a further member's header) are reported
     * at their offset in the file; a problem inside a member's compressed data at the offset
     * reached in the decompressed data, with the file offset in the message.
     */
    private IdxFormatException gzipError(StrictGzipInputStream.GzipFormatException e, String when) {
        if (e.framing) {
            return new IdxFormatException(source, file, e.fileOffset, false, e.getMessage(), e);
        }
        return error(pos, "corrupt gzip data " + when + ": " + e.getMessage() + " (file offset " + e.fileOffset
                + ")", e);
    }
}
