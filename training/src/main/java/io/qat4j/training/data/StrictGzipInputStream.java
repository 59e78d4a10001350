package io.qat4j.training.data;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * A gzip decompressor (RFC 1952, "GZIP file format specification version 4.3") that accounts for
 * every byte of the file, which {@link java.util.zip.GZIPInputStream} does not: that class silently
 * ignores whatever follows a member when it does not parse as another member's header.
 *
 * <ul>
 *   <li>A file of several members (RFC 1952 section 2.2, e.g. {@code cat a.gz b.gz}) is one stream,
 *       the concatenation of the members' data, as {@code gunzip} outputs it.</li>
 *   <li>Anything after the last member that is not a complete member (garbage, zero padding) is a
 *       {@link GzipFormatException} at its byte offset in the file.</li>
 *   <li>Every member's header (magic {@code 1f 8b}, method 8 = deflate, no reserved flag bits,
 *       the optional fields, the header CRC16 when present) and trailer (CRC32 and ISIZE of the
 *       member's data) are checked.</li>
 * </ul>
 * Not thread-safe; {@link #close()} releases the inflater and closes the underlying stream.
 */
final class StrictGzipInputStream extends InputStream {

    /**
     * A malformed gzip file.
     */
    static final class GzipFormatException extends ZipException {
        private static final long serialVersionUID = 1L;

        /** Byte offset in the (compressed) file. */
        final long fileOffset;
        /** True when the problem lies outside every member's data: trailing bytes or a further member's header. */
        final boolean framing;

        GzipFormatException(long fileOffset, boolean framing, String message) {
            super(message);
            this.fileOffset = fileOffset;
            this.framing = framing;
        }
    }

    private static final int ID1 = 0x1f;
    private static final int ID2 = 0x8b;
    private static final int DEFLATE = 8;
    private static final int FHCRC = 0x02;
    private static final int FEXTRA = 0x04;
    private static final int FNAME = 0x08;
    private static final int FCOMMENT = 0x10;
    private static final int RESERVED_FLAGS = 0xE0;

    private final InputStream in;
    private final long fileSize;
    private final byte[] buf;
    private int bufPos;
    private int bufLen;
    /** File offset of {@code buf[0]}. */
    private long bufStart;
    private final Inflater inflater = new Inflater(true);
    private final CRC32 dataCrc = new CRC32();
    private final CRC32 headerCrc = new CRC32();
    private long memberStart;
    private long memberBytes;
    private boolean eof;

    /**
     * Reads the first member's header.
     *
     * @param in the file's bytes, from its first byte
     * @param fileSize the file's size, for messages about trailing bytes
     * @param bufferSize bytes read from {@code in} at a time
     * @throws GzipFormatException when the file does not start with a valid gzip header
     * @throws IOException when reading fails
     */
    StrictGzipInputStream(InputStream in, long fileSize, int bufferSize) throws IOException {
        this.in = in;
        this.fileSize = fileSize;
        this.buf = new byte[bufferSize];
        readHeader();
    }

    /** @return the file offset of the next byte not yet consumed */
    long fileOffset() {
        return bufStart + bufPos;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (!eof) {
            if (inflater.finished()) {
                endMember();
                continue;
            }
            if (inflater.needsInput()) {
                if (bufPos == bufLen && !fill()) {
                    throw new GzipFormatException(fileOffset(), false, "the file ends inside the compressed data"
                            + " of the gzip member at offset " + memberStart);
                }
                inflater.setInput(buf, bufPos, bufLen - bufPos);
            }
            int n;
            try {
                n = inflater.inflate(b, off, len);
            } catch (DataFormatException e) {
                throw new GzipFormatException(fileOffset(), false, "invalid deflate data in the gzip member at offset "
                        + memberStart + ": " + e.getMessage());
            }
            bufPos = bufLen - inflater.getRemaining();
            if (n > 0) {
                dataCrc.update(b, off, n);
                memberBytes += n;
                return n;
            }
            if (inflater.needsDictionary()) {
                throw new GzipFormatException(fileOffset(), false, "the gzip member at offset " + memberStart
                        + " needs a preset dictionary, which gzip does not allow");
            }
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        inflater.end();
        in.close();
    }

    /** Checks a finished member's trailer, then reads the next member's header or ends the stream. */
    private void endMember() throws IOException {
        long at = fileOffset();
        long crc = littleEndian32("CRC32 in the trailer");
        long size = littleEndian32("ISIZE in the trailer");
        if (crc != dataCrc.getValue()) {
            throw new GzipFormatException(at, false, String.format("CRC32 mismatch in the gzip member at offset %d:"
                    + " the trailer says 0x%08X, the data has 0x%08X", memberStart, crc, dataCrc.getValue()));
        }
        if (size != (memberBytes & 0xFFFFFFFFL)) {
            throw new GzipFormatException(at + 4, false, "ISIZE mismatch in the gzip member at offset " + memberStart
                    + ": the trailer says " + size + " bytes, the member holds " + memberBytes);
        }
        if (bufPos == bufLen && !fill()) {
            eof = true;
            return;
        }
        readHeader();
    }

    /** Reads a member header (RFC 1952 section 2.3) and prepares to inflate its data. */
    private void readHeader() throws IOException {
        memberStart = fileOffset();
        headerCrc.reset();
        int id1 = headerByteOrEof();
        int id2 = id1 == ID1 ? headerByteOrEof() : -1;
        if (id1 != ID1 || id2 != ID2) {
            if (memberStart == 0) {
                throw new GzipFormatException(0, true, "not a gzip file (it does not start with 1f 8b)");
            }
            throw new GzipFormatException(memberStart, true, (fileSize - memberStart) + " trailing byte(s) after the"
                    + " gzip data, which ends at offset " + memberStart + ": not a gzip member (a member starts"
                    + " with 1f 8b)");
        }
        int method = headerByte();
        if (method != DEFLATE) {
            throw new GzipFormatException(memberStart + 2, true, "the gzip member at offset " + memberStart
                    + " uses compression method " + method + "; only 8 (deflate) exists");
        }
        int flags = headerByte();
        if ((flags & RESERVED_FLAGS) != 0) {
            throw new GzipFormatException(memberStart + 3, true, String.format("the gzip member at offset %d sets"
                    + " reserved flag bits 0x%02X", memberStart, flags & RESERVED_FLAGS));
        }
        for (int i = 0; i < 6; i++) { // MTIME (4), XFL, OS
            headerByte();
        }
        if ((flags & FEXTRA) != 0) {
            int xlen = headerByte() | headerByte() << 8;
            for (int i = 0; i < xlen; i++) {
                headerByte();
            }
        }
        if ((flags & FNAME) != 0) {
            while (headerByte() != 0) {
                // zero-terminated original file name
            }
        }
        if ((flags & FCOMMENT) != 0) {
            while (headerByte() != 0) {
                // zero-terminated comment
            }
        }
        if ((flags & FHCRC) != 0) {
            long expected = headerCrc.getValue() & 0xFFFF;
            long at = fileOffset();
            int crc16 = headerByte() | headerByte() << 8;
            if (crc16 != expected) {
                throw new GzipFormatException(at, true, String.format("header CRC16 mismatch in the gzip member at"
                        + " offset %d: 0x%04X stored, 0x%04X computed", memberStart, crc16, expected));
            }
        }
        inflater.reset();
        dataCrc.reset();
        memberBytes = 0;
    }

    private int headerByteOrEof() throws IOException {
        if (bufPos == bufLen && !fill()) {
            return -1;
        }
        int b = buf[bufPos++] & 0xFF;
        headerCrc.update(b);
        return b;
    }

    private int headerByte() throws IOException {
        int b = headerByteOrEof();
        if (b < 0) {
            throw new GzipFormatException(fileOffset(), true, "the file ends inside the header of the gzip member at"
                    + " offset " + memberStart);
        }
        return b;
    }

    private long littleEndian32(String what) throws IOException {
        long v = 0;
        for (int i = 0; i < 4; i++) {
            if (bufPos == bufLen && !fill()) {
                throw new GzipFormatException(fileOffset(), false, "the file ends inside the trailer (" + what
                        + ") of the gzip member at offset " + memberStart);
            }
            v |= (long) (buf[bufPos++] & 0xFF) << (8 * i);
        }
        return v;
    }

    /** Refills the buffer once it is consumed; false at the end of the file. */
    private boolean fill() throws IOException {
        bufStart += bufLen;
        bufPos = 0;
        bufLen = 0;
        int n;
        do {
            n = in.read(buf, 0, buf.length);
        } while (n == 0);
        if (n < 0) {
            return false;
        }
        bufLen = n;
        return true;
    }
}
