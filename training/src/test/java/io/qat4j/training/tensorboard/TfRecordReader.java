package io.qat4j.training.tensorboard;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.tensorflow.proto.Event;

/**
 * Test-only reader of TFRecord files ({@code tensorflow/core/lib/io/record_reader.cc}): checks the
 * masked CRC32C of every record's length and data and fails with the record's offset on any mismatch
 * or truncation. The masking here is written independently of {@link TfRecordWriter}, in 64-bit
 * arithmetic, so that a writer bug is not mirrored by the reader.
 */
public final class TfRecordReader {

    /** One record: its byte offset in the file and its data. */
    record Record(long offset, byte[] data) {
    }

    private TfRecordReader() {
    }

    static List<Record> readRecords(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        List<Record> records = new ArrayList<>();
        int pos = 0;
        while (pos < bytes.length) {
            if (bytes.length - pos < 12) {
                throw new IOException(file + ": truncated record header at offset " + pos);
            }
            long length = buf.getLong(pos);
            long storedLengthCrc = Integer.toUnsignedLong(buf.getInt(pos + 8));
            long computedLengthCrc = maskedCrc(bytes, pos, 8);
            if (storedLengthCrc != computedLengthCrc) {
                throw new IOException(String.format("%s: length CRC mismatch in record at offset %d"
                        + " (stored 0x%08x, computed 0x%08x)", file, pos, storedLengthCrc, computedLengthCrc));
            }
            if (length < 0 || length > bytes.length - pos - 16L) {
                throw new IOException(file + ": truncated record at offset " + pos + " (length " + length + ")");
            }
            int dataStart = pos + 12;
            int dataEnd = dataStart + (int) length;
            long storedDataCrc = Integer.toUnsignedLong(buf.getInt(dataEnd));
            long computedDataCrc = maskedCrc(bytes, dataStart, (int) length);
            if (storedDataCrc != computedDataCrc) {
                throw new IOException(String.format("%s: data CRC mismatch in record at offset %d"
                        + " (stored 0x%08x, computed 0x%08x)", file, pos, storedDataCrc, computedDataCrc));
            }
            records.add(new Record(pos, Arrays.copyOfRange(bytes, dataStart, dataEnd)));
            pos = dataEnd + 4;
        }
        return records;
    }

    public static List<Event> readEvents(Path file) throws IOException {
        List<Event> events = new ArrayList<>();
        for (Record r : readRecords(file)) {
            events.add(Event.parseFrom(r.data()));
        }
        return events;
    }

    /** crc32c::Mask: rotate right 15, add 0xa282ead8, modulo 2^32 (uint32 as a non-negative long). */
    static long maskedCrc(byte[] data, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(data, offset, length);
        long c = crc.getValue();
        long rotated = ((c >>> 15) | (c << 17)) & 0xFFFF_FFFFL;
        return (rotated + 0xa282ead8L) & 0xFFFF_FFFFL;
    }
}
