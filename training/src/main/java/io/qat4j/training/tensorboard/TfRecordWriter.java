package io.qat4j.training.tensorboard;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Writes records in TensorFlow's TFRecord framing, as {@code tensorflow/core/lib/io/record_writer.cc}
 * ({@code RecordWriter::WriteRecord}) defines it. Each record is
 *
 * <pre>
 *   uint64 length                      (little-endian)
 *   uint32 masked_crc32c(length bytes) (little-endian, over the 8 bytes of the length)
 *   byte   data[length]
 *   uint32 masked_crc32c(data)         (little-endian)
 * </pre>
 *
 * where {@code crc32c} is the Castagnoli CRC ({@link CRC32C}) and the mask is TensorFlow's
 * {@code crc32c::Mask} ({@code tensorflow/core/lib/hash/crc32c.h}):
 * {@code ((crc >>> 15) | (crc << 17)) + 0xa282ead8}, computed modulo 2^32. No compression is applied
 * (TensorBoard event files are uncompressed TFRecords).
 *
 * <p>Output goes through a {@link BufferedOutputStream}; call {@link #flush()} to push it to the file.
 * Instances are not thread-safe. Every {@link IOException} thrown names the file.
 */
public final class TfRecordWriter implements Closeable, Flushable {

    /** Bytes before the data of a record: the 8-byte length and its 4-byte masked CRC. */
    public static final int HEADER_BYTES = 12;
    /** Bytes after the data of a record: the 4-byte masked CRC of the data. */
    public static final int FOOTER_BYTES = 4;

    /** {@code kMaskDelta} of {@code tensorflow/core/lib/hash/crc32c.h}. */
    private static final int MASK_DELTA = 0xa282ead8;
    private static final int BUFFER_BYTES = 1 << 16;

    private final Path file;
    private final OutputStream out;
    private final ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer footer = ByteBuffer.allocate(FOOTER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private long bytesWritten;
    private boolean closed;

    private TfRecordWriter(Path file, OutputStream out) {
        this.file = file;
        this.out = out;
    }

    /**
     * Creates {@code file}, which must not exist yet, and returns a writer appending records to it.
     *
     * @throws FileAlreadyExistsException if the file exists (its message is the path)
     * @throws IOException if the file cannot be created; the message names the file
     */
    public static TfRecordWriter createNew(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        OutputStream stream;
        try {
            stream = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException("cannot create TFRecord file " + file + ": " + e, e);
        }
        return new TfRecordWriter(file, new BufferedOutputStream(stream, BUFFER_BYTES));
    }

    /** The file this writer appends to. */
    public Path file() {
        return file;
    }

    /** Number of bytes written so far (framing included), buffered or not. */
    public long bytesWritten() {
        return bytesWritten;
    }

    /** Appends {@code data} as one record. */
    public void write(byte[] data) throws IOException {
        write(data, 0, data.length);
    }

    /** Appends {@code data[offset, offset + length)} as one record. */
    public void write(byte[] data, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, data.length);
        ensureOpen();
        header.clear();
        header.putLong(length); // uint64 length, little-endian; a Java array length is < 2^31
        header.putInt(maskedCrc32c(header.array(), 0, Long.BYTES));
        footer.clear();
        footer.putInt(maskedCrc32c(data, offset, length));
        try {
            out.write(header.array(), 0, HEADER_BYTES);
            out.write(data, offset, length);
            out.write(footer.array(), 0, FOOTER_BYTES);
        } catch (IOException e) {
            throw new IOException("cannot write TFRecord to " + file + ": " + e, e);
        }
        bytesWritten += HEADER_BYTES + (long) length + FOOTER_BYTES;
    }

    /** Pushes buffered records to the file. */
    @Override
    public void flush() throws IOException {
        ensureOpen();
        try {
            out.flush();
        } catch (IOException e) {
            throw new IOException("cannot flush TFRecord file " + file + ": " + e, e);
        }
    }

    /** Flushes and closes the file; further calls do nothing. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            throw new IOException("cannot close TFRecord file " + file + ": " + e, e);
        }
    }

    /** CRC32C (Castagnoli, as {@link CRC32C}) of {@code data[offset, offset + length)}, as 32 bits. */
    public static int crc32c(byte[] data, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(data, offset, length);
        return (int) crc.getValue();
    }

    /**
     * TensorFlow's CRC mask ({@code crc32c::Mask}): rotate right by 15 bits and add {@code 0xa282ead8},
     * modulo 2^32. Int arithmetic wraps exactly as the C++ {@code uint32_t} arithmetic does.
     */
    public static int mask(int crc) {
        return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
    }

    /** Inverse of {@link #mask(int)} ({@code crc32c::Unmask}). */
    public static int unmask(int maskedCrc) {
        int rot = maskedCrc - MASK_DELTA;
        return (rot >>> 17) | (rot << 15);
    }

    /** {@code mask(crc32c(data[offset, offset + length)))}, the checksum stored in a TFRecord. */
    public static int maskedCrc32c(byte[] data, int offset, int length) {
        return mask(crc32c(data, offset, length));
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("TFRecord file " + file + " is closed");
        }
    }
}
