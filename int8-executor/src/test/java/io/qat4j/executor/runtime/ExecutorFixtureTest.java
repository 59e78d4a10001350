package io.qat4j.executor.runtime;

import static io.qat4j.executor.runtime.FixtureModel.ADD;
import static io.qat4j.executor.runtime.FixtureModel.AP;
import static io.qat4j.executor.runtime.FixtureModel.C1;
import static io.qat4j.executor.runtime.FixtureModel.C2;
import static io.qat4j.executor.runtime.FixtureModel.D;
import static io.qat4j.executor.runtime.FixtureModel.GAP;
import static io.qat4j.executor.runtime.FixtureModel.IN;
import static io.qat4j.executor.runtime.FixtureModel.S_W1;
import static io.qat4j.executor.runtime.FixtureModel.S_W2;
import static io.qat4j.executor.runtime.FixtureModel.S_WD;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.artifact.ArtifactFormat;
import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.ArtifactReader;
import io.qat4j.executor.artifact.ArtifactWriter;
import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.artifact.OpNode;
import io.qat4j.executor.kernel.ActivationClamp;
import io.qat4j.executor.kernel.AveragePool2d;
import io.qat4j.executor.kernel.AveragePool2dParams;
import io.qat4j.executor.kernel.Add;
import io.qat4j.executor.kernel.Conv2d;
import io.qat4j.executor.kernel.Conv2dParams;
import io.qat4j.executor.kernel.FullyConnected;
import io.qat4j.executor.kernel.FullyConnectedParams;
import io.qat4j.executor.kernel.GlobalAveragePool;
import io.qat4j.executor.kernel.GlobalAveragePoolParams;
import io.qat4j.executor.kernel.MaxPool2d;
import io.qat4j.executor.kernel.MaxPool2dParams;
import io.qat4j.executor.kernel.Window2d;
import io.qat4j.executor.op.OpRegistry;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The committed executor fixtures run (DESIGN.md section 5: old versions keep loading, and keep
 * predicting the same): {@code v1-exported.qat4j}, written in format version 1 before the op
 * definitions existed, and {@code v2-small.qat4j}, the same network in the current format. Both
 * give int32 logits bit-identical to a reference computation with the plain reference kernels
 * ({@link Conv2d}, {@link FullyConnected}, ...), independent of the op definitions and of the
 * prepared kernels the executor uses; and converting the version-1 manifest yields exactly the
 * version-2 one. See {@link FixtureModel} to regenerate the fixtures.
 */
class ExecutorFixtureTest {

    static final String V1 = "artifacts/v1-exported.qat4j";
    static final String V2 = "artifacts/v2-small.qat4j";
    static final int BATCH = 7;

    static byte[] fixture(String resource, LoadedArtifact model) throws Exception {
        if (Boolean.getBoolean("qat4j.regenerateFixtures")) {
            Path source = Path.of(System.getProperty("basedir", ".")).resolve("src/test/resources").resolve(resource);
            ArtifactWriter.write(model, source);
            System.out.println("regenerated " + source.toAbsolutePath());
            return Files.readAllBytes(source);
        }
        try (InputStream in = ExecutorFixtureTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertNotNull(in, resource + " is missing; regenerate it (see FixtureModel)");
            return in.readAllBytes();
        }
    }

    static byte[] inputs() {
        byte[] q = new byte[BATCH * 72];
        new Random(11).nextBytes(q);
        return q;
    }

    /** The network computed with the plain reference kernels, layer by layer. */
    static Map<String, Object> reference(byte[] q, int n) {
        FixtureModel.Constants k = FixtureModel.constants();
        Window2d same3 = new Window2d(3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
        Map<String, Object> out = new LinkedHashMap<>();
        byte[] c1 = new byte[n * 4 * 36];
        Conv2d.run(new Conv2dParams(2, 6, 6, 4, 1, same3, IN.zeroPoint(), FixtureModel.requant(IN, S_W1, C1, FixtureModel.relu(C1))),
                n, q, k.w1(), k.b1(), c1);
        out.put("c1", c1);
        byte[] mp = new byte[n * 36];
        MaxPool2d.run(new MaxPool2dParams(4, 6, 6, Window2d.valid(2, 2, 2, 2), ActivationClamp.INT8), n, c1, mp);
        out.put("mp", mp);
        byte[] c2 = new byte[n * 36];
        Conv2d.run(new Conv2dParams(4, 3, 3, 4, 1, same3, C1.zeroPoint(), FixtureModel.requant(C1, S_W2, C2, ActivationClamp.INT8)),
                n, mp, k.w2(), k.b2(), c2);
        out.put("c2", c2);
        byte[] add = new byte[n * 36];
        Add.run(FixtureModel.addParams(), n * 36, c2, mp, add);
        out.put("add", add);
        byte[] ap = new byte[n * 16];
        AveragePool2d.runRequantized(new AveragePool2dParams(4, 3, 3, Window2d.valid(2, 2, 1, 1), false, ADD.zeroPoint(),
                ActivationClamp.INT8), FixtureModel.avgPool(), n, add, ap);
        out.put("apq", ap);
        byte[] g = new byte[n * 4];
        GlobalAveragePool.runRequantized(new GlobalAveragePoolParams(4, 2, 2, AP.zeroPoint(), ActivationClamp.INT8), FixtureModel.gap(),
                GAP.zeroPoint(), n, ap, g);
        out.put("gapq", g);
        byte[] d = new byte[n * 6];
        FullyConnected.run(new FullyConnectedParams(4, 6, GAP.zeroPoint(), FixtureModel.requant(GAP, S_WD, D, FixtureModel.relu(D))),
                n, g, k.wd(), k.bd(), d);
        out.put("d", d);
        int[] logits = new int[n * 3];
        FullyConnected.accumulators(new FullyConnectedParams(6, 3, D.zeroPoint(), null), n, d, k.wo(), k.bo(), logits);
        out.put("out", logits);
        return out;
    }

    static void assertRunsLikeTheReference(Int8Executor ex) {
        byte[] q = inputs();
        Map<String, Object> expected = reference(q, BATCH);
        Int8Executor.Output o = ex.runQuantized(q, BATCH);
        assertArrayEquals((int[]) expected.get("out"), o.accumulators());
        Map<String, Object> trace = ex.trace(q, BATCH);
        for (Map.Entry<String, Object> e : expected.entrySet()) {
            Object actual = trace.get(e.getKey());
            if (actual instanceof byte[] b) {
                assertArrayEquals((byte[]) e.getValue(), b, e.getKey());
            } else {
                assertArrayEquals((int[]) e.getValue(), (int[]) actual, e.getKey());
            }
        }
        assertEquals(FixtureModel.CLASSES, ex.classes());
        assertArrayEquals(FixtureModel.INPUT_SHAPE, ex.inputShape());
    }

    /** Reads a committed fixture, checks it is the model, in the format version, and that the writer still gives its bytes. */
    static LoadedArtifact checkedFixture(String resource, LoadedArtifact model, int formatVersion) throws Exception {
        byte[] bytes = fixture(resource, model);
        assertEquals(formatVersion, bytes[8]);
        LoadedArtifact a = ArtifactReader.read(bytes);
        assertEquals(model, a);
        assertArrayEquals(bytes, ArtifactWriter.toBytes(a));
        return a;
    }

    @Test
    void theVersion1FixtureRunsBitIdenticallyToTheReferenceKernels() throws Exception {
        LoadedArtifact a = checkedFixture(V1, FixtureModel.v1(), 1);
        Int8Executor ex = Int8Executor.of(a, V1);
        assertEquals(ArtifactFormat.CURRENT_VERSION, ex.model().formatVersion());
        assertRunsLikeTheReference(ex);
        // the reference is not trivially constant: the examples disagree
        int[] acc = ex.runQuantized(inputs(), BATCH).accumulators();
        assertTrue(acc[0] != acc[3] || acc[1] != acc[4], "outputs vary across examples");
    }

    @Test
    void theVersion2FixtureRunsBitIdenticallyToTheReferenceKernels() throws Exception {
        LoadedArtifact a = checkedFixture(V2, FixtureModel.v2(), 2);
        assertRunsLikeTheReference(Int8Executor.of(a, V2));
    }

    @Test
    void convertingTheVersion1ManifestGivesTheVersion2One() throws Exception {
        LoadedArtifact converted = OpRegistry.standard().upgrade(FixtureModel.v1(), "v1");
        assertEquals(FixtureModel.v2(), converted);
        OpNode add = converted.model().ops().get(3);
        assertEquals("add", add.opType());
        assertTrue(add.attributes().has("left_shift") && !add.attributes().has("add_params"), add.toString());
        // and it is written back as version 2
        assertEquals(2, ArtifactWriter.toBytes(converted)[8]);
    }

    @Test
    void theTfliteStyleVersion1FixtureIsRejectedAtLoadNamingTheOpAndAttribute() throws Exception {
        byte[] bytes;
        try (InputStream in = ExecutorFixtureTest.class.getClassLoader().getResourceAsStream("artifacts/v1-small.qat4j")) {
            bytes = in.readAllBytes();
        }
        LoadedArtifact a = ArtifactReader.read(bytes);
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class, () -> Int8Executor.of(a, "v1-small.qat4j"));
        // its conv2d spells TFLite's attributes (padding, input_offset, ...), not the exporter's
        assertEquals("ops[0].attributes.padding", e.field());
        assertTrue(e.getMessage().startsWith("v1-small.qat4j: op 0 (conv2d v1 'features.0'): unknown attribute 'padding' (conv2d v1 "
                + "takes in_shape, kernel, stride, dilation, pad, groups, input_zero_point, multipliers, shifts, output_zero_point, clamp)"),
                e.getMessage());
    }
}
