package io.qat4j.training.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.ExperimentConfigLoader;
import io.qat4j.training.data.TrainingBatch;
import io.qat4j.training.report.QuantReport;
import io.qat4j.training.report.RunExport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run lifecycle with another trainer's step: everything around the step is the lifecycle's, so
 * a runner that fits the same way gives the same run, and the export and report follow a finished
 * quantized run only.
 */
class RunLifecycleTest {

    /** A trainer of its own: counts its steps and closes, otherwise DL4J's fit. */
    static final class CountingRunner implements StepRunner {
        final AtomicInteger steps = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();

        @Override
        public double[] fit(ComputationGraph net, List<TrainingBatch> batches, long[] stepSeeds) {
            steps.addAndGet(batches.size());
            return new LocalStepRunner().fit(net, batches, stepSeeds);
        }

        @Override
        public void close() {
            closed.incrementAndGet();
        }
    }

    private static RunOptions console(ByteArrayOutputStream buf) {
        return new RunOptions(false, new PrintStream(buf, true, StandardCharsets.UTF_8), false, List.of(), -1, false);
    }

    @BeforeAll
    static void data() throws Exception {
        LocalTrainerTest.loadSlice();
    }

    @Test
    void theRunnerIsClosedWhenTheRunFailsBeforeItsFirstStep(@TempDir Path dir) {
        CountingRunner runner = new CountingRunner();
        RunLifecycle lifecycle = new RunLifecycle(runner, c -> LocalTrainerTest.slice);
        assertThrows(IllegalStateException.class,
                () -> lifecycle.run(LocalTrainerTest.config(dir, "empty"), LocalTrainerTest.quiet().withResume(true)));
        assertEquals(1, runner.closed.get(), "a runner may hold a Spark context: it is closed on every path");
        assertEquals(0, runner.steps.get());
    }

    /**
     * A run whose schedule is written in fractions, resumed with more epochs, keeps the schedule it
     * was built with, and the config snapshot (which the artifact records) says so in steps.
     */
    @Test
    void aResumedRunWithMoreEpochsRecordsTheScheduleItRunsWith(@TempDir Path dir) throws Exception {
        String fractions = "quantization.schedule={fp32Warmup: 0.25, freezeObservers: 0.75, freezeBatchNorm: 0.75}";
        LocalTrainerTest.trainer().train(LocalTrainerTest.config(dir, "f", fractions), LocalTrainerTest.quiet().withMaxSteps(4));
        TrainResult resumed = LocalTrainerTest.trainer().train(LocalTrainerTest.config(dir, "f", fractions, "training.epochs=6"),
                LocalTrainerTest.quiet().withResume(true));
        QuantSchedule used = QuantPhase.of(resumed.network()).orElseThrow();
        // 3 epochs of 6 steps: 18 steps, warm-up floor(0.25 * 18) = 4, freezes floor(0.75 * 18) = 13
        assertEquals(new QuantSchedule(4, 13, 13), used);
        ExperimentConfig snapshot = ExperimentConfigLoader.load(resumed.run().config());
        assertEquals(6, snapshot.training().epochs());
        assertEquals(used, snapshot.quantization().schedule().resolve(6, 36, "f"),
                "config.yaml gives the schedule the network ran with, not 0.25 of the longer run");
    }

    @Test
    void resumingAFinishedRunDoesNothing(@TempDir Path dir) throws Exception {
        TrainResult done = LocalTrainerTest.trainer().train(LocalTrainerTest.config(dir, "done"),
                LocalTrainerTest.quiet().withReport(true));
        Path report = done.run().root().resolve(QuantReport.FILE);
        String metrics = Files.readString(done.run().metrics());
        FileTime reportTime = Files.getLastModifiedTime(report);
        CountingRunner runner = new CountingRunner();
        TrainResult again = new RunLifecycle(runner, c -> LocalTrainerTest.slice).run(LocalTrainerTest.config(dir, "done"),
                LocalTrainerTest.quiet().withResume(true).withReport(true));
        assertEquals(0, runner.steps.get());
        assertEquals(done.steps(), again.steps());
        assertTrue(again.report().isEmpty(), "no second export and report");
        assertEquals(metrics, Files.readString(done.run().metrics()), "metrics.json kept");
        assertEquals(reportTime, Files.getLastModifiedTime(report));
    }

    /**
     * The run-folder hook: prepared before the folder exists, told after every checkpoint (every 5
     * steps and at every epoch end) with the checkpoint complete, and once at the end, after the
     * report.
     */
    @Test
    void theRunFolderListenerIsPreparedFirstAndToldAfterEveryCheckpointAndAfterTheLastFile(@TempDir Path dir)
            throws Exception {
        List<String> calls = new java.util.ArrayList<>();
        RunFolderListener recorder = new RunFolderListener() {
            @Override
            public void prepare(RunDirectory run, boolean resume, java.util.function.Consumer<String> log) {
                calls.add("prepare resume=" + resume + " folder=" + Files.exists(run.root()));
            }

            @Override
            public void filesWritten(RunDirectory run, boolean finished, java.util.function.Consumer<String> log)
                    throws java.io.IOException {
                String latest = Files.readString(run.checkpoints().resolve(Checkpoints.LATEST)).trim();
                calls.add(finished ? "finished " + latest + " report=" + Files.exists(run.root().resolve(QuantReport.FILE))
                        : latest);
            }
        };
        new RunLifecycle(new LocalStepRunner(), c -> LocalTrainerTest.slice, recorder)
                .run(LocalTrainerTest.config(dir, "hook"), LocalTrainerTest.quiet().withReport(true));
        assertEquals(List.of("prepare resume=false folder=false", "ckpt-000000005", "ckpt-000000006", "ckpt-000000010",
                "ckpt-000000012", "ckpt-000000015", "ckpt-000000018", "finished ckpt-000000018 report=true"), calls);
    }

    @Test
    void anotherStepRunnerGetsTheWholeLifecycleAndTheSameRun(@TempDir Path dir) throws Exception {
        CountingRunner runner = new CountingRunner();
        TrainResult other = new RunLifecycle(runner, c -> LocalTrainerTest.slice).run(LocalTrainerTest.config(dir, "other"),
                LocalTrainerTest.quiet());
        TrainResult local = LocalTrainerTest.trainer().train(LocalTrainerTest.config(dir, "local"), LocalTrainerTest.quiet());
        assertEquals(18, runner.steps.get());
        assertEquals(1, runner.closed.get());
        assertEquals(local.network().params(), other.network().params());
        assertTrue(Files.exists(other.run().checkpoints().resolve("LATEST")));
        assertTrue(Files.exists(other.run().metrics()) && Files.exists(other.run().model()));
        assertEquals(3, other.epochs().size());
    }

    @Test
    void aFinishedQuantizedRunIsExportedAndReportedAndAStoppedOneIsNot(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream stoppedOut = new ByteArrayOutputStream();
        TrainResult stopped = LocalTrainerTest.trainer().train(LocalTrainerTest.config(dir, "stopped"),
                console(stoppedOut).withReport(true).withMaxSteps(5));
        assertTrue(stopped.report().isEmpty());
        assertTrue(stopped.stoppedEarly());
        assertFalse(Files.exists(stopped.run().root().resolve(RunExport.ARTIFACT)));
        assertEquals("stopped after 5 steps (--max-steps), not evaluated", stopped.summary());
        assertFalse(Files.readString(stopped.run().metrics()).contains("NaN"), Files.readString(stopped.run().metrics()));

        ByteArrayOutputStream doneOut = new ByteArrayOutputStream();
        TrainResult done = LocalTrainerTest.trainer().train(LocalTrainerTest.config(dir, "done"),
                console(doneOut).withReport(true));
        assertFalse(done.stoppedEarly());
        assertEquals("test " + done.test().summary() + " after 18 steps", done.summary());
        // the export and report phase says what it does before the table
        String doneText = doneOut.toString(StandardCharsets.UTF_8);
        int table = doneText.indexOf("done on 100 test examples");
        assertTrue(table > 0, doneText);
        for (String phase : List.of("exporting the int8 artifact", "evaluating FP32", "evaluating fake-quant",
                "evaluating int8 executor", "comparing layers", "timing latency")) {
            int at = doneText.indexOf(phase);
            assertTrue(at >= 0 && at < table, phase + " in " + doneText);
        }
        QuantReport r = done.report().orElseThrow();
        assertTrue(Files.exists(done.run().root().resolve(RunExport.ARTIFACT)));
        assertTrue(Files.exists(done.run().root().resolve(QuantReport.FILE)));
        assertEquals(done.testAccuracy(), r.fakeQuant().accuracy(), 1e-12, "the report scores the trained network");
        assertEquals(100, r.examples());
    }
    @Test
    void staleTemporaryFilesOfKilledWritesAreRemovedWhenARunStartsAndWhenItResumes(@TempDir Path dir) throws Exception {
        RunDirectory run = new RunDirectory(dir.resolve("stale"));
        Files.createDirectories(run.checkpoints());
        List<Path> stale = leaveStaleTemporaries(run);
        Path mine = Files.writeString(run.root().resolve("notes.1.tmp"), "a user's file, not ours");
        Path hidden = Files.writeString(run.checkpoints().resolve(".keep"), "");

        LocalTrainerTest.trainer().train(LocalTrainerTest.config(dir, "stale"), LocalTrainerTest.quiet().withMaxSteps(3));
        for (Path p : stale) {
            assertFalse(Files.exists(p), "removed at start: " + p);
        }
        stale = leaveStaleTemporaries(run);
        LocalTrainerTest.trainer().train(LocalTrainerTest.config(dir, "stale"),
                LocalTrainerTest.quiet().withResume(true).withMaxSteps(6));
        for (Path p : stale) {
            assertFalse(Files.exists(p), "removed on resume: " + p);
        }
        assertTrue(Files.exists(mine) && Files.exists(hidden), "only our own temporary names are removed");
    }

    /** What kill -9 during a checkpoint, the final model, the metrics or the export leaves behind. */
    private static List<Path> leaveStaleTemporaries(RunDirectory run) throws Exception {
        return List.of(
                Files.write(run.checkpoints().resolve(".ckpt-000000500.zip.4242.tmp"), new byte[] {1}),
                Files.write(run.checkpoints().resolve(".LATEST.17.tmp"), new byte[] {1}),
                Files.write(run.root().resolve(".model.qat4j.77.tmp"), new byte[] {2}),
                Files.write(run.root().resolve(".model.zip.78.tmp"), new byte[] {2}),
                Files.write(run.root().resolve(".metrics.json.9.tmp"), new byte[] {3}));
    }
}
