package io.qat4j.training.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipException;

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
 * Stateless; all methods are static and thread-safe.
 */
public final class IdxReader {

    /** IDX data type code of unsigned bytes, the only type this reader loads. */
    public static final int TYPE_UNSIGNED_BYTE = 0x08;

    /** Hard cap on the number of elements of one file: the largest Java array. */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    /** Upper bound of the deflate expansion ratio (decompressed / compressed bytes). */
    public static final long MAX_DEFLATE_RATIO = 1032;

    private static final int BUFFER = 1 << 16;

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
        long fileSize = Files.size(file);
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER)) {
            if (!startsWithGzipMagic(raw)) {
                return new Parser(file, raw, false, fileSize).parse(expectedRank, maxElements);
            }
            StrictGzipInputStream in;
            try {
                in = new StrictGzipInputStream(raw, fileSize, BUFFER);
            } catch (StrictGzipInputStream.GzipFormatException e) {
                throw new IdxFormatException(file, e.fileOffset, false, "corrupt gzip header: " + e.getMessage(), e);
            }
            try (in) {
                return new Parser(file, in, true, fileSize).parse(expectedRank, maxElements);
            }
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

    /** Reads one stream, keeping the offset of the next byte for error messages. */
    private static final class Parser {
        private final Path file;
        private final InputStream in;
        private final boolean gzip;
        private final long fileSize;
        private long pos;

        Parser(Path file, InputStream in, boolean gzip, long fileSize) {
            this.file = file;
            this.in = in;
            this.gzip = gzip;
            this.fileSize = fileSize;
        }

        IdxArray parse(int expectedRank, long maxElements) throws IOException {
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
            if (type != TYPE_UNSIGNED_BYTE) {
                throw error(2, String.format("unsupported data type 0x%02X (%s) in magic number 0x%08X;"
                        + " only 0x%02X (unsigned byte) is supported", type, typeName(type), magicValue,
                        TYPE_UNSIGNED_BYTE));
            }
            int rank = magic[3] & 0xFF;
            if (rank == 0) {
                throw error(3, String.format("rank 0 in magic number 0x%08X: an IDX array has at least one"
                        + " dimension", magicValue));
            }
            if (expectedRank != -1 && rank != expectedRank) {
                throw error(3, String.format("rank mismatch: magic number 0x%08X declares %d dimension(s),"
                        + " expected %d (magic 0x%08X)", magicValue, rank, expectedRank,
                        (TYPE_UNSIGNED_BYTE << 8) | expectedRank));
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
                // count <= maxElements < 2^31 and d < 2^31, so the product fits in a long
                count *= d;
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
                long bound = fileSize * MAX_DEFLATE_RATIO;
                if (headerSize + count > bound) {
                    throw error(4, "dimensions " + Arrays.toString(dims) + " declare " + count
                            + " data bytes, more than a gzip file of " + fileSize + " bytes can hold"
                            + " (deflate expands at most " + MAX_DEFLATE_RATIO + ":1)");
                }
            }

            String what = "data (" + count + " bytes declared by dimensions " + Arrays.toString(dims)
                    + " from offset " + headerSize + ")";
            byte[] data;
            if (!gzip) {
                // the file size was checked above: the whole array is present
                data = new byte[(int) count];
                readFully(data, 0, data.length, what);
            } else {
                // the decompressed size is only known once read: grow the array with the data that
                // actually arrives, so a lying header costs at most max(16 MiB, twice the real content)
                data = new byte[(int) Math.min(count, GZIP_INITIAL_CHUNK)];
                int filled = 0;
                while (true) {
                    readFully(data, filled, data.length - filled, what, headerSize + count);
                    filled = data.length;
                    if (filled == count) {
                        break;
                    }
                    data = Arrays.copyOf(data, (int) Math.min(count, 2L * filled));
                }
            }
            if (gzip) {
                long end = pos;
                int extra = readByte();
                if (extra >= 0) {
                    throw error(end, "unexpected trailing byte(s) after the " + count
                            + " data bytes declared by dimensions " + Arrays.toString(dims));
                }
            }
            return new IdxArray(file, dims, data);
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
                return new IdxFormatException(file, e.fileOffset, false, e.getMessage(), e);
            }
            return error(pos, "corrupt gzip data " + when + ": " + e.getMessage() + " (file offset " + e.fileOffset
                    + ")", e);
        }

        private IdxFormatException error(long offset, String detail) {
            return new IdxFormatException(file, offset, gzip, detail);
        }

        private IdxFormatException error(long offset, String detail, Throwable cause) {
            return new IdxFormatException(file, offset, gzip, detail, cause);
        }
    }
}
