package io.qat4j.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import io.qat4j.executor.op.CommonAttributes;
import io.qat4j.executor.op.FullyConnectedLogitsOp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code qat4j eval} and {@code qat4j inspect} say about an artifact argument they cannot use
 * (issue 8, Found 1 and 7): a malformed artifact exits 4 with one line naming the file, the field
 * and the byte offset (no stack trace); a folder is named as a folder, with the artifact file it
 * probably means; a missing file says "no such file" with its path; and {@code eval --data}
 * suggests {@code --data}, not {@code --set}, which eval does not take.
 */
class ArtifactArgumentTest {

    static void assertOneLineWithoutStackTrace(Qat4jCommandTest.Run r) {
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    /** A dense logits head; with {@code inputZeroPoint} outside [-128, 127] it reads but does not load. */
    static LoadedArtifact head(long inputZeroPoint, Provenance provenance) {
        List<TensorInfo> t = List.of(
                TensorInfo.activation(0, "x", ElementType.INT8, new int[] {3}, 8, QuantInfo.perTensor(0.1, 0)),
                TensorInfo.constant(1, "w", ElementType.INT8, new int[] {2, 3}, 8, QuantInfo.symmetricPerAxis(0, new double[] {0.5, 0.25}), 0),
                TensorInfo.constant(2, "b", ElementType.INT32, new int[] {2}, 32, QuantInfo.symmetricPerAxis(0, new double[] {0.05, 0.025}), 1),
                TensorInfo.activation(3, "y", ElementType.INT32, new int[] {2}, 32, QuantInfo.symmetricPerAxis(0, new double[] {0.05, 0.025})));
        Attributes a = Attributes.builder().put(CommonAttributes.INPUT_ZERO_POINT.name(), inputZeroPoint).build();
        OpNode op = new OpNode(FullyConnectedLogitsOp.NAME, FullyConnectedLogitsOp.VERSION, "head", new int[] {0, 1, 2}, new int[] {3}, a);
        return new LoadedArtifact(ModelArtifact.of(provenance, t, List.of(op), new int[] {0}, new int[] {3}),
                List.of(new byte[] {1, 2, 3, -1, -2, -3}, new byte[8]));
    }

    @Test
    void aCorruptFileExits4WithOneLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("model.qat4j");
        Files.write(f, "QAT4JART this is not an artifact".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        for (String command : List.of("eval", "inspect")) {
            Qat4jCommandTest.Run r = Qat4jCommandTest.run(command, f.toString());
            assertEquals(ExitCodes.IO_ERROR, r.code(), command + ": " + r.err());
            assertOneLineWithoutStackTrace(r);
            assertTrue(r.err().startsWith("invalid artifact: " + f + ": "), r.err());
            assertTrue(r.err().contains("at byte offset "), r.err());
        }
    }

    @Test
    void anArtifactWhoseOpIsMalformedExits4WithTheOpTheAttributeAndTheOffset(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("model.qat4j");
        ArtifactWriter.write(head(1L << 40, Provenance.EMPTY), f);
        Qat4jCommandTest.Run r = Qat4jCommandTest.run("eval", f.toString());
        assertEquals(ExitCodes.IO_ERROR, r.code(), r.err());
        assertOneLineWithoutStackTrace(r);
        assertTrue(r.err().contains(f + ": op 0 (fully_connected_logits v1 'head'): attribute 'input_zero_point': value 1099511627776"),
                r.err());
        assertTrue(r.err().contains("(field ops[0].attributes.input_zero_point at byte offset "), r.err());
    }

    @Test
    void aFolderIsNamedAsAFolderWithTheArtifactItProbablyHolds(@TempDir Path dir) {
        for (String command : List.of("eval", "inspect")) {
            Qat4jCommandTest.Run r = Qat4jCommandTest.run(command, dir.toString());
            assertEquals(ExitCodes.IO_ERROR, r.code(), r.err());
            assertOneLineWithoutStackTrace(r);
            assertTrue(r.err().contains(dir + " is a folder"), r.err());
            assertTrue(r.err().contains(dir.resolve("model.qat4j").toString()), r.err());
        }
    }

    @Test
    void aMissingFileSaysNoSuchFileWithItsPath(@TempDir Path dir) {
        Path missing = dir.resolve("runs/nothing/model.qat4j");
        for (String command : List.of("eval", "inspect")) {
            Qat4jCommandTest.Run r = Qat4jCommandTest.run(command, missing.toString());
            assertEquals(ExitCodes.IO_ERROR, r.code(), r.err());
            assertOneLineWithoutStackTrace(r);
            assertTrue(r.err().startsWith("no such file: " + missing), r.err());
        }
    }

    @Test
    void evalDataSuggestsDataNotSet(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("model.qat4j");
        String yaml = Files.readString(Path.of("../configs/fashion-mnist-w8a8.yaml"));
        ArtifactWriter.write(head(0, Provenance.builder().put(Provenance.CONFIG_YAML, yaml).build()), f);
        Qat4jCommandTest.Run r = Qat4jCommandTest.run("eval", f.toString(), "--data", dir.resolve("nowhere").toString());
        assertEquals(ExitCodes.DATA_NOT_FOUND, r.code(), r.err());
        assertTrue(r.err().contains("nowhere"), r.err());
        assertFalse(r.err().contains("--set"), r.err());
        assertTrue(r.err().contains("--data"), r.err());
    }
}
