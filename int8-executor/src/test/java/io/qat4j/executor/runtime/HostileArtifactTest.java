package io.qat4j.executor.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.ArtifactReader;
import io.qat4j.executor.artifact.ArtifactWriter;
import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.artifact.ModelArtifact;
import io.qat4j.executor.artifact.OpNode;
import io.qat4j.executor.artifact.Provenance;
import io.qat4j.executor.artifact.QuantInfo;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.kernel.Window2d;
import io.qat4j.executor.op.MaxPool2dOp;
import io.qat4j.executor.op.OpRegistry;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile artifacts an external fuzzer reported (issue 8, Found 1), one test each: every one
 * is an {@link ArtifactFormatException} at load naming the op, the attribute or tensor, and the
 * byte offset of that field in the file (checked against the file's bytes), never an unchecked
 * exception, an {@link OutOfMemoryError} (this class runs in the {@code -Xmx512m} JVM of the
 * {@code fuzz} execution) or an error at run time. Each starts from the committed fixture
 * {@code v2-small.qat4j} (or {@code v1-exported.qat4j}) and changes one field behind recomputed
 * checksums ({@link RawArtifact}).
 */
class HostileArtifactTest {

    static RawArtifact fixture(String resource) throws Exception {
        try (InputStream in = HostileArtifactTest.class.getClassLoader().getResourceAsStream(resource)) {
            return RawArtifact.decode(in.readAllBytes());
        }
    }

    /** Mutates the v2 fixture, writes it to a file, and expects a located rejection by {@link Int8Executor#load}. */
    static ArtifactFormatException rejected(Path dir, String resource, Consumer<RawArtifact> mutation) throws Exception {
        RawArtifact a = fixture(resource);
        mutation.accept(a);
        Path file = dir.resolve("hostile.qat4j");
        Files.write(file, a.encode());
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class, () -> Int8Executor.load(file));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.offset() >= 0, e.getMessage());
        assertFalse(e.getMessage().contains("offset -1"), e.getMessage());
        assertTrue(e.getMessage().endsWith(" at byte offset " + e.offset() + ")"), e.getMessage());
        assertEquals(null, e.getCause(), e.getMessage());
        return e;
    }

    static RawArtifact.Attribute attribute(RawArtifact a, int op, String key) {
        return a.ops.get(op).attributes.stream().filter(x -> x.key.equals(key)).findFirst().orElseThrow();
    }

    /** The string stored at {@code offset} of the file: a u32 length, then UTF-8. */
    static String stringAt(byte[] file, long offset) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int n = b.getInt((int) offset);
        return new String(file, (int) offset + 4, n, StandardCharsets.UTF_8);
    }

    @Test
    void anOutputZeroPointOf2To40IsAnAttributeErrorAtTheAttributesOffset(@TempDir Path dir) throws Exception {
        ArtifactFormatException e = rejected(dir, ExecutorFixtureTest.V2, a -> attribute(a, 0, "output_zero_point").ints[0] = 1L << 40);
        assertEquals("ops[0].attributes.output_zero_point", e.field());
        assertTrue(e.getMessage().contains("op 0 (conv2d v1 'c1'): attribute 'output_zero_point': value 1099511627776 is not"),
                e.getMessage());
        assertEquals("output_zero_point", stringAt(Files.readAllBytes(dir.resolve("hostile.qat4j")), e.offset()));
    }

    @Test
    void aRenamedAttributeKeyIsNamedAsUnknown(@TempDir Path dir) throws Exception {
        ArtifactFormatException e = rejected(dir, ExecutorFixtureTest.V2, a -> attribute(a, 1, "pad").key = "padding");
        assertEquals("ops[1].attributes.padding", e.field());
        assertTrue(e.getMessage().contains("op 1 (max_pool2d v1 'mp'): unknown attribute 'padding' (max_pool2d v1 takes in_shape, kernel, "
                + "stride, pad)"), e.getMessage());
        assertEquals("padding", stringAt(Files.readAllBytes(dir.resolve("hostile.qat4j")), e.offset()));
    }

    @Test
    void aRenamedFormat1AddParamsIsAMissingAttribute(@TempDir Path dir) throws Exception {
        ArtifactFormatException e = rejected(dir, ExecutorFixtureTest.V1, a -> attribute(a, 3, "add_params").key = "add_parameters");
        assertEquals("ops[3].attributes.add_params", e.field());
        assertTrue(e.getMessage().contains("op 3 (add v1 'add'): attribute 'add_params' is missing"), e.getMessage());
    }

    @Test
    void aFormat1AddWithANamedAttributeBesideAddParamsIsRejectedNotAnIllegalArgument(@TempDir Path dir) throws Exception {
        ArtifactFormatException e = rejected(dir, ExecutorFixtureTest.V1,
                a -> a.ops.get(3).attributes.add(new RawArtifact.Attribute("input1_zero_point", new long[] {3}, null)));
        assertEquals("ops[3].attributes.input1_zero_point", e.field());
        assertTrue(e.getMessage().contains("attribute 'input1_zero_point' is given both by name and in 'add_params'"), e.getMessage());
        assertEquals("input1_zero_point", stringAt(Files.readAllBytes(dir.resolve("hostile.qat4j")), e.offset()));
    }

    @Test
    void aGraphOutputNamingAConstantIsRejectedAtLoadNotAtRun(@TempDir Path dir) throws Exception {
        ArtifactFormatException e = rejected(dir, ExecutorFixtureTest.V2, a -> a.graphOutputs = new int[] {16, 14});
        assertEquals("graphOutputs[1]", e.field());
        assertTrue(e.getMessage().contains("graph output 14 is a constant"), e.getMessage());
        byte[] file = Files.readAllBytes(dir.resolve("hostile.qat4j"));
        assertEquals(14, ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getInt((int) e.offset()));
    }

    @Test
    void aPadOf2To20IsRejectedBeforeAnythingIsAllocated(@TempDir Path dir) throws Exception {
        ArtifactFormatException e = rejected(dir, ExecutorFixtureTest.V2, a -> attribute(a, 0, "pad").ints[0] = 1 << 20);
        assertTrue(e.getMessage().contains("op 0 (conv2d v1 'c1')"), e.getMessage());
        // the output the pad implies does not match the declared output tensor
        assertEquals("ops[0].outputs[0]", e.field());
    }

    @Test
    void aHugePadWithAMatchingOutputTensorIsAboveTheMemoryLimit(@TempDir Path dir) throws Exception {
        ArtifactFormatException e = rejected(dir, ExecutorFixtureTest.V2, a -> {
            attribute(a, 0, "pad").ints = new long[] {1 << 13, 1 << 13, 1 << 13, 1 << 13};
            a.tensors.get(3).shape = new int[] {4, 16_388, 16_388}; // 1 GiB per example
        });
        assertEquals("ops[0]", e.field());
        assertTrue(e.getMessage().contains("op 0 (conv2d v1 'c1'): output tensor 3 'c1' per example needs 1074266176 bytes"),
                e.getMessage());
        assertTrue(e.getMessage().contains("scratch limit"), e.getMessage());
    }

    @Test
    void anInShapeThatDisagreesWithTheInputTensorIsNamed(@TempDir Path dir) throws Exception {
        ArtifactFormatException e = rejected(dir, ExecutorFixtureTest.V2, a -> attribute(a, 2, "in_shape").ints[1] = 30_000);
        assertEquals("ops[2].attributes.in_shape", e.field());
        assertTrue(e.getMessage().contains("op 2 (conv2d v1 'c2'): attribute 'in_shape': [4, 30000, 3] differs from the shape [4, 3, 3] "
                + "of the input tensor 4 'mp'"), e.getMessage());
        assertEquals("in_shape", stringAt(Files.readAllBytes(dir.resolve("hostile.qat4j")), e.offset()));
    }

    @Test
    void aGraphInputTooLargeForTheMemoryLimitIsRejectedAtLoad(@TempDir Path dir) throws Exception {
        ArtifactFormatException e = rejected(dir, ExecutorFixtureTest.V2, a -> a.tensors.get(0).shape = new int[] {2, 1 << 13, 1 << 13});
        // the op reading it is not even prepared: the input alone is above the limit
        assertEquals("graphInputs[0]", e.field());
        assertTrue(e.getMessage().contains("graph input tensor 0 'input' per example needs 134217728 bytes"), e.getMessage());
        byte[] file = Files.readAllBytes(dir.resolve("hostile.qat4j"));
        assertEquals(0, ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getInt((int) e.offset()));
    }

    @Test
    void anUnknownOpVersionIsLocatedAtTheVersionField(@TempDir Path dir) throws Exception {
        ArtifactFormatException e = rejected(dir, ExecutorFixtureTest.V2, a -> a.ops.get(5).version = 7);
        assertEquals("ops[5].opVersion", e.field());
        byte[] file = Files.readAllBytes(dir.resolve("hostile.qat4j"));
        assertEquals(7, ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getInt((int) e.offset()));
    }

    /**
     * An activation whose one example fits the memory limit of a large heap, but two examples of
     * which do not fit a 512 MiB heap: the limit follows the heap, so it is rejected at load
     * instead of an {@link OutOfMemoryError} (or a {@link NegativeArraySizeException}) at run.
     */
    @Test
    void anActivationTooLargeForTheHeapIsRejectedAtLoadNotAtRun(@TempDir Path dir) throws Exception {
        int[] shape = {1, 16_384, 8_192}; // 128 MiB per example
        QuantInfo q = QuantInfo.perTensor(0.1, 0);
        List<TensorInfo> t = List.of(TensorInfo.activation(0, "x", ElementType.INT8, shape, 8, q),
                TensorInfo.activation(1, "y", ElementType.INT8, shape, 8, q));
        LoadedArtifact big = new LoadedArtifact(ModelArtifact.of(Provenance.EMPTY, t, List.of(new OpNode(MaxPool2dOp.NAME, MaxPool2dOp.VERSION,
                "pool", new int[] {0}, new int[] {1}, MaxPool2dOp.attributes(shape, Window2d.valid(1, 1, 1, 1)))), new int[] {0}, new int[] {1}),
                List.of());
        Path file = dir.resolve("big.qat4j");
        ArtifactWriter.write(big, file);
        long limit = OpRegistry.defaultMemoryLimit();
        assertTrue(limit <= Runtime.getRuntime().maxMemory() / 8, "the limit leaves room for a batch of several examples");
        if (limit >= 1L << 27) {
            return; // a heap of 1 GiB or more admits it; the fuzz execution runs this class with -Xmx512m
        }
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class, () -> Int8Executor.load(file));
        assertEquals("graphInputs[0]", e.field());
        assertTrue(e.getMessage().contains("graph input tensor 0 'x' per example needs 134217728 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("scratch limit"), e.getMessage());
        assertEquals(1, ArtifactReader.read(file).model().ops().size());
    }
}
