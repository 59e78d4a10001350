package io.qat4j.training.family.gnn;

import io.qat4j.graph.GraphInputs;
import io.qat4j.graph.layers.GatVertex;
import io.qat4j.graph.layers.GcnVertex;
import io.qat4j.graph.layers.GinVertex;
import io.qat4j.graph.layers.GnnQuantSettings;
import io.qat4j.graph.layers.GnnVertex;
import io.qat4j.training.family.cnn.Activation;
import io.qat4j.training.model.NetworkBuilder;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Lays out the DL4J graph of a {@link GnnModelConfig} on the four graph inputs of
 * {@link GraphInputs} ({@code nodes}, {@code edges}, {@code graph}, {@code protect}): every
 * message-passing vertex reads the previous node states, the edges and the Degree-Quant
 * protective mask; the output is a graph layer of one unit per class followed by a softmax
 * cross-entropy {@link LossLayer} named {@link NetworkBuilder#OUTPUT}, as Kipf and Welling's
 * two-layer GCN (ICLR 2017). Node-level networks do not read {@code graph}, so the graph allows
 * a disconnected input (DL4J refuses one otherwise). Vertex names: {@code L<i>_<type>},
 * {@code output_<type>}.
 */
final class GnnNetwork {

    private GnnNetwork() {
    }

    /**
     * @param gb a graph with its global settings
     * @param model the model
     * @param quant the quantization of every graph layer
     */
    static void add(ComputationGraphConfiguration.GraphBuilder gb, GnnModelConfig model, GnnQuantSettings quant) {
        gb.addInputs(GraphInputs.ORDER);
        String prev = GraphInputs.NODES;
        long width = model.features();
        for (int i = 0; i < model.layers().size(); i++) {
            GnnLayerConfig layer = model.layers().get(i);
            String name = "L" + i + "_" + layer.type().yamlName();
            if (layer instanceof GnnLayerConfig.Dropout d) {
                gb.addLayer(name, new DropoutLayer.Builder(1.0 - d.rate()).nIn(width).nOut(width).build(), prev);
            } else {
                GnnLayerConfig.Conv c = (GnnLayerConfig.Conv) layer;
                gb.addVertex(name, vertex(c, width, quant), prev, GraphInputs.EDGES, GraphInputs.PROTECT);
                width = c.outputWidth();
            }
            prev = name;
        }
        GnnLayerConfig.Conv out = new GnnLayerConfig.Conv(model.outputType(), model.classes(), Activation.IDENTITY,
                1, false);
        String outName = NetworkBuilder.OUTPUT + "_" + model.outputType().yamlName();
        gb.addVertex(outName, vertex(out, width, quant), prev, GraphInputs.EDGES, GraphInputs.PROTECT);
        gb.addLayer(NetworkBuilder.OUTPUT, new LossLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build(), outName);
        gb.setOutputs(NetworkBuilder.OUTPUT).setInputTypes(GraphInputs.inputTypes(model.features()))
                .allowDisconnected(true);
    }

    private static GnnVertex vertex(GnnLayerConfig.Conv c, long nIn, GnnQuantSettings quant) {
        org.nd4j.linalg.activations.Activation a = activation(c.activation());
        return switch (c.type()) {
            case GCN -> new GcnVertex.Builder().nIn(nIn).nOut(c.units()).activation(a).quant(quant).build();
            case GIN -> new GinVertex.Builder().nIn(nIn).nOut(c.units()).quant(quant).build();
            case GAT -> new GatVertex.Builder().nIn(nIn).heads(c.heads(), c.units(), c.concat()).activation(a)
                    .quant(quant).build();
            case DROPOUT -> throw new IllegalArgumentException("dropout is not a graph vertex");
        };
    }

    private static org.nd4j.linalg.activations.Activation activation(Activation a) {
        return switch (a) {
            case IDENTITY -> org.nd4j.linalg.activations.Activation.IDENTITY;
            case RELU -> org.nd4j.linalg.activations.Activation.RELU;
            case RELU6 -> org.nd4j.linalg.activations.Activation.RELU6;
        };
    }
}
