package io.qat4j.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.artifact.ArtifactWriter;
import io.qat4j.executor.artifact.Attributes;
import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.artifact.ModelArtifact;
import io.qat4j.executor.artifact.OpNode;
import io.qat4j.executor.artifact.Provenance;
import io.qat4j.executor.artifact.QuantInfo;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.op.FullyConnectedLogitsOp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code qat4j inspect} lists each op with its definition from the registry and says whether the executor loads the file. */
class InspectCommandTest {

    static LoadedArtifact logits(String opType, Attributes attributes) {
        List<TensorInfo> t = List.of(
                TensorInfo.activation(0, "x", ElementType.INT8, new int[] {3}, 8, QuantInfo.perTensor(0.1, 0)),
                TensorInfo.constant(1, "w", ElementType.INT8, new int[] {2, 3}, 8, QuantInfo.symmetricPerAxis(0, new double[] {0.5, 0.25}), 0),
                TensorInfo.constant(2, "b", ElementType.INT32, new int[] {2}, 32, QuantInfo.symmetricPerAxis(0, new double[] {0.05, 0.025}), 1),
                TensorInfo.activation(3, "y", ElementType.INT32, new int[] {2}, 32, QuantInfo.symmetricPerAxis(0, new double[] {0.05, 0.025})));
        OpNode op = new OpNode(opType, 1, "head", new int[] {0, 1, 2}, new int[] {3}, attributes);
        return new LoadedArtifact(ModelArtifact.of(Provenance.EMPTY, t, List.of(op), new int[] {0}, new int[] {3}),
                List.of(new byte[] {1, 2, 3, -1, -2, -3}, new byte[8]));
    }

    static String inspect(Path file) {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            assertEquals(ExitCodes.OK, Qat4jCommandTest.run("inspect", file.toString()).code());
        } finally {
            System.setOut(saved);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void listsTheOpDefinitionsAndLoadsTheArtifact(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("head.qat4j");
        ArtifactWriter.write(logits(FullyConnectedLogitsOp.NAME, FullyConnectedLogitsOp.attributes(0)), f);
        String out = inspect(f);
        assertTrue(out.contains("format version 2, "), out);
        assertTrue(out.contains("fully_connected_logits v1: dense layer to int32 logits"), out);
        assertTrue(out.contains("input_zero_point (int, 1 value, each in [-128, 127]): Z_in, the input tensor's zero point"), out);
        assertTrue(out.contains("executor: loads; inputs [x], outputs [y]"), out);
    }

    @Test
    void saysWhichOpIsUnknownAndWhyTheExecutorRefusesIt(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("mystery.qat4j");
        ArtifactWriter.write(logits("mystery", Attributes.EMPTY), f);
        String out = inspect(f);
        assertTrue(out.contains("mystery v1: unknown to this qat4j"), out);
        assertTrue(out.contains("executor: does not load: " + f + ": op 0 (mystery v1 'head'): unknown op type 'mystery'"), out);
    }
}
