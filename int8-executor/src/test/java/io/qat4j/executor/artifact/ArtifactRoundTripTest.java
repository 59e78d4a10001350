package io.qat4j.executor.artifact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactRoundTripTest {

    @Test
    void aConvFcModelRoundTripsThroughAFile(@TempDir Path dir) throws Exception {
        LoadedArtifact a = TestArtifacts.convFc();
        Path f = dir.resolve("models/tiny.qat4j");
        ArtifactWriter.write(a.model(), a.blobs(), f);
        LoadedArtifact b = ArtifactReader.read(f);

        assertEquals(a, b);
        assertEquals(a.model(), b.model());
        assertEquals(a.model().tensors(), b.model().tensors());
        assertEquals(a.model().ops(), b.model().ops());
        for (int j = 0; j < a.blobs().size(); j++) {
            assertArrayEquals(a.blobs().get(j), b.blobs().get(j), "blob " + j);
        }
        assertEquals(TestArtifacts.CONFIG_YAML, b.model().provenance().get(Provenance.CONFIG_YAML).orElseThrow());
        assertEquals(ArtifactFormat.CURRENT_VERSION, b.model().formatVersion());
        TensorInfo fcW = b.model().tensor(6).orElseThrow();
        assertEquals(ElementType.INT4_PACKED, fcW.type());
        assertEquals(135, fcW.elementCount());
        assertEquals(68, b.data(fcW).length);
        assertEquals(5, fcW.quant().count());
        assertArrayEquals(new long[] {2, 2}, b.model().ops().get(0).attributes().ints("stride"));
        // canonical: the file is exactly what toBytes gives, and writing what was read reproduces it
        assertArrayEquals(Files.readAllBytes(f), ArtifactWriter.toBytes(a.model(), a.blobs()));
        assertArrayEquals(Files.readAllBytes(f), ArtifactWriter.toBytes(b));
    }

    @Test
    void otherModelsRoundTripInMemory() throws Exception {
        for (LoadedArtifact a : List.of(TestArtifacts.minimal(), TestArtifacts.lowBits())) {
            byte[] bytes = ArtifactWriter.toBytes(a);
            LoadedArtifact b = ArtifactReader.read(bytes);
            assertEquals(a, b);
            assertEquals(a.hashCode(), b.hashCode());
            assertArrayEquals(bytes, ArtifactWriter.toBytes(b));
        }
        // -0.0 survives (bit-exact doubles)
        LoadedArtifact low = ArtifactReader.read(ArtifactWriter.toBytes(TestArtifacts.lowBits()));
        assertEquals(Double.doubleToRawLongBits(-0.0),
                Double.doubleToRawLongBits(low.model().ops().get(0).attributes().reals("neg_zero")[0]));
    }

    @Test
    void theHeaderHasTheDocumentedLayout() throws Exception {
        LoadedArtifact a = TestArtifacts.convFc();
        byte[] bytes = ArtifactWriter.toBytes(a);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);

        assertArrayEquals("QAT4JART".getBytes(StandardCharsets.US_ASCII), java.util.Arrays.copyOf(bytes, 8));
        assertArrayEquals(new byte[] {0x51, 0x41, 0x54, 0x34, 0x4A, 0x41, 0x52, 0x54}, java.util.Arrays.copyOf(bytes, 8));
        assertEquals(ArtifactFormat.CURRENT_VERSION, b.getShort(8));
        assertEquals(0, b.getShort(10));
        long m = b.getLong(12);
        assertEquals(crc(bytes, 32, (int) m), b.getInt(20) & 0xFFFFFFFFL);
        assertEquals(4, b.getInt(24));
        assertEquals(crc(bytes, 0, 28), b.getInt(28) & 0xFFFFFFFFL);
        // blob table right after the manifest, blobs 8-aligned and back to back, file ends at the last one
        long table = 32 + m;
        long end = table + 4 * 20;
        for (int j = 0; j < 4; j++) {
            long off = b.getLong((int) table + 20 * j);
            long len = b.getLong((int) table + 20 * j + 8);
            assertEquals(0, off % 8, "blob " + j + " aligned");
            assertEquals((end + 7) / 8 * 8, off, "blob " + j + " follows the previous one");
            for (long k = end; k < off; k++) {
                assertEquals(0, bytes[(int) k], "padding is zero");
            }
            assertEquals(a.blobs().get(j).length, len);
            assertEquals(crc(bytes, (int) off, (int) len), b.getInt((int) table + 20 * j + 16) & 0xFFFFFFFFL);
            assertArrayEquals(a.blobs().get(j), java.util.Arrays.copyOfRange(bytes, (int) off, (int) (off + len)));
            end = off + len;
        }
        assertEquals(end, bytes.length);
        // manifest starts with the provenance count and its first key
        assertEquals(7, b.getInt(32));
        assertEquals("config.yaml".length(), b.getInt(36));
        assertEquals("config.yaml", new String(bytes, 40, 11, StandardCharsets.UTF_8));
        // the independent walker agrees with the documented manifest layout
        Map<String, TestArtifacts.Field> fields = TestArtifacts.fields(bytes);
        assertEquals(6, b.getInt(fields.get("tensors[6].id").offset()));
        assertEquals(ElementType.INT4_PACKED.code(), bytes[fields.get("tensors[6].elementType").offset()]);
        assertEquals(27, b.getInt(fields.get("tensors[6].shape[1]").offset()));
    }

    @Test
    void atomicWriteLeavesNoTemporaryFileAndReplacesTheTarget(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("m.qat4j");
        ArtifactWriter.write(TestArtifacts.minimal(), f);
        ArtifactWriter.write(TestArtifacts.convFc(), f);
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList());
        }
        assertEquals(TestArtifacts.convFc(), ArtifactReader.read(f));
    }

    @Test
    void theWriterRejectsBlobsThatDoNotMatchAndWritesNothing(@TempDir Path dir) {
        LoadedArtifact a = TestArtifacts.convFc();
        Path f = dir.resolve("bad.qat4j");
        List<byte[]> shortBlob = new ArrayList<>(a.blobs());
        shortBlob.set(2, new byte[67]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ArtifactWriter.write(a.model(), shortBlob, f));
        assertTrue(e.getMessage().contains("needs 68 bytes but blob 2 holds 67"), e.getMessage());

        List<byte[]> extra = new ArrayList<>(a.blobs());
        extra.add(new byte[3]);
        e = assertThrows(IllegalArgumentException.class, () -> ArtifactWriter.toBytes(a.model(), extra));
        assertTrue(e.getMessage().contains("blob 4 is not used by any tensor"), e.getMessage());

        List<byte[]> badNibble = new ArrayList<>(a.blobs());
        byte[] w = badNibble.get(2).clone();
        w[67] |= (byte) 0x10; // the unused high nibble after 135 elements
        badNibble.set(2, w);
        e = assertThrows(IllegalArgumentException.class, () -> ArtifactWriter.toBytes(a.model(), badNibble));
        assertTrue(e.getMessage().contains("unused high nibble"), e.getMessage());
        assertFalse(Files.exists(f));
    }

    @Test
    void recordsCheckTheirInvariants() {
        QuantInfo q = QuantInfo.perTensor(0.1, 0);
        assertThrows(IllegalArgumentException.class, () -> QuantInfo.perTensor(Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> QuantInfo.perTensor(0, 0));
        assertThrows(IllegalArgumentException.class, () -> QuantInfo.perTensor(Double.POSITIVE_INFINITY, 0));
        assertThrows(IllegalArgumentException.class, () -> new QuantInfo(-1, new int[] {0, 0}, new double[] {1, 1}));
        assertThrows(IllegalArgumentException.class, () -> new QuantInfo(0, new int[] {0}, new double[] {1, 1}));
        assertThrows(IllegalArgumentException.class,
                () -> TensorInfo.activation(0, "t", ElementType.INT8, new int[] {0}, 8, q));
        assertThrows(IllegalArgumentException.class,
                () -> TensorInfo.activation(0, "t", ElementType.INT8, new int[] {65536, 65536}, 8, q));
        assertThrows(IllegalArgumentException.class,
                () -> TensorInfo.activation(0, "t", ElementType.INT4_PACKED, new int[] {2}, 5, q));
        assertThrows(IllegalArgumentException.class,
                () -> TensorInfo.activation(0, "t", ElementType.INT32, new int[] {2}, 8, q));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TensorInfo.activation(0, "t", ElementType.INT8, new int[] {2}, 4, QuantInfo.perTensor(1, 8)));
        assertTrue(e.getMessage().contains("zero point 8 is outside the 4-bit INT8 range [-8, 7]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TensorInfo.activation(0, "t", ElementType.INT8, new int[] {6}, 8,
                QuantInfo.symmetricPerAxis(0, new double[] {1, 1, 1, 1})));
        TensorInfo.activation(0, "groups", ElementType.INT8, new int[] {6}, 8, QuantInfo.symmetricPerAxis(0, new double[] {1, 1, 1}));
        assertThrows(IllegalArgumentException.class, () -> TensorInfo.activation(0, "bad \uD800", ElementType.INT8, new int[] {1}, 8, q));
        assertThrows(IllegalArgumentException.class, () -> new OpNode("", "n", new int[0], new int[] {1}, Attributes.EMPTY));
        assertThrows(IllegalArgumentException.class, () -> new OpNode("relu", "n", new int[0], new int[0], Attributes.EMPTY));
        assertThrows(IllegalArgumentException.class, () -> Attributes.builder().putReal("x", Double.NaN).build());
        assertThrows(IllegalArgumentException.class, () -> Attributes.builder().putInts("x", 1).putReal("x", 1));

        // arrays are copied in and out
        int[] shape = {2, 3};
        TensorInfo t = TensorInfo.activation(0, "t", ElementType.INT8, shape, 8, q);
        shape[0] = 99;
        t.shape()[1] = 99;
        assertArrayEquals(new int[] {2, 3}, t.shape());
        // equality is deep and ordered
        Map<String, String> ab = new LinkedHashMap<>();
        ab.put("a", "1");
        ab.put("b", "2");
        Map<String, String> ba = new LinkedHashMap<>();
        ba.put("b", "2");
        ba.put("a", "1");
        assertNotEquals(new Provenance(ab), new Provenance(ba));
        assertEquals(Attributes.builder().put("k", 1, 2).build(), Attributes.builder().put("k", 1, 2).build());
    }

    @Test
    void modelsCheckTheGraph() {
        QuantInfo q = QuantInfo.perTensor(0.1, 0);
        TensorInfo x = TensorInfo.activation(0, "x", ElementType.INT8, new int[] {1}, 8, q);
        TensorInfo y = TensorInfo.activation(1, "y", ElementType.INT8, new int[] {1}, 8, q);
        TensorInfo z = TensorInfo.activation(2, "z", ElementType.INT8, new int[] {1}, 8, q);
        OpNode xy = new OpNode("relu", "a", new int[] {0}, new int[] {1}, Attributes.EMPTY);
        OpNode yz = new OpNode("relu", "b", new int[] {1}, new int[] {2}, Attributes.EMPTY);
        ModelArtifact.of(Provenance.EMPTY, List.of(x, y, z), List.of(xy, yz), new int[] {0}, new int[] {2});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelArtifact.of(Provenance.EMPTY, List.of(x, y, z), List.of(yz, xy), new int[] {0}, new int[] {2}));
        assertTrue(e.getMessage().contains("not a constant, a graph input or an output of an earlier op"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ModelArtifact.of(Provenance.EMPTY, List.of(x, y, z), List.of(xy, xy, yz), new int[] {0}, new int[] {2}));
        assertTrue(e.getMessage().contains("already writes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ModelArtifact.of(Provenance.EMPTY, List.of(x, y, z), List.of(xy), new int[] {0}, new int[] {1}));
        assertTrue(e.getMessage().contains("neither a graph input nor written by any op"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ModelArtifact.of(Provenance.EMPTY, List.of(x, y, z), List.of(xy, yz), new int[] {0}, new int[0]));
        assertTrue(e.getMessage().contains("no output"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ModelArtifact(ArtifactFormat.CURRENT_VERSION + 1, Provenance.EMPTY,
                List.of(x), List.of(), new int[] {0}, new int[] {0}));
    }

    private static long crc(byte[] a, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(a, off, len);
        return c.getValue();
    }
}
