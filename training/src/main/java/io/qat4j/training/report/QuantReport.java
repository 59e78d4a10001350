package io.qat4j.training.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qat4j.executor.kernel.ByteKernels;
import io.qat4j.executor.runtime.Int8Executor;
import io.qat4j.graph.layers.GnnVertex;
import io.qat4j.graph.layers.ParamLayout;
import io.qat4j.quant.export.LayerAgreement;
import io.qat4j.quant.layers.QuantParams;
import io.qat4j.quant.layers.Schedules;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.training.data.DataOrigin;
import io.qat4j.training.eval.EvaluationSet;
import io.qat4j.training.eval.Evaluator;
import io.qat4j.training.eval.Predictions;
import io.qat4j.training.eval.TaskKind;
import io.qat4j.training.eval.TaskMetrics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * The comparison of a run's float, fake-quantized and integer models on its test split, for
 * classification (accuracy, prediction agreement) and regression (MAE, RMSE) alike.
 *
 * @param run run name
 * @param kind the task
 * @param examples scored test examples
 * @param fp32 the trained network with quantization off
 * @param fakeQuant the trained network as trained (fake-quantized)
 * @param int8 the exported artifact on the int8 executor
 * @param agreement classification: share of identical predictions, executor vs fake-quantized
 *     network; regression: NaN (compare {@code int8.mae()} with {@code fakeQuant.mae()})
 * @param artifactBytes artifact file size
 * @param fp32Bytes float parameters of the inference model: 4 bytes per folded weight and bias
 * @param executorBatch1 executor latency, batch 1
 * @param nd4jBatch1 ND4J float inference latency, batch 1 (timed alternately with the executor's)
 * @param executorBatch64 executor latency, batch 64
 * @param nd4jBatch64 ND4J float inference latency, batch 64 (timed alternately with the executor's)
 * @param layers per quantized activation, how often the executor's int8 codes differ from the
 *     fake-quantized network's, on the first {@link #LAYER_EXAMPLES} test examples
 */
public record QuantReport(String run, TaskKind kind, int examples, TaskMetrics fp32, TaskMetrics fakeQuant, TaskMetrics int8,
                          double agreement, long artifactBytes, long fp32Bytes, Latency executorBatch1,
                          Latency nd4jBatch1, Latency executorBatch64, Latency nd4jBatch64,
                          List<LayerAgreement> layers) {

    /** File name of the report inside a run folder. */
    public static final String FILE = "report.json";

    /** Test examples used for the per-layer comparison. */
    public static final int LAYER_EXAMPLES = 1000;

    /** Timed runs of each latency figure at batch 1 (after a tenth as many warm-up runs). */
    public static final int LATENCY_RUNS_BATCH1 = 300;

    /** Timed runs of each latency figure at batch 64 (after a tenth as many warm-up runs). */
    public static final int LATENCY_RUNS_BATCH64 = 40;

    /**
     * Time budget of each latency figure's timed runs, milliseconds: fewer runs (at least
     * {@value #LATENCY_MIN_RUNS}) where one run is slow, as a whole graph per run is.
     */
    public static final double LATENCY_BUDGET_MILLIS = 15_000;

    /** Fewest timed runs of a latency figure. */
    public static final int LATENCY_MIN_RUNS = 10;

    /**
     * Measures a run without saying what it does.
     *
     * @param r the run
     * @param artifact its exported artifact
     * @param test the test split
     * @return the report
     * @throws IOException when the artifact is unreadable
     */
    public static QuantReport measure(RunExport.Run r, Path artifact, EvaluationSet test) throws IOException {
        return measure(r, artifact, test, phase -> { });
    }

    /**
     * Measures a run, announcing each phase (the whole takes minutes on a full test set).
     *
     * @param r the run
     * @param artifact its exported artifact
     * @param test the test split
     * @param progress receives one line as each phase starts
     * @return the report
     * @throws IOException when the artifact is unreadable
     */
    public static QuantReport measure(RunExport.Run r, Path artifact, EvaluationSet test, Consumer<String> progress)
            throws IOException {
        ComputationGraph fq = r.network();
        ComputationGraph fp32 = Schedules.withSchedule(fq, QuantSchedule.NEVER);
        Int8Executor ex = Int8Executor.load(artifact);
        progress.accept("report: evaluating fake-quant on " + test.count() + " test examples");
        Predictions pFq = Evaluator.predict(fq, test);
        progress.accept("report: evaluating FP32 (quantization off) on " + test.count() + " test examples");
        Predictions pFp = Evaluator.predict(fp32, test);
        progress.accept("report: evaluating int8 executor on " + test.count() + " test examples");
        Predictions pInt = predictInt8(ex, test);
        progress.accept("report: comparing layers' int8 codes on " + Math.min(LAYER_EXAMPLES, test.count()) + " examples");
        List<LayerAgreement> layers = compareLayers(fq, ex, test, LAYER_EXAMPLES);
        progress.accept("report: timing latency (executor and ND4J alternately, up to " + LATENCY_RUNS_BATCH1 + " runs at batch 1"
                + " and " + LATENCY_RUNS_BATCH64 + " at batch 64, as many as fit " + LATENCY_BUDGET_MILLIS / 1000 + " s each)");
        ExecutorFeed feed = new ExecutorFeed(ex, test.inputNames());
        MultiDataSet x1 = firstBatch(test, 1);
        MultiDataSet x64 = firstBatch(test, 64);
        Latency[] b1 = Latency.interleavedWithin(() -> feed.run(x1.getFeatures()), () -> Evaluator.output(fp32, x1),
                LATENCY_MIN_RUNS, LATENCY_RUNS_BATCH1, LATENCY_BUDGET_MILLIS);
        Latency[] b64 = Latency.interleavedWithin(() -> feed.run(x64.getFeatures()), () -> Evaluator.output(fp32, x64),
                LATENCY_MIN_RUNS, LATENCY_RUNS_BATCH64, LATENCY_BUDGET_MILLIS);
        TaskMetrics mFq = TaskMetrics.of(pFq, test.truth());
        return new QuantReport(r.config().name(), test.kind(), test.count(), TaskMetrics.of(pFp, test.truth()), mFq,
                TaskMetrics.of(pInt, test.truth()), pInt.agreement(pFq), Files.size(artifact), fp32Bytes(fq),
                b1[0], b1[1], b64[0], b64[1], layers);
    }

    /**
     * {@link LayerAgreement#compare} over the first examples of a set, in whole batches of
     * {@code min(250, limit)} examples (whole, since the examples of a batch of graphs cannot be
     * cut apart; a graph set's one batch is its graph).
     *
     * @param fq the fake-quantized network
     * @param ex its exported artifact
     * @param data labelled examples
     * @param limit batches are compared until they held this many examples
     * @return one entry per compared tensor, in graph order
     */
    public static List<LayerAgreement> compareLayers(ComputationGraph fq, Int8Executor ex, EvaluationSet data, int limit) {
        ExecutorFeed feed = new ExecutorFeed(ex, data.inputNames());
        List<List<LayerAgreement>> batches = new ArrayList<>();
        long seen = 0;
        for (MultiDataSet d : data.batches(Math.min(250, limit))) {
            if (seen >= limit) {
                break;
            }
            batches.add(LayerAgreement.compare(fq, ex, feed.inputs(d.getFeatures()), d.getFeatures()));
            seen += d.getLabels(0).size(0);
        }
        return LayerAgreement.total(batches);
    }

    /**
     * @param ex an executor
     * @param data labelled examples
     * @return the executor's predictions of the scored examples, from its dequantized outputs
     */
    public static Predictions predictInt8(Int8Executor ex, EvaluationSet data) {
        ExecutorFeed feed = new ExecutorFeed(ex, data.inputNames());
        return Evaluator.predict(data, d -> feed.run(d.getFeatures()));
    }

    private static MultiDataSet firstBatch(EvaluationSet data, int n) {
        return data.batches(n).iterator().next();
    }

    /**
     * Float bytes of the inference model: folded weights and biases of every weighted layer, and
     * the trained weights and biases of every graph vertex (a batch norm's scale and shift
     * counted, which the fold merges into one bias).
     */
    static long fp32Bytes(ComputationGraph net) {
        long n = 0;
        for (GraphVertex v : net.getVertices()) {
            if (v.hasLayer()) {
                var t = v.getLayer().paramTable();
                if (t.containsKey(QuantParams.WEIGHT)) {
                    INDArray w = t.get(QuantParams.WEIGHT);
                    long outputs = w.rank() == 2 ? w.size(1) : w.size(0);
                    n += w.length() + outputs;
                }
            } else if (v.getConfig() instanceof GnnVertex g) {
                for (ParamLayout.Entry e : g.paramLayout().entries()) {
                    n += e.kind() == ParamLayout.Kind.STATE ? 0 : e.length();
                }
            }
        }
        return 4 * n;
    }

    /**
     * Writes {@code report.json} atomically; scores that do not apply to the task are {@code null}
     * ({@link FiniteJson}), and the speedups are ratios of median latencies.
     *
     * @param file target
     * @param data where the scored data came from, written as the key {@code data}
     * @throws IOException when writing fails
     */
    public void write(Path file, DataOrigin data) throws IOException {
        ObjectNode n = new ObjectMapper().valueToTree(this);
        n.set("data", data.toJson());
        n.put("artifactToFp32SizeRatio", (double) artifactBytes / fp32Bytes);
        n.put("executorSpeedupBatch1", nd4jBatch1.median() / executorBatch1.median());
        n.put("executorSpeedupBatch64", nd4jBatch64.median() / executorBatch64.median());
        n.put("executorKernels", ByteKernels.executorPath()); // the path this process timed
        FiniteJson.write(file, n);
    }

    /**
     * Prints the comparison table.
     *
     * @param out where to print
     */
    public void print(PrintStream out) {
        out.printf(Locale.ROOT, "%n%s on %d test examples%n", run, examples);
        printScores(out, "FP32 (quantization off)", fp32);
        printScores(out, "fake-quant", fakeQuant);
        printScores(out, "int8 executor", int8);
        if (kind == TaskKind.CLASSIFICATION) {
            out.printf(Locale.ROOT, "  %-34s %8.2f%%%n", "agreement executor vs fake-quant", 100 * agreement);
        } else {
            out.printf(Locale.ROOT, "  %-34s %8.3f%n", "int8 MAE / fake-quant MAE", int8.mae() / fakeQuant.mae());
        }
        out.printf(Locale.ROOT, "  %-34s %8d B  (%.3f of FP32 %d B)%n", "artifact size", artifactBytes,
                (double) artifactBytes / fp32Bytes, fp32Bytes);
        printLatency(out, "latency batch 1: executor", executorBatch1, nd4jBatch1);
        printLatency(out, "latency batch 64: executor", executorBatch64, nd4jBatch64);
        out.printf(Locale.ROOT, "  %-34s %s%n", "executor kernels", ByteKernels.executorPath());
        if (!layers.isEmpty()) {
            out.printf(Locale.ROOT, "  int8 codes differing from fake-quant, first %d examples:%n",
                    Math.min(LAYER_EXAMPLES, examples));
            for (LayerAgreement l : layers) {
                out.printf(Locale.ROOT, "    %-32s %8.3f%%  (max %d)%n", l.layer(), 100 * l.differingShare(), l.maxDifference());
            }
        }
    }

    private static void printLatency(PrintStream out, String label, Latency executor, Latency nd4j) {
        out.printf(Locale.ROOT, "  %-34s %s  ND4J FP32 %s  (ratio of medians %.2f, %d runs each)%n", label,
                executor.summary(), nd4j.summary(), nd4j.median() / executor.median(), executor.runs());
    }

    private static void printScores(PrintStream out, String model, TaskMetrics m) {
        for (Map.Entry<String, Double> e : m.named().entrySet()) {
            String label = model + " " + e.getKey();
            if (e.getKey().equals("accuracy")) {
                out.printf(Locale.ROOT, "  %-34s %8.2f%%%n", label, 100 * e.getValue());
            } else {
                out.printf(Locale.ROOT, "  %-34s %8.4f%n", label, e.getValue());
            }
        }
    }
}
