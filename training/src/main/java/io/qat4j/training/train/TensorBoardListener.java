package io.qat4j.training.train;

import io.qat4j.training.eval.TaskMetrics;
import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.quant.layers.OutputQuantizers;
import io.qat4j.quant.layers.QuantizedLayer;
import io.qat4j.quant.layers.QuantParams;
import io.qat4j.quant.math.RangeObserver;
import io.qat4j.training.tensorboard.TensorBoardWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Logs a run to TensorBoard: loss and learning rate every {@code logEvery} steps; for every
 * output quantizer its observed range, scale and fraction of clamped values; for every quantized
 * layer with weights the largest scale of its quantized (batch-norm folded) weights; histograms of weights and activations every {@code histogramsEvery}
 * steps; test and validation accuracy per epoch.
 *
 * <p>Tags: {@code train/loss}, {@code train/learning_rate}, {@code quant/<vertex>/{min,max,scale,
 * clipped_fraction}}, {@code quant/<vertex>/weight_scale_max}, {@code weights/<vertex>},
 * {@code activations/<vertex>}, {@code eval/test_accuracy}, {@code eval/validation_accuracy}.
 */
public final class TensorBoardListener implements RunListener {

    private final TensorBoardWriter writer;
    private final int logEvery;
    private final int histogramsEvery;

    /**
     * @param logDir TensorBoard log folder
     * @param logEvery scalar logging interval in steps
     * @param histogramsEvery histogram logging interval in steps
     * @throws IOException when the event file cannot be created
     */
    public TensorBoardListener(Path logDir, int logEvery, int histogramsEvery) throws IOException {
        this.writer = TensorBoardWriter.open(logDir);
        this.logEvery = Math.max(1, logEvery);
        this.histogramsEvery = Math.max(1, histogramsEvery);
    }

    /** @return the event file */
    public Path file() {
        return writer.file();
    }

    @Override
    public void onStep(Step s, ComputationGraph net, MultiDataSet batch) {
        long step = s.step();
        if (step % logEvery == 0 || step == 1) {
            writer.scalar("train/loss", s.loss(), step);
            writer.scalar("train/learning_rate", s.learningRate(), step);
            writer.scalar("train/examples_per_second", s.examples() / Math.max(1e-9, s.seconds()), step);
            for (GraphVertex v : net.getVertices()) {
                logQuantizer(v, step);
            }
        }
        if (step % histogramsEvery == 0 || step == 1) {
            for (GraphVertex v : net.getVertices()) {
                if (v.hasLayer() && v.getLayer().paramTable().containsKey(QuantParams.WEIGHT)) {
                    writer.histogram("weights/" + v.getVertexName(), floats(v.getLayer().getParam(QuantParams.WEIGHT)), step);
                }
            }
            Map<String, INDArray> acts = net.feedForward(batch.getFeatures(), false);
            List<String> inputs = net.getConfiguration().getNetworkInputs();
            for (Map.Entry<String, INDArray> e : acts.entrySet()) {
                if (!inputs.contains(e.getKey())) {
                    writer.histogram("activations/" + e.getKey(), floats(e.getValue()), step);
                }
            }
        }
    }

    private void logQuantizer(GraphVertex v, long step) {
        String tag = "quant/" + v.getVertexName() + "/";
        OutputQuantizers.state(v).filter(RangeObserver::initialized).ifPresent(state -> {
            writer.scalar(tag + "min", state.getDouble(RangeObserver.MIN), step);
            writer.scalar(tag + "max", state.getDouble(RangeObserver.MAX), step);
        });
        OutputQuantizers.params(v).map(AffineQuantParams::scale).ifPresent(scale -> writer.scalar(tag + "scale", scale, step));
        double clipped = OutputQuantizers.clippedFraction(v);
        if (!Double.isNaN(clipped)) {
            writer.scalar(tag + "clipped_fraction", clipped, step);
        }
        QuantizedLayer.of(v).flatMap(q -> q.exportableWeights(v)).ifPresent(w ->
                writer.scalar(tag + "weight_scale_max", Arrays.stream(w.scales()).max().orElse(Double.NaN), step));
    }

    @Override
    public void onEpoch(EpochSummary e, ComputationGraph net) {
        scalars("test", e.test(), e.step());
        scalars("validation", e.validation(), e.step());
        writer.scalar("train/epoch_mean_loss", e.meanLoss(), e.step());
        writer.flush();
    }

    /** Writes {@code eval/<split>_<name>} for every score of the task, e.g. {@code eval/test_accuracy}. */
    private void scalars(String split, TaskMetrics m, long step) {
        if (m != null) {
            m.named().forEach((name, value) -> writer.scalar("eval/" + split + "_" + name, value, step));
        }
    }

    private static float[] floats(INDArray a) {
        return a.castTo(DataType.FLOAT).dup().data().asFloat();
    }

    @Override
    public void close() {
        try {
            writer.close();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
