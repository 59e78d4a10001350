package io.qat4j.training.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qat4j.training.data.DataOrigin;
import io.qat4j.training.eval.TaskKind;
import io.qat4j.training.eval.TaskMetrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A regression report prints and writes errors, not accuracies. */
class QuantReportTest {

    @Test
    void regressionReportShowsMaeAndRmseAndTheirRatio(@TempDir Path dir) throws Exception {
        TaskMetrics fp = new TaskMetrics(TaskKind.REGRESSION, 113, Double.NaN, 0.50, 0.70);
        TaskMetrics fq = new TaskMetrics(TaskKind.REGRESSION, 113, Double.NaN, 0.52, 0.72);
        TaskMetrics in = new TaskMetrics(TaskKind.REGRESSION, 113, Double.NaN, 0.53, 0.73);
        QuantReport r = new QuantReport("esol", TaskKind.REGRESSION, 113, fp, fq, in, Double.NaN, 1000, 4000,
                new Latency(0.9, 1, 1.2, 300), new Latency(1.8, 2, 2.5, 300), new Latency(2.9, 3, 3.1, 40),
                new Latency(3.5, 4, 4.5, 40), List.of());
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        r.print(new PrintStream(buf, true, StandardCharsets.UTF_8));
        String table = buf.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("int8 executor mae") && table.contains("fake-quant rmse"), table);
        assertTrue(table.contains("int8 MAE / fake-quant MAE") && table.contains("1.019"), table);
        assertFalse(table.contains("accuracy") || table.contains("agreement"), table);

        r.write(dir.resolve("report.json"), DataOrigin.inMemory("esol", DataOrigin.splits(1015, 0, 113), OptionalInt.empty()));
        JsonNode json = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
        assertEquals(113, json.get("data").get("examples").get("test").asInt(), json.toString());
        assertFalse(json.get("data").has("classes"), "a regression has no classes: " + json);
        assertTrue(Math.abs(json.get("int8").get("mae").asDouble() - 0.53) < 1e-12, json.toString());
        assertTrue(json.get("kind").asText().equals("REGRESSION"), json.toString());
        // no agreement for regression: null, not the string "NaN"
        assertTrue(json.get("agreement").isNull() && json.get("int8").get("accuracy").isNull(), json.toString());
        assertTrue(table.contains("p10-p90 0.900-1.200"), table);
    }
}
