package io.qat4j.executor.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What format version 2 adds to version 1: an op version after each op type, and the INT16
 * element type (code 5); version-1 manifests can hold neither, and the reader rejects both in a
 * version-1 file with the field and offset.
 */
class ArtifactFormat2Test {

    /** An INT16 graph input, an INT16 12-bit constant and an op of version 3. */
    static LoadedArtifact int16Model(int formatVersion) {
        TensorInfo x = TensorInfo.activation(0, "x", ElementType.INT16, new int[] {3}, 16, QuantInfo.perTensor(0.5, -7));
        TensorInfo c = TensorInfo.constant(1, "c", ElementType.INT16, new int[] {3}, 12, QuantInfo.perTensor(0.25, 0), 0);
        TensorInfo y = TensorInfo.activation(2, "y", ElementType.INT32, new int[] {3}, 32, QuantInfo.perTensor(1, 0));
        OpNode op = new OpNode("mul16", 3, "m", new int[] {0, 1}, new int[] {2}, Attributes.builder().putInts("k", 1).build());
        byte[] blob = {(byte) 0xFF, 0x07, 0x00, (byte) 0xF8, 0x01, 0x00}; // 2047, -2048, 1 little-endian
        return new LoadedArtifact(new ModelArtifact(formatVersion, Provenance.EMPTY, List.of(x, c, y), List.of(op), new int[] {0},
                new int[] {2}), List.of(blob));
    }

    @Test
    void int16TensorsAndOpVersionsRoundTripInVersion2() throws Exception {
        LoadedArtifact a = int16Model(2);
        byte[] bytes = ArtifactWriter.toBytes(a);
        assertEquals(2, bytes[8]);
        LoadedArtifact b = ArtifactReader.read(bytes);
        assertEquals(a, b);
        assertEquals(3, b.model().ops().get(0).opVersion());
        Map<String, TestArtifacts.Field> f = TestArtifacts.fields(bytes);
        assertEquals(3, TestArtifacts.get(bytes, f.get("ops[0].opVersion").offset(), 4));
        assertEquals(ElementType.INT16.code(), bytes[f.get("tensors[1].elementType").offset()]);
        assertEquals(6, ElementType.INT16.byteLength(3));
    }

    @Test
    void theReaderRejectsBadOpVersionsAndOutOfRangeInt16Values() {
        byte[] bytes = ArtifactWriter.toBytes(int16Model(2));
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                () -> ArtifactReader.read(TestArtifacts.patch(bytes, "ops[0].opVersion", 0)));
        assertEquals("ops[0].opVersion", e.field());
        assertTrue(e.problem().contains("op version 0 of 'mul16' is not in [1, 2^31 - 1]"), e.getMessage());

        List<byte[]> wide = List.of(new byte[] {0x00, 0x08, 0, 0, 0, 0}); // 2048 does not fit 12 bits
        IllegalArgumentException w = assertThrows(IllegalArgumentException.class,
                () -> ArtifactWriter.toBytes(int16Model(2).model(), wide));
        assertTrue(w.getMessage().contains("element 0 of tensor 1 'c' (tensors[1]) is 2048, outside the 12-bit INT16 range"),
                w.getMessage());
    }

    @Test
    void version1HoldsNeitherInt16NorOpVersionsAbove1() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> int16Model(1));
        assertTrue(e.getMessage().contains("is INT16, which format version 1 does not store (since version 2)"), e.getMessage());

        // in a version-1 file, code 5 is no element type
        byte[] v1 = ArtifactWriter.toBytes(TestArtifacts.convFc(1));
        byte[] patched = TestArtifacts.patch(v1, "tensors[0].elementType", ElementType.INT16.code());
        ArtifactFormatException r = assertThrows(ArtifactFormatException.class, () -> ArtifactReader.read(patched));
        assertEquals("tensors[0].elementType", r.field());
        assertTrue(r.problem().contains("element type code 5 (INT16) is not part of format version 1"), r.getMessage());

        OpNode v3 = new OpNode("relu", 3, "r", new int[] {0}, new int[] {1}, Attributes.EMPTY);
        TensorInfo x = TensorInfo.activation(0, "x", ElementType.INT8, new int[] {1}, 8, QuantInfo.perTensor(1, 0));
        TensorInfo y = TensorInfo.activation(1, "y", ElementType.INT8, new int[] {1}, 8, QuantInfo.perTensor(1, 0));
        e = assertThrows(IllegalArgumentException.class, () -> new ModelArtifact(1, Provenance.EMPTY, List.of(x, y), List.of(v3),
                new int[] {0}, new int[] {1}));
        assertTrue(e.getMessage().contains("format version 1 stores version-1 ops only"), e.getMessage());
    }
}
