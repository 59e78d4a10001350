package io.qat4j.training.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.qat4j.training.tensorboard.TfRecordReader;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.Summary;

/** The TensorBoard listener on a network of two inputs: activation histograms of its vertices, not of its inputs. */
class TensorBoardListenerTest {

    @Test
    void aNetworkOfTwoInputsGetsHistogramsOfItsVerticesNotOfItsInputs(@TempDir Path dir) throws Exception {
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                .graphBuilder().addInputs("a", "b").addVertex("merged", new MergeVertex(), "a", "b")
                .addLayer("hidden", new DenseLayer.Builder().nIn(5).nOut(4).activation(Activation.TANH).build(), "merged")
                .addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "hidden")
                .setOutputs("output").build());
        net.init();
        MultiDataSet batch = new MultiDataSet(new INDArray[] {
                Nd4j.rand(DataType.FLOAT, 6, 3), Nd4j.rand(DataType.FLOAT, 6, 2)},
                new INDArray[] {Nd4j.eye(2).getRows(0, 1, 0, 1, 0, 1).castTo(DataType.FLOAT)});
        net.fit(batch);
        Path file;
        try (TensorBoardListener l = new TensorBoardListener(dir, 1, 1)) {
            l.onStep(new RunListener.Step(1, 1, 0, 1, 1, 1, net.score(), 0.1, 6, 0.01), net, batch);
            file = l.file();
        }
        Set<String> histograms = new TreeSet<>();
        for (Event e : TfRecordReader.readEvents(file)) {
            for (Summary.Value v : e.getSummary().getValueList()) {
                if (v.hasHisto()) {
                    histograms.add(v.getTag());
                }
            }
        }
        assertEquals(Set.of("activations/merged", "activations/hidden", "activations/output", "weights/hidden",
                "weights/output"), histograms);
    }
}
