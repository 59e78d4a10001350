package io.qat4j.training.tensorboard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests of {@link TfRecordWriter}: CRC32C, TensorFlow's masking, and the byte layout of records. */
class TfRecordWriterTest {

    @TempDir
    Path dir;

    /** Bitwise reflected CRC-32C (polynomial 0x82F63B78), independent of java.util.zip. */
    private static long referenceCrc32c(byte[] data, int offset, int length) {
        long crc = 0xFFFF_FFFFL;
        for (int i = offset; i < offset + length; i++) {
            crc ^= data[i] & 0xFF;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x82F6_3B78L : crc >>> 1;
            }
        }
        return crc ^ 0xFFFF_FFFFL;
    }

    private static long referenceMask(long crc) {
        long rotated = ((crc >>> 15) | (crc << 17)) & 0xFFFF_FFFFL;
        return (rotated + 0xa282ead8L) & 0xFFFF_FFFFL;
    }

    @Test
    void crc32cOfCheckStringIsTheStandardCheckValue() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xE3069283, TfRecordWriter.crc32c(check, 0, check.length));
        assertEquals(0xE306_9283L, referenceCrc32c(check, 0, check.length));
    }

    @Test
    void maskedCheckValueFollowsTheFormula() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        int crc = 0xE3069283;
        long expected = referenceMask(Integer.toUnsignedLong(crc));
        assertEquals(expected, Integer.toUnsignedLong(TfRecordWriter.mask(crc)));
        assertEquals(expected, Integer.toUnsignedLong(TfRecordWriter.maskedCrc32c(check, 0, check.length)));
        assertNotEquals(crc, TfRecordWriter.mask(crc));
    }

    @Test
    void maskAgreesWithReferenceAndUnmaskInvertsIt() {
        Random random = new Random(7);
        int[] boundary = {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 1 << 15, 1 << 17, 0xa282ead8};
        int[] values = new int[boundary.length + 1000];
        System.arraycopy(boundary, 0, values, 0, boundary.length);
        for (int i = boundary.length; i < values.length; i++) {
            values[i] = random.nextInt();
        }
        for (int crc : values) {
            int masked = TfRecordWriter.mask(crc);
            assertEquals(referenceMask(Integer.toUnsignedLong(crc)), Integer.toUnsignedLong(masked),
                    () -> "mask(" + Integer.toHexString(crc) + ")");
            assertEquals(crc, TfRecordWriter.unmask(masked));
            // crc32c_test.cc: masking twice differs from masking once
            assertNotEquals(masked, TfRecordWriter.mask(masked));
        }
    }

    @Test
    void crc32cAgreesWithBitwiseReferenceOnRandomData() {
        Random random = new Random(11);
        for (int length : new int[] {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000, 4097}) {
            byte[] data = new byte[length + 5];
            random.nextBytes(data);
            assertEquals(referenceCrc32c(data, 3, length), Integer.toUnsignedLong(TfRecordWriter.crc32c(data, 3, length)),
                    "length " + length);
        }
    }

    @Test
    void recordsHaveTheTfRecordByteLayout() throws IOException {
        Path file = dir.resolve("records.tfrecord");
        byte[] first = "abc".getBytes(StandardCharsets.US_ASCII);
        byte[] second = new byte[0];
        byte[] third = new byte[300];
        new Random(3).nextBytes(third);
        try (TfRecordWriter writer = TfRecordWriter.createNew(file)) {
            writer.write(first);
            writer.write(second);
            writer.write(new byte[] {9, 9, 9, 9}, 4, 0);
            writer.write(third);
            assertEquals(4 * 16L + first.length + third.length, writer.bytesWritten());
        }
        byte[] bytes = Files.readAllBytes(file);
        assertEquals(4 * 16 + first.length + third.length, bytes.length);

        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int pos = 0;
        for (byte[] expected : new byte[][] {first, second, second, third}) {
            assertEquals(expected.length, buf.getLong(pos), "length at " + pos);
            byte[] lengthBytes = Arrays.copyOfRange(bytes, pos, pos + 8);
            assertEquals(referenceMask(referenceCrc32c(lengthBytes, 0, 8)), Integer.toUnsignedLong(buf.getInt(pos + 8)));
            assertArrayEquals(expected, Arrays.copyOfRange(bytes, pos + 12, pos + 12 + expected.length));
            assertEquals(referenceMask(referenceCrc32c(expected, 0, expected.length)),
                    Integer.toUnsignedLong(buf.getInt(pos + 12 + expected.length)));
            pos += 16 + expected.length;
        }

        List<TfRecordReader.Record> read = TfRecordReader.readRecords(file);
        assertEquals(4, read.size());
        assertArrayEquals(first, read.get(0).data());
        assertArrayEquals(third, read.get(3).data());
        assertEquals(0, read.get(0).offset());
        assertEquals(16 + first.length, read.get(1).offset());
    }

    @Test
    void refusesToOverwriteAnExistingFile() throws IOException {
        Path file = Files.writeString(dir.resolve("exists"), "keep me");
        assertThrows(FileAlreadyExistsException.class, () -> TfRecordWriter.createNew(file));
        assertEquals("keep me", Files.readString(file));
    }

    @Test
    void writingAfterCloseFailsNamingTheFile() throws IOException {
        Path file = dir.resolve("closed.tfrecord");
        TfRecordWriter writer = TfRecordWriter.createNew(file);
        writer.close();
        writer.close();
        IOException e = assertThrows(IOException.class, () -> writer.write(new byte[1]));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void creatingInAMissingDirectoryFailsNamingTheFile() {
        Path file = dir.resolve("missing").resolve("x.tfrecord");
        IOException e = assertThrows(IOException.class, () -> TfRecordWriter.createNew(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
}
