package io.qat4j.training.eval;

import io.qat4j.quant.layers.InputScales;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * Predictions of a model over an {@link EvaluationSet}, in inference mode (batch-norm running
 * statistics, observers not updated; fake quantization as the network's schedule says). The model
 * is any function from a batch to its output rows, so a DL4J network (fed every input of the
 * batch, in the set's input order, which must be the network's) and the int8 executor are scored
 * by the same code.
 */
public final class Evaluator {

    /** Batch size of evaluation passes. */
    public static final int BATCH_SIZE = 500;

    private Evaluator() {
    }

    /**
     * @param net a network with one output, whose inputs are the set's {@link EvaluationSet#inputNames()}
     * @param set labelled examples
     * @return the network's predictions of the scored examples
     * @throws IllegalArgumentException when the network's inputs are not the set's
     */
    public static Predictions predict(ComputationGraph net, EvaluationSet set) {
        return predict(checked(net, set), d -> output(net, d));
    }

    /** @return the set, after checking that the network's inputs are its inputs */
    private static EvaluationSet checked(ComputationGraph net, EvaluationSet set) {
        List<String> inputs = net.getConfiguration().getNetworkInputs();
        if (!inputs.equals(set.inputNames())) {
            throw new IllegalArgumentException("the network takes inputs " + inputs + ", the evaluation set gives "
                    + set.inputNames());
        }
        return set;
    }

    /**
     * @param net a network with one output
     * @param batch its inputs (features arrays in the network's input order, their masks)
     * @return the network's output for the batch, in inference mode
     * @throws IllegalArgumentException when the network has more than one output
     */
    public static INDArray output(ComputationGraph net, MultiDataSet batch) {
        if (net.getNumOutputArrays() != 1) {
            throw new IllegalArgumentException("the network has " + net.getNumOutputArrays()
                    + " outputs; scores are of networks with one");
        }
        InputScales.bind(net);
        return net.output(false, batch.getFeatures(), batch.getFeaturesMaskArrays(), null)[0];
    }

    /**
     * @param net a network with one output layer, whose inputs are the set's
     * @param set labelled examples
     * @return its scores on the set, with its mean loss: the output layer's loss function (e.g.
     *     cross-entropy, MSE) over the examples the labels masks select, without regularization,
     *     computed from the same forward pass as the predictions
     * @throws IllegalArgumentException when the network's inputs are not the set's or its output
     *     is not a DL4J output or loss layer
     */
    public static TaskMetrics evaluate(ComputationGraph net, EvaluationSet set) {
        MeanLoss loss = new MeanLoss(lossFunction(net));
        Predictions p = predict(checked(net, set), d -> {
            INDArray out = output(net, d);
            loss.add(d, out);
            return out;
        });
        return TaskMetrics.of(p, set.truth()).withLoss(loss.mean());
    }

    private static ILossFunction lossFunction(ComputationGraph net) {
        Layer out = net.getOutputLayer(0);
        Object conf = out.conf().getLayer();
        if (conf instanceof BaseOutputLayer o) {
            return o.getLossFn();
        }
        if (conf instanceof LossLayer l) {
            return l.getLossFn();
        }
        throw new IllegalArgumentException("the network's output " + out.conf().getLayer().getLayerName()
                + " is a " + conf.getClass().getSimpleName() + ", not an output or loss layer with a loss function");
    }

    /**
     * The sum and count of per-example losses over batches. DL4J's losses apply the output
     * activation to the pre-activations and then the loss; the network's output is already
     * activated, so the loss is taken with the identity activation on it (the same value, with one
     * difference: DL4J clips softmax outputs below 1e-10 before the log, so a probability that
     * underflowed to 0 scores infinity here, which model selection never picks).
     */
    private static final class MeanLoss {
        private final ILossFunction fn;
        private double sum;
        private long count;

        MeanLoss(ILossFunction fn) {
            this.fn = fn;
        }

        void add(MultiDataSet d, INDArray out) {
            INDArray labels = d.getLabels(0).castTo(out.dataType());
            INDArray labelsMask = d.getLabelsMaskArray(0);
            INDArray mask = labelsMask == null ? null : labelsMask.castTo(out.dataType());
            INDArray perExample = fn.computeScoreArray(labels.reshape(out.shape()), out.dup(), new ActivationIdentity(),
                    mask);
            sum += perExample.castTo(DataType.DOUBLE).sumNumber().doubleValue();
            count += mask == null ? out.size(0) : mask.neq(0).castTo(DataType.DOUBLE).sumNumber().longValue();
        }

        double mean() {
            return count == 0 ? Double.NaN : sum / count;
        }
    }

    /**
     * @param set labelled examples
     * @param model the outputs {@code [rows, outputs]} of a model for a batch
     * @return the predictions of the rows the batches' label masks select (all rows without a mask)
     */
    public static Predictions predict(EvaluationSet set, Function<MultiDataSet, INDArray> model) {
        List<int[]> classes = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        int outputs = 1;
        for (MultiDataSet d : set.batches(BATCH_SIZE)) {
            INDArray out = model.apply(d);
            double[][] rows = out.castTo(DataType.DOUBLE).reshape(out.size(0), -1).toDoubleMatrix();
            INDArray labelsMask = d.getLabelsMaskArray(0);
            double[] mask = labelsMask == null ? null : labelsMask.castTo(DataType.DOUBLE).reshape(-1).toDoubleVector();
            outputs = rows.length == 0 ? outputs : rows[0].length;
            for (int r = 0; r < rows.length; r++) {
                if (mask != null && mask[r] == 0) {
                    continue;
                }
                double[] row = rows[r];
                if (set.kind() == TaskKind.CLASSIFICATION) {
                    classes.add(new int[] {argMax(row)});
                } else {
                    values.add(row);
                }
            }
        }
        if (set.kind() == TaskKind.CLASSIFICATION) {
            return Predictions.ofClasses(classes.stream().mapToInt(c -> c[0]).toArray());
        }
        double[] flat = new double[values.size() * outputs];
        for (int i = 0; i < values.size(); i++) {
            System.arraycopy(values.get(i), 0, flat, i * outputs, outputs);
        }
        return Predictions.ofValues(outputs, flat);
    }

    /**
     * @param row output values
     * @return the index of the first maximum
     */
    public static int argMax(double[] row) {
        int best = 0;
        for (int k = 1; k < row.length; k++) {
            if (row[k] > row[best]) {
                best = k;
            }
        }
        return best;
    }
}
