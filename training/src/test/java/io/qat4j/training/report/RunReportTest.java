package io.qat4j.training.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.artifact.ArtifactReader;
import io.qat4j.executor.artifact.Provenance;
import io.qat4j.quant.export.LayerAgreement;
import io.qat4j.training.data.DataOrigin;
import io.qat4j.training.train.LocalTrainerTest;
import io.qat4j.training.train.TrainResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Train a small run on real data, export it, run it on the int8 executor and report. */
class RunReportTest {

    @BeforeAll
    static void data() throws Exception {
        LocalTrainerTest.loadSlice();
    }

    @Test
    void exportedRunMatchesItsFakeQuantModelAndReportsEveryFigure(@TempDir Path dir) throws Exception {
        TrainResult t = LocalTrainerTest.trainer().train(LocalTrainerTest.config(dir, "rep"), LocalTrainerTest.quiet());
        RunExport.Run run = RunExport.load(t.run().root());
        Path killedExport = Files.write(t.run().root().resolve(".model.qat4j.77.tmp"), new byte[] {1});
        Path artifact = RunExport.export(run);
        assertFalse(Files.exists(killedExport), "an export removes what a killed export left behind");
        var loaded = ArtifactReader.read(artifact);
        var prov = loaded.model().provenance().entries();
        assertTrue(prov.get(Provenance.CONFIG_YAML).contains("name: rep"), prov.toString());
        assertEquals("7", prov.get(Provenance.SEED));
        assertTrue(prov.get(Provenance.METRICS_JSON).contains("testAccuracy"));

        QuantReport r = QuantReport.measure(run, artifact, LocalTrainerTest.testSlice());
        assertEquals(100, r.examples());
        assertEquals(t.testAccuracy(), r.fakeQuant().accuracy(), 1e-12, "fake-quant accuracy is the trainer's");
        assertTrue(r.agreement() >= 0.97, "agreement " + r.agreement());
        assertTrue(Math.abs(r.int8().accuracy() - r.fakeQuant().accuracy()) <= 0.03, r.toString());
        assertTrue(r.artifactBytes() < r.fp32Bytes(), "4-bit weights, even with the manifest of a tiny model: " + r);
        for (Latency l : List.of(r.executorBatch1(), r.nd4jBatch1(), r.executorBatch64(), r.nd4jBatch64())) {
            assertTrue(l.p10() > 0 && l.p10() <= l.median() && l.median() <= l.p90() && l.runs() >= 20, l.toString());
        }
        // every conv, pool and dense output of the CNN is compared, on all 100 images
        List<String> compared = r.layers().stream().map(LayerAgreement::layer).toList();
        assertTrue(compared.containsAll(List.of("L0_conv", "L1_maxpool")), compared.toString());
        assertFalse(compared.contains("output"), "int32 logits are not int8 codes");
        for (LayerAgreement l : r.layers()) {
            assertTrue(l.codes() > 0 && l.codes() % 100 == 0, l.toString());
            assertTrue(l.differingShare() <= 0.05 && l.maxDifference() <= 3, l.toString());
        }

        r.write(dir.resolve("report.json"), DataOrigin.inMemory("fashion-mnist slice", DataOrigin.splits(192, 0, 100),
                OptionalInt.of(10)));
        String json = Files.readString(dir.resolve("report.json"));
        assertTrue(json.contains("\"agreement\"") && json.contains("artifactToFp32SizeRatio"), json);
        assertFalse(json.contains("NaN") || json.contains("Infinity"), "scores that do not apply are null: " + json);
        var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        assertTrue(tree.get("fp32").get("mae").isNull(), json);
        for (String latency : List.of("executorBatch1", "nd4jBatch1", "executorBatch64", "nd4jBatch64")) {
            var l = tree.get(latency);
            assertTrue(l.get("p10").isNumber() && l.get("median").isNumber() && l.get("p90").isNumber(), json);
        }
        assertTrue(json.contains("\"data\"") && json.contains("given in memory by the caller"), json);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        r.print(new PrintStream(buf, true, StandardCharsets.UTF_8));
        String table = buf.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("int8 executor accuracy") && table.contains("latency batch 64"), table);
        assertTrue(table.contains("p10-p90"), table);
        assertTrue(table.contains("L0_conv") && json.contains("\"differing\""), table);
    }
}
