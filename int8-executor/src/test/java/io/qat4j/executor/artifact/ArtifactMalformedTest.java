package io.qat4j.executor.artifact;

import static io.qat4j.executor.artifact.TestArtifacts.patch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of malformed input, with the message, field and offset the reader must report. */
class ArtifactMalformedTest {

    private static final byte[] VALID = ArtifactWriter.toBytes(TestArtifacts.convFc());
    private static final Map<String, TestArtifacts.Field> F = TestArtifacts.fields(VALID);

    private static int at(String field) {
        return F.get(field).offset();
    }

    /** Reads, expects rejection, checks message, field and offset; returns the exception. */
    private static ArtifactFormatException rejects(byte[] bytes, String messagePart, String field, long offset) {
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class, () -> ArtifactReader.read(bytes));
        assertTrue(e.getMessage().contains(messagePart), () -> "expected '" + messagePart + "' in: " + e.getMessage());
        assertEquals(field, e.field(), e.getMessage());
        assertEquals(offset, e.offset(), e.getMessage());
        assertTrue(e.getMessage().contains("(field " + field + " at byte offset " + offset + ")"), e.getMessage());
        assertNull(e.getCause(), "no unexpected exception behind " + e.getMessage());
        return e;
    }

    @Test
    void badMagic() {
        byte[] b = VALID.clone();
        b[3] = 'X';
        rejects(b, "bad magic: not a qat4j artifact (expected \"QAT4JART\", found 51 41 54 58 4A 41 52 54)", "magic", 0);
        rejects("PK\u0003\u0004 a zip file, not an artifact".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                "bad magic", "magic", 0);
    }

    @Test
    void newerVersion() {
        byte[] b = patch(VALID, "formatVersion", 7);
        ArtifactFormatException e = rejects(b, "artifact format version 7 is newer than this qat4j (reads 1 to 2)", "formatVersion", 8);
        assertTrue(e.problem().startsWith("artifact format version 7 is newer"));
        // even with a corrupt rest: the version is judged first, as a newer layout may differ
        byte[] header = Arrays.copyOf(b, 12);
        rejects(header, "artifact format version 7 is newer than this qat4j (reads 1 to 2)", "formatVersion", 8);
        rejects(patch(VALID, "formatVersion", 0), "invalid artifact format version 0", "formatVersion", 8);
    }

    @Test
    void truncatedHeader() {
        rejects(Arrays.copyOf(VALID, 20), "truncated header: the file has 20 bytes, the header needs 32", "header", 20);
        rejects(Arrays.copyOf(VALID, 9), "truncated header", "header", 9);
        rejects(new byte[0], "truncated header: the file has 0 bytes", "header", 0);
    }

    @Test
    void headerCrcAndFlags() {
        byte[] b = VALID.clone();
        b[25] ^= 1; // blob count, without repairing the header CRC
        rejects(b, "header CRC32C mismatch", "headerCrc32c", 28);
        rejects(patch(VALID, "flags", 4), "unknown flags 0x4", "flags", 10);
    }

    @Test
    void manifestCrcMismatch() {
        byte[] b = VALID.clone();
        b[100] ^= 0x20;
        rejects(b, "manifest CRC32C mismatch", "manifestCrc32c", 20);
    }

    @Test
    void blobCrcMismatch() {
        byte[] b = VALID.clone();
        int blob2 = (int) TestArtifacts.get(VALID, at("blobs[2].offset"), 8);
        b[blob2 + 5] ^= 0x01;
        rejects(b, "blob 2 CRC32C mismatch", "blobs[2].crc32c", at("blobs[2].crc32c"));
    }

    @Test
    void blobOffsetBeyondEndOfFile() {
        rejects(patch(VALID, "blobs[1].offset", VALID.length + 8L), "blob 1 offset " + (VALID.length + 8)
                + " is beyond the end of the file (" + VALID.length + " bytes)", "blobs[1].offset", at("blobs[1].offset"));
        rejects(patch(VALID, "blobs[3].length", 1L << 40), "extends beyond the end of the file", "blobs[3].length",
                at("blobs[3].length"));
        rejects(patch(VALID, "blobs[3].offset", -8), "offset 18446744073709551608 is beyond the end of the file",
                "blobs[3].offset", at("blobs[3].offset"));
        rejects(Arrays.copyOf(VALID, VALID.length - 1), "blob 3 of length 20", "blobs[3].length", at("blobs[3].length"));
    }

    @Test
    void overlappingBlobs() {
        long blob0 = TestArtifacts.get(VALID, at("blobs[0].offset"), 8);
        long blob1 = TestArtifacts.get(VALID, at("blobs[1].offset"), 8);
        rejects(patch(VALID, "blobs[1].offset", blob0), "blob 1 at [" + blob0 + ", " + (blob0 + 12) + ") overlaps blob 0 at ["
                + blob0 + ", " + (blob0 + 27) + ")", "blobs[1].offset", at("blobs[1].offset"));
        rejects(patch(VALID, "blobs[0].offset", 32), "overlaps the blob table", "blobs[0].offset", at("blobs[0].offset"));
        rejects(patch(VALID, "blobs[1].offset", blob1 + 8), "must start at " + blob1, "blobs[1].offset", at("blobs[1].offset"));
        rejects(patch(VALID, "blobs[1].offset", blob1 + 1), "is not a multiple of 8", "blobs[1].offset", at("blobs[1].offset"));
    }

    @Test
    void hugeManifestLengthIsRejectedWithoutAllocation() {
        byte[] b = patch(VALID, "manifestLength", 1L << 62);
        com.sun.management.ThreadMXBean mx = threadMx();
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class, () -> ArtifactReader.read(b));
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertTrue(e.getMessage().contains("manifest length 4611686018427387904 is above the limit of 67108864 bytes (64 MiB)"),
                e.getMessage());
        assertEquals("manifestLength", e.field());
        assertEquals(12, e.offset());
        assertTrue(allocated < 1 << 20, "allocated " + allocated + " bytes");
        // below the cap but beyond the file; 2^63 and more read as negative and are rejected the same way
        rejects(patch(VALID, "manifestLength", 1L << 25), "manifest length 33554432 runs past the end of the file",
                "manifestLength", 12);
        rejects(patch(VALID, "manifestLength", -1), "manifest length 18446744073709551615 is above the limit",
                "manifestLength", 12);
    }

    @Test
    void hugeCountsAndLengthsInsideTheManifest() {
        rejects(patch(VALID, "blobCount", 0xFFFFFFFFL), "blob count 4294967295 is above the limit of 1000000", "blobCount", 24);
        rejects(patch(VALID, "blobCount", 999_999), "runs past the end of the file", "blobCount", 24);
        rejects(patch(VALID, "tensorCount", 0x7FFFFFFF), "2147483647 tensors is above the limit of 1000000", "tensorCount",
                at("tensorCount"));
        rejects(patch(VALID, "tensorCount", 999_999), "999999 tensors need at least 29999970 bytes but only", "tensorCount",
                at("tensorCount"));
        rejects(patch(VALID, "provenance[0].value.length", 0xFFFFFFF0L), "string length 4294967280 is above the limit of 1048576",
                "provenance[0].value", at("provenance[0].value.length"));
        rejects(patch(VALID, "provenance[0].value.length", 100_000), "string length 100000 runs past the end of the manifest",
                "provenance[0].value", at("provenance[0].value.length"));
        rejects(patch(VALID, "ops[0].ints[5].count", 1 << 28), "268435456 values need at least 2147483648 bytes",
                "ops[0].ints[5].count", at("ops[0].ints[5].count"));
        rejects(patch(VALID, "tensors[0].shape.count", 9), "9 dimensions is above the limit of 8", "tensors[0].shape.count",
                at("tensors[0].shape.count"));
    }

    @Test
    void negativeAndZeroDimensions() {
        rejects(patch(VALID, "tensors[3].shape[1]", -3), "tensor 3 'conv.out': dimension -3 is not positive",
                "tensors[3].shape[1]", at("tensors[3].shape.count"));
        rejects(patch(VALID, "tensors[3].shape[2]", 0), "dimension 0 is not positive", "tensors[3].shape[2]",
                at("tensors[3].shape.count"));
    }

    @Test
    void dimensionProductOverflow() {
        byte[] b = patch(patch(VALID, "tensors[0].shape[1]", 65536), "tensors[0].shape[2]", 65536);
        rejects(b, "tensor 0 'input': the product of the dimensions [1, 65536, 65536, 1] overflows", "tensors[0].shape",
                at("tensors[0].shape.count"));
    }

    @Test
    void shapeBlobLengthMismatch() {
        rejects(patch(VALID, "tensors[6].shape[1]", 28), "tensor 6 'fc.weight' INT4_PACKED [5, 28] needs 70 bytes but blob 2 holds 68",
                "tensors[6].shape", at("tensors[6].id"));
        rejects(patch(VALID, "tensors[6].blobIndex", 3), "needs 68 bytes but blob 3 holds 20", "tensors[6].shape", at("tensors[6].id"));
        rejects(patch(VALID, "tensors[7].blobIndex", 9), "refers to blob 9 but there are 4 blobs", "tensors[7].blobIndex",
                at("tensors[7].id"));
    }

    @Test
    void danglingTensorIdInAnOp() {
        rejects(patch(VALID, "ops[3].inputs[1]", 99), "op 'classifier' (fully_connected) input refers to tensor id 99, which does not exist",
                "ops[3].inputs[1]", at("ops[3].inputs[1]"));
        rejects(patch(VALID, "ops[1].outputs[0]", -1), "refers to tensor id -1, which does not exist", "ops[1].outputs[0]",
                at("ops[1].outputs[0]"));
        rejects(patch(VALID, "graphOutputs[1]", 1234), "graph output refers to tensor id 1234", "graphOutputs[1]",
                at("graphOutputs[1]"));
        rejects(patch(VALID, "ops[0].inputs[0]", 4), "reads tensor 4 'pool.out', which is not a constant, a graph input or an output of an earlier op",
                "ops[0].inputs[0]", at("ops[0].inputs[0]"));
    }

    @Test
    void duplicateTensorId() {
        rejects(patch(VALID, "tensors[5].id", 2), "duplicate tensor id 2 ('flatten.out'; tensors[2] 'conv.bias' has it too)",
                "tensors[5].id", at("tensors[5].id"));
    }

    @Test
    void zeroPointOutOfRange() {
        rejects(patch(VALID, "tensors[0].quant.zeroPoints[0]", 200), "tensor 0 'input': zero point 200 is outside the 8-bit INT8 range [-128, 127]",
                "tensors[0].quant.zeroPoints[0]", at("tensors[0].quant.zeroPoints[0]"));
        rejects(patch(VALID, "tensors[6].quant.zeroPoints[4]", 8), "zero point 8 is outside the 4-bit INT4_PACKED range [-8, 7]",
                "tensors[6].quant.zeroPoints[4]", at("tensors[6].quant.zeroPoints[0]"));
    }

    @Test
    void nanScale() {
        rejects(patch(VALID, "tensors[1].quant.scales[2]", Double.doubleToRawLongBits(Double.NaN)), "scale NaN is not finite and positive",
                "tensors[1].quant.scales[2]", at("tensors[1].quant.scales[0]"));
        rejects(patch(VALID, "tensors[1].quant.scales[0]", Double.doubleToRawLongBits(-0.5)), "scale -0.5 is not finite and positive",
                "tensors[1].quant.scales[0]", at("tensors[1].quant.scales[0]"));
    }

    @Test
    void trailingBytes() {
        byte[] b = Arrays.copyOf(VALID, VALID.length + 3);
        rejects(b, "3 trailing bytes after the last blob", "end of file", VALID.length);
    }

    @Test
    void otherCorruptions() {
        rejects(patch(VALID, "tensors[2].elementType", 9), "unknown element type code 9", "tensors[2].elementType",
                at("tensors[2].elementType"));
        rejects(patch(VALID, "tensors[2].bits", 8), "INT32 holds 32-bit values, not 8", "tensors[2].bits", at("tensors[2].bits"));
        // invalid UTF-8 in a string: an overlong encoding
        byte[] b = VALID.clone();
        int key = at("provenance[1].key.length") + 4;
        b[key] = (byte) 0xC1;
        b[key + 1] = (byte) 0x81;
        TestArtifacts.repairCrcs(b);
        rejects(b, "string is not well-formed UTF-8", "provenance[1].key", at("provenance[1].key.length"));
        // a value outside the declared bit range inside a blob
        LoadedArtifact low = TestArtifacts.lowBits();
        byte[] lb = ArtifactWriter.toBytes(low);
        Map<String, TestArtifacts.Field> lf = TestArtifacts.fields(lb);
        long blob0 = TestArtifacts.get(lb, lf.get("blobs[0].offset").offset(), 8);
        lb[(int) blob0 + 4] = 8;
        TestArtifacts.repairCrcs(lb);
        rejects(lb, "element 4 of tensor 1 'w4in8' (tensors[1]) is 8, outside the 4-bit INT8 range [-8, 7]", "blobs[0]", blob0 + 4);
        // a non-zero padding byte
        byte[] pb = VALID.clone();
        long blob1 = TestArtifacts.get(VALID, at("blobs[1].offset"), 8);
        pb[(int) blob1 - 1] = 1;
        rejects(pb, "padding byte before blob 1 is 1, not 0", "blobs[1] padding", blob1 - 1);
        // leftover bytes at the end of the manifest
        rejects(patch(VALID, "graphOutputs.count", 1), "4 unexpected bytes after the end of the manifest structure", "manifest",
                at("graphOutputs[1]"));
    }

    @Test
    void readingAFileNamesThePath(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("broken.qat4j");
        Files.write(f, patch(VALID, "formatVersion", 7));
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class, () -> ArtifactReader.read(f));
        assertEquals(f + ": artifact format version 7 is newer than this qat4j (reads 1 to 2) (field formatVersion at byte offset 8)",
                e.getMessage());
        assertEquals(f.toString(), e.source());
    }

    private static com.sun.management.ThreadMXBean threadMx() {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx instanceof com.sun.management.ThreadMXBean, "needs HotSpot's allocation counter");
        com.sun.management.ThreadMXBean hs = (com.sun.management.ThreadMXBean) mx;
        Assumptions.assumeTrue(hs.isThreadAllocatedMemorySupported() && hs.isThreadAllocatedMemoryEnabled());
        return hs;
    }
}
