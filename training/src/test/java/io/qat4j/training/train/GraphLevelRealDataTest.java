package io.qat4j.training.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.ExperimentConfigLoader;
import io.qat4j.training.config.LrScheduleConfig;
import io.qat4j.training.data.RequiresData;
import io.qat4j.training.data.TaskData;
import io.qat4j.training.data.TaskDataLoader;
import io.qat4j.training.eval.TaskKind;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The shipped graph-level configs load their real datasets (../shared/datasets; skipped when absent
 * unless {@code QAT4J_REQUIRE_DATA=1}) and fit their models: fold 0's sizes follow from the
 * graph counts of each folder's SOURCE.txt / README.txt (REDDIT-BINARY 2000 graphs in its shipped
 * folds of 200; MUTAG 188, PROTEINS 1113 and ESOL 1128 in 10 drawn folds, the first {@code n mod 10}
 * one graph larger), and each config's step schedule halves the learning rate every 50 epochs of
 * that fold's minibatches of 128, as its comment says.
 */
class GraphLevelRealDataTest {

    private static TaskData load(String config, String dataset, int train, int validation, int test,
            int batchesPerEpoch) throws Exception {
        Path data = RequiresData.sharedDataset(dataset);
        String yaml = Files.readString(configs().resolve(config + ".yaml"))
                .replace("path: ../shared/datasets/" + dataset, "path: '" + data.toString().replace("'", "''") + "'");
        ExperimentConfig cfg = ExperimentConfigLoader.parse(yaml, config + ".yaml");
        TaskData d = TaskDataLoader.load(cfg);
        assertEquals(test, d.test().count(), "test graphs");
        assertEquals(validation, d.validation().orElseThrow().count(), "validation graphs");
        assertEquals(train, d.origin().examples().get(io.qat4j.training.data.DataOrigin.TRAINING), "training graphs");
        assertEquals(batchesPerEpoch, d.batchesPerEpoch(cfg.training().batchSize()));
        assertEquals(50L * batchesPerEpoch,
                ((LrScheduleConfig.Step) cfg.training().lrSchedule()).intervalSteps(d.batchesPerEpoch(cfg.training().batchSize())),
                "lr halved every 50 epochs");
        return d;
    }

    @Test
    void redditBinary() throws Exception {
        for (String q : new String[] {"fp32", "qat-int8", "dq-int8", "qat-int4", "dq-int4"}) {
            TaskData d = load("reddit-binary-gin-" + q, "REDDIT-BINARY", 1600, 200, 200, 13);
            assertEquals(TaskKind.CLASSIFICATION, d.kind());
        }
    }

    @Test
    void mutag() throws Exception {
        for (String q : new String[] {"fp32", "dq-int8"}) {
            load("mutag-gin-" + q, "MUTAG", 188 - 19 - 18, 18, 19, 2);
        }
    }

    @Test
    void proteins() throws Exception {
        for (String q : new String[] {"fp32", "dq-int8"}) {
            load("proteins-gin-" + q, "PROTEINS", 1113 - 112 - 111, 111, 112, 7);
        }
    }

    @Test
    void esol() throws Exception {
        for (String q : new String[] {"fp32", "dq-int8"}) {
            TaskData d = load("esol-gin-" + q, "esol", 1128 - 113 - 112, 112, 113, 8);
            assertEquals(TaskKind.REGRESSION, d.kind());
        }
    }

    private static Path configs() {
        Path p = Path.of("../configs");
        return Files.isDirectory(p) ? p : Path.of("configs");
    }
}
