package io.qat4j.training.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qat4j.executor.io.AtomicFiles;
import io.qat4j.executor.runtime.Int8Executor;
import io.qat4j.quant.export.LayerAgreement;
import io.qat4j.quant.layers.QuantParams;
import io.qat4j.quant.layers.Schedules;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.training.data.ImageDataSetIterator;
import io.qat4j.training.data.ImageDataset;
import io.qat4j.training.train.Evaluation;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The comparison of a run's float, fake-quantized and integer models on its test set.
 *
 * @param run run name
 * @param examples test examples
 * @param fp32Accuracy the trained network with quantization off
 * @param fakeQuantAccuracy the trained network as trained (fake-quantized)
 * @param int8Accuracy the exported artifact on the int8 executor
 * @param agreement share of identical predictions, executor vs fake-quantized network
 * @param artifactBytes artifact file size
 * @param fp32Bytes float parameters of the inference model: 4 bytes per folded weight and bias
 * @param executorMillisBatch1 median executor latency, batch 1
 * @param nd4jMillisBatch1 median ND4J float inference latency, batch 1
 * @param executorMillisBatch64 median executor latency, batch 64
 * @param nd4jMillisBatch64 median ND4J float inference latency, batch 64
 * @param layers per quantized activation, how often the executor's int8 codes differ from the
 *     fake-quantized network's, on the first {@link #LAYER_EXAMPLES} test images
 */
public record QuantReport(String run, int examples, double fp32Accuracy, double fakeQuantAccuracy, double int8Accuracy,
                          double agreement, long artifactBytes, long fp32Bytes, double executorMillisBatch1,
                          double nd4jMillisBatch1, double executorMillisBatch64, double nd4jMillisBatch64,
                          List<LayerAgreement> layers) {

    /** File name of the report inside a run folder. */
    public static final String FILE = "report.json";

    /** Test images used for the per-layer comparison. */
    public static final int LAYER_EXAMPLES = 1000;

    /**
     * Measures a run.
     *
     * @param r the run
     * @param artifact its exported artifact
     * @param test the test set
     * @return the report
     * @throws IOException when the artifact is unreadable
     */
    public static QuantReport measure(RunExport.Run r, Path artifact, ImageDataset test) throws IOException {
        ComputationGraph fq = r.network();
        ComputationGraph fp32 = Schedules.withSchedule(fq, QuantSchedule.NEVER);
        Int8Executor ex = Int8Executor.load(artifact);
        int[] pFq = Evaluation.predict(fq, test, 500);
        int[] pFp = Evaluation.predict(fp32, test, 500);
        int[] pInt = predictInt8(ex, test, 500);
        int same = 0;
        for (int i = 0; i < pInt.length; i++) {
            if (pInt[i] == pFq[i]) {
                same++;
            }
        }
        float[] one = batch(test, 0, 1);
        float[] sixtyFour = batch(test, 0, 64);
        INDArray x1 = Nd4j.createFromArray(one).reshape(1, test.channels(), test.height(), test.width());
        INDArray x64 = Nd4j.createFromArray(sixtyFour).reshape(64, test.channels(), test.height(), test.width());
        double e1 = medianMillis(() -> ex.run(one, 1), 300);
        double n1 = medianMillis(() -> fp32.outputSingle(false, x1), 300);
        double e64 = medianMillis(() -> ex.run(sixtyFour, 64), 40);
        double n64 = medianMillis(() -> fp32.outputSingle(false, x64), 40);
        List<LayerAgreement> layers = compareLayers(fq, ex, test.subset(0, Math.min(LAYER_EXAMPLES, test.count())));
        return new QuantReport(r.config().name(), test.count(), Evaluation.accuracy(pFp, test), Evaluation.accuracy(pFq, test),
                Evaluation.accuracy(pInt, test), (double) same / pInt.length, Files.size(artifact), fp32Bytes(fq),
                e1, n1, e64, n64, layers);
    }

    /**
     * {@link LayerAgreement#compare} over a dataset, in batches of 250.
     *
     * @param fq the fake-quantized network
     * @param ex its exported artifact
     * @param data images
     * @return one entry per compared tensor, in graph order
     */
    public static List<LayerAgreement> compareLayers(ComputationGraph fq, Int8Executor ex, ImageDataset data) {
        List<List<LayerAgreement>> batches = new ArrayList<>();
        ImageDataSetIterator it = new ImageDataSetIterator(data, 250);
        while (it.hasNext()) {
            batches.add(LayerAgreement.compare(fq, ex, it.next().getFeatures()));
        }
        return LayerAgreement.total(batches);
    }

    /**
     * @param ex an executor
     * @param data images
     * @param batchSize batch size
     * @return the executor's prediction for every image, in order
     */
    public static int[] predictInt8(Int8Executor ex, ImageDataset data, int batchSize) {
        int[] out = new int[data.count()];
        ImageDataSetIterator it = new ImageDataSetIterator(data, batchSize);
        int i = 0;
        while (it.hasNext()) {
            DataSet d = it.next();
            int n = d.numExamples();
            int[] p = ex.run(d.getFeatures().castTo(DataType.FLOAT).dup('c').data().asFloat(), n).predictions();
            System.arraycopy(p, 0, out, i, n);
            i += n;
        }
        return out;
    }

    private static float[] batch(ImageDataset data, int from, int n) {
        ImageDataSetIterator it = new ImageDataSetIterator(data.subset(from, from + n), n);
        return it.next().getFeatures().castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    /** Float bytes of the inference model: folded weights and biases of every weighted layer. */
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
            }
        }
        return 4 * n;
    }

    private static double medianMillis(Runnable r, int runs) {
        for (int i = 0; i < Math.max(5, runs / 10); i++) {
            r.run();
        }
        double[] t = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(t);
        return t[runs / 2];
    }

    /**
     * Writes {@code report.json} atomically.
     *
     * @param file target
     * @throws IOException when writing fails
     */
    public void write(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode n = json.valueToTree(this);
        n.put("artifactToFp32SizeRatio", (double) artifactBytes / fp32Bytes);
        n.put("executorSpeedupBatch1", nd4jMillisBatch1 / executorMillisBatch1);
        n.put("executorSpeedupBatch64", nd4jMillisBatch64 / executorMillisBatch64);
        AtomicFiles.write(file, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
    }

    /**
     * Prints the comparison table.
     *
     * @param out where to print
     */
    public void print(PrintStream out) {
        out.printf(Locale.ROOT, "%n%s on %d test images%n", run, examples);
        out.printf(Locale.ROOT, "  %-34s %8.2f%%%n", "FP32 accuracy (quantization off)", 100 * fp32Accuracy);
        out.printf(Locale.ROOT, "  %-34s %8.2f%%%n", "fake-quant accuracy", 100 * fakeQuantAccuracy);
        out.printf(Locale.ROOT, "  %-34s %8.2f%%%n", "int8 executor accuracy", 100 * int8Accuracy);
        out.printf(Locale.ROOT, "  %-34s %8.2f%%%n", "agreement executor vs fake-quant", 100 * agreement);
        out.printf(Locale.ROOT, "  %-34s %8d B  (%.3f of FP32 %d B)%n", "artifact size", artifactBytes,
                (double) artifactBytes / fp32Bytes, fp32Bytes);
        out.printf(Locale.ROOT, "  %-34s %8.3f ms  ND4J FP32 %8.3f ms  (ratio %.2f)%n", "latency batch 1: executor",
                executorMillisBatch1, nd4jMillisBatch1, nd4jMillisBatch1 / executorMillisBatch1);
        out.printf(Locale.ROOT, "  %-34s %8.3f ms  ND4J FP32 %8.3f ms  (ratio %.2f)%n", "latency batch 64: executor",
                executorMillisBatch64, nd4jMillisBatch64, nd4jMillisBatch64 / executorMillisBatch64);
        if (!layers.isEmpty()) {
            out.printf(Locale.ROOT, "  int8 codes differing from fake-quant, first %d images:%n",
                    Math.min(LAYER_EXAMPLES, examples));
            for (LayerAgreement l : layers) {
                out.printf(Locale.ROOT, "    %-32s %8.3f%%  (max %d)%n", l.layer(), 100 * l.differingShare(), l.maxDifference());
            }
        }
    }
}
