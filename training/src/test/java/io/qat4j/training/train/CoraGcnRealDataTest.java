package io.qat4j.training.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.ExperimentConfigLoader;
import io.qat4j.training.data.RequiresData;
import io.qat4j.training.report.QuantReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped {@code cora-gcn-fp32} config trains Kipf and Welling's GCN on the real Cora graph
 * (../shared/datasets/cora, the standard Planetoid split: 140 training, 500 validation, 1000 test
 * nodes) for its 200 full-batch steps; the shipped {@code cora-gcn-dq-int8} config trains it with
 * Degree-Quant and its report runs the exported int8 artifact on the test nodes.
 */
class CoraGcnRealDataTest {

    @Test
    void fp32GcnReachesKipfAndWellingsRange(@TempDir Path dir) throws Exception {
        TrainResult r = new LocalTrainer().train(shippedConfig("cora-gcn-fp32.yaml", dir), LocalTrainerTest.quiet());
        assertEquals(200, r.steps());
        // Kipf and Welling report 81.5% (mean of 100 runs); PyG's GCN example gives 80-82% over seeds.
        // One seed of 200 steps varies by about +-1 point, and our read-out differs from their second
        // layer only by the factorisation of one linear map; 75% leaves room for that spread and
        // the float32 rounding, while a model that ignores the edges (an MLP on Cora's features,
        // about 57-59% in Kipf and Welling's and Shchur et al.'s tables) would fail it.
        assertTrue(r.testAccuracy() >= 0.75, "test accuracy " + r.testAccuracy());
    }

    /** Issue 10's acceptance: the int8 executor agrees with the fake-quant model on at least 99.5% of Cora's test nodes. */
    @Test
    void degreeQuantInt8ArtifactAgreesWithTheFakeQuantModelOnTheTestNodes(@TempDir Path dir) throws Exception {
        RunOptions reporting = new RunOptions(false, null, false, List.of(), -1, true);
        TrainResult r = new LocalTrainer().train(shippedConfig("cora-gcn-dq-int8.yaml", dir), reporting);
        assertEquals(200, r.steps());
        QuantReport report = r.report().orElseThrow();
        assertEquals(1000, report.examples(), "the Planetoid test nodes");
        assertTrue(report.agreement() >= 0.995, "agreement " + report.agreement());
    }

    private static ExperimentConfig shippedConfig(String file, Path dir) throws Exception {
        Path cora = RequiresData.sharedDataset("cora");
        String yaml = Files.readString(configs().resolve(file))
                .replace("path: ../shared/datasets/cora", "path: '" + cora.toString().replace("'", "''") + "'")
                .replace("dir: runs", "dir: '" + dir.toString().replace("'", "''") + "'");
        return ExperimentConfigLoader.parse(yaml, file);
    }

    private static Path configs() {
        Path p = Path.of("../configs");
        return Files.isDirectory(p) ? p : Path.of("configs");
    }
}
