package io.qat4j.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.runtime.Int8Executor;
import io.qat4j.jobs.Qat4jCommandTest.Run;
import io.qat4j.jobs.bench.ExecutorBenchmark;
import io.qat4j.jobs.bench.Nd4jInferenceBenchmark;
import io.qat4j.jobs.onnx.OnnxAgreement;
import io.qat4j.quant.onnx.OnnxForm;
import io.qat4j.training.config.ExperimentConfigLoader;
import io.qat4j.training.data.TaskDataLoader;
import io.qat4j.training.eval.EvaluationSet;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code qat4j export --format onnx|onnx-qdq|onnx-float} on a model trained on Fashion-MNIST, the written files
 * run by ONNX Runtime over the whole test set against the int8 executor (issue 11: equal
 * predictions on at least 99.9% of the test set), {@code qat4j eval --onnx}, and the states of
 * {@code qat4j bench executor} on that run.
 */
class OnnxExportCommandTest {

    @Test
    void theOnnxFilesOfATrainedModelPredictAsTheExecutorOnTheFashionMnistTestSet(@TempDir Path dir) throws Exception {
        TrainOutputTest.requireFashionMnist();
        Path cfg = TrainOutputTest.tinyConfig(dir);
        Run train = Qat4jCommandTest.run("train", cfg.toString(), "--quiet", "--set", "training.batchSize=128");
        assertEquals(0, train.code(), train.err());
        Path run = dir.resolve("tiny");
        Int8Executor ex = Int8Executor.load(run.resolve("model.qat4j"));
        EvaluationSet test = TaskDataLoader.load(ExperimentConfigLoader.load(cfg)).test();
        for (OnnxForm form : OnnxForm.values()) {
            Run export = Qat4jCommandTest.run("export", run.toString(), "--format", form.format());
            assertEquals(0, export.code(), export.err());
            Path model = run.resolve(form.fileName());
            assertTrue(export.out().contains("wrote " + model.toAbsolutePath()), export.out());
            OnnxAgreement a = OnnxAgreement.measure(Files.readAllBytes(model), ex, test);
            System.out.println(a.summary(form));
            assertEquals(10_000, a.onnx().count());
            if (form != OnnxForm.FLOAT) { // the float network is the reference, not the integer model
                assertTrue(a.agreement() >= 0.999, a.summary(form));
            }
        }
        Run eval = Qat4jCommandTest.run("eval", run.resolve("model.qat4j").toString(), "--onnx", "onnx-qdq");
        assertEquals(0, eval.code(), eval.err());

        // `qat4j bench executor`'s states and methods on this run, outside JMH: each engine answers the batch
        ExecutorBenchmark b = new ExecutorBenchmark();
        b.run = run.toString();
        b.batch = 3;
        b.threads = 2;
        b.setUp();
        try {
            assertEquals(3, b.int8Executor().length);
            assertEquals(30, b.onnxRuntimeInt8().length);
            assertEquals(30, b.onnxRuntimeFp32().length);
        } finally {
            b.tearDown();
        }
        Nd4jInferenceBenchmark nd4j = new Nd4jInferenceBenchmark();
        nd4j.run = run.toString();
        nd4j.batch = 3;
        nd4j.setUp();
        assertArrayEquals(new long[] {3, 10}, nd4j.nd4jFp32().shape());
    }

    @Test
    void anUnknownFormatIsAUsageErrorNamingTheFormats(@TempDir Path dir) {
        Run r = Qat4jCommandTest.run("export", dir.toString(), "--format", "tflite");
        assertEquals(ExitCodes.USAGE, r.code(), r.err());
        assertTrue(r.err().contains("--format: unknown format 'tflite'; expected qat4j, onnx, onnx-qdq or onnx-float"), r.err());
        Run e = Qat4jCommandTest.run("eval", dir.resolve("model.qat4j").toString(), "--onnx", "qdq");
        assertEquals(ExitCodes.USAGE, e.code(), e.err());
        assertTrue(e.err().contains("--onnx: unknown ONNX format 'qdq'"), e.err());
    }
}
