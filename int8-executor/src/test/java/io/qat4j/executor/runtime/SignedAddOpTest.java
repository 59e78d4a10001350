package io.qat4j.executor.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.ArtifactWriter;
import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.artifact.ModelArtifact;
import io.qat4j.executor.artifact.OpNode;
import io.qat4j.executor.artifact.Provenance;
import io.qat4j.executor.artifact.QuantInfo;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.kernel.ActivationClamp;
import io.qat4j.executor.kernel.Add;
import io.qat4j.executor.kernel.AddParams;
import io.qat4j.executor.op.AddOp;
import io.qat4j.executor.prep.AddRescale;
import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.executor.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code add} version 2 ({@link AddOp.Signed}): an artifact whose add subtracts an input loads and
 * runs the kernel; version 1 refuses the negative multiplier naming the op and the attribute, so an
 * executor that predates version 2 cannot misread one.
 */
class SignedAddOpTest {

    private static final AffineQuantParams A = FixtureModel.act(0.1, 3);
    private static final AffineQuantParams B = FixtureModel.act(0.04, -7);
    private static final AffineQuantParams OUT = FixtureModel.act(0.12, 10);

    private static LoadedArtifact artifact(int version, AddParams p) {
        List<TensorInfo> t = List.of(
                TensorInfo.activation(0, "a", ElementType.INT8, new int[] {4}, 8, QuantInfo.perTensor(A.scale(), A.zeroPoint())),
                TensorInfo.activation(1, "b", ElementType.INT8, new int[] {4}, 8, QuantInfo.perTensor(B.scale(), B.zeroPoint())),
                TensorInfo.activation(2, "sum", ElementType.INT8, new int[] {4}, 8,
                        QuantInfo.perTensor(OUT.scale(), OUT.zeroPoint())));
        List<OpNode> ops = List.of(new OpNode(AddOp.NAME, version, "self_term", new int[] {0, 1}, new int[] {2}, AddOp.attributes(p)));
        return new LoadedArtifact(ModelArtifact.of(Provenance.EMPTY, t, ops, new int[] {0, 1}, new int[] {2}), List.of());
    }

    @Test
    void aSubtractingAddIsVersionTwoAndRunsTheKernel(@TempDir Path dir) throws Exception {
        AddParams p = AddRescale.weighted(A, B, -1.6, OUT, ActivationClamp.INT8);
        assertEquals(AddOp.SIGNED_VERSION, AddOp.versionFor(p));
        Path file = dir.resolve("signed.qat4j");
        ArtifactWriter.write(artifact(AddOp.versionFor(p), p), file);
        Int8Executor ex = Int8Executor.load(file);
        byte[] a = {-128, 127, 3, 50};
        byte[] b = {127, -128, -7, -60};
        byte[] expected = new byte[4];
        Add.run(p, 4, a, b, expected);
        Tensor y = ex.run(Map.of("a", Tensor.int8(new int[] {1, 4}, a), "b", Tensor.int8(new int[] {1, 4}, b))).get("sum");
        assertArrayEquals(expected, y.bytes());
        // 0.1 (a - 3) - 1.6 * 0.04 (b + 7) on the output grid, within one code
        for (int i = 0; i < 4; i++) {
            double real = A.scale() * (a[i] - A.zeroPoint()) - 1.6 * B.scale() * (b[i] - B.zeroPoint());
            assertTrue(Math.abs(y.bytes()[i] - OUT.quantize(real)) <= 1, "element " + i + ": " + y.bytes()[i] + " vs " + real);
        }
    }

    @Test
    void versionOneRefusesANegativeMultiplierNamingTheAttribute() {
        AddParams p = AddRescale.weighted(A, B, -0.5, OUT, ActivationClamp.INT8);
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                () -> Int8Executor.of(artifact(AddOp.VERSION, p), "v1"));
        assertTrue(e.getMessage().contains("add v1 'self_term'") && e.getMessage().contains("input2_multiplier"), e.getMessage());
    }

    @Test
    void anAddOfNonNegativeWeightsStaysVersionOne() {
        assertEquals(AddOp.VERSION, AddOp.versionFor(AddRescale.weighted(A, B, 0, OUT, ActivationClamp.INT8)));
        assertEquals(AddOp.VERSION, AddOp.versionFor(AddRescale.params(A, B, OUT, ActivationClamp.INT8)));
    }
}
