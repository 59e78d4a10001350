package io.qat4j.training.train;

import io.qat4j.training.data.ImageDataSetIterator;
import io.qat4j.training.data.ImageDataset;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Top-1 accuracy and predictions of a network over a labelled image dataset, in inference mode
 * (batch-norm running statistics, frozen observers; fake quantization as scheduled).
 */
public final class Evaluation {

    private Evaluation() {
    }

    /**
     * @param net the network
     * @param data the dataset
     * @param batchSize inference batch size
     * @return the predicted class of every example, in dataset order
     */
    public static int[] predict(ComputationGraph net, ImageDataset data, int batchSize) {
        int[] out = new int[data.count()];
        ImageDataSetIterator it = new ImageDataSetIterator(data, batchSize);
        int i = 0;
        while (it.hasNext()) {
            DataSet d = it.next();
            INDArray p = net.outputSingle(false, d.getFeatures()).argMax(1);
            for (int r = 0; r < p.length(); r++) {
                out[i++] = p.getInt(r);
            }
        }
        return out;
    }

    /**
     * @param predictions predicted classes
     * @param data the labelled dataset
     * @return share of correct predictions
     */
    public static double accuracy(int[] predictions, ImageDataset data) {
        int correct = 0;
        for (int i = 0; i < predictions.length; i++) {
            if (predictions[i] == data.label(i)) {
                correct++;
            }
        }
        return predictions.length == 0 ? Double.NaN : (double) correct / predictions.length;
    }

    /**
     * @param net the network
     * @param data the dataset
     * @return top-1 accuracy
     */
    public static double accuracy(ComputationGraph net, ImageDataset data) {
        return accuracy(predict(net, data, 500), data);
    }
}
