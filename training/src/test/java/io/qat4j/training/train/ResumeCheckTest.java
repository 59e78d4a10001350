package io.qat4j.training.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.training.config.ConfigWriter;
import io.qat4j.training.config.ExperimentConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which config changes {@code --resume} accepts against the run folder's snapshot. */
class ResumeCheckTest {

    /** The test CNN has batch 32; 6 batches per epoch. */
    private static final int BATCHES_PER_EPOCH = 6;

    private static RunDirectory startedWith(Path dir, ExperimentConfig config) throws Exception {
        RunDirectory run = new RunDirectory(dir.resolve(config.name()));
        Files.createDirectories(run.root());
        ConfigWriter.write(config, run.config());
        return run;
    }

    @Test
    void aRunStartedLocallyResumesOnSparkWithTheSameGlobalMinibatch(@TempDir Path dir) throws Exception {
        // started without a distributed block: no master, no workers written, no per-worker batch
        RunDirectory run = startedWith(dir, LocalTrainerTest.config(dir, "r"));
        ExperimentConfig onSpark = LocalTrainerTest.config(dir, "r", "distributed.master=local[2]",
                "distributed.nd4jThreadsPerTask=2", "training.epochs=5");
        ExperimentConfig resumed = ResumeCheck.sameRun(onSpark, run, BATCHES_PER_EPOCH);
        assertEquals("local[2]", resumed.distributed().master());
        assertEquals(5, resumed.training().epochs());
    }

    @Test
    void workersAveragingPeriodAndBatchSizeMustMatch(@TempDir Path dir) throws Exception {
        RunDirectory run = startedWith(dir, LocalTrainerTest.config(dir, "r", "distributed.master=local[2]"));
        for (String change : new String[] {"distributed.workers=4", "distributed.averagingSteps=2", "training.batchSize=16"}) {
            ExperimentConfig other = LocalTrainerTest.config(dir, "r", "distributed.master=local[2]", change);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> ResumeCheck.sameRun(other, run, BATCHES_PER_EPOCH), change);
            assertTrue(e.getMessage().contains("--resume: the config differs"), e.getMessage());
        }
    }
}
