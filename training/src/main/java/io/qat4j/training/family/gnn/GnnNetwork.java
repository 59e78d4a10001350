package io.qat4j.training.family.gnn;

import io.qat4j.graph.GraphInputs;
import io.qat4j.graph.layers.GnnQuantSettings;
import io.qat4j.graph.layers.GraphPoolVertex;
import io.qat4j.quant.layers.QuantDenseLayer;
import io.qat4j.quant.layers.QuantLayerSettings;
import io.qat4j.quant.layers.QuantOutputLayer;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.training.config.QuantizationConfig;
import io.qat4j.training.model.NetworkBuilder;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Lays out the DL4J graph of a {@link GnnModelConfig} on the four graph inputs of
 * {@link GraphInputs} ({@code nodes}, {@code edges}, {@code graph}, {@code protect}): every
 * message-passing vertex reads the previous node states, the edges and the Degree-Quant
 * protective mask; the output {@link NetworkBuilder#OUTPUT} is a softmax cross-entropy read-out per
 * node, a {@link QuantOutputLayer} whose weights quantize like the CNN's. Kipf and Welling's
 * two-layer GCN (ICLR 2017) is {@code gcn} (hidden, ReLU), {@code gcn} (identity), read-out: the
 * last graph layer and the read-out compose to one linear map {@code A H W1 W2}, of the same
 * function class as their second layer when the graph layer is at least as wide as the classes.
 * (The read-out is a DL4J layer because {@code ComputationGraph.fit} trains only networks whose
 * layers hold parameters; graph vertices' parameters are not counted.) Node-level networks do not read {@code graph}, so the graph allows
 * a disconnected input (DL4J refuses one otherwise). Vertex names: {@code L<i>_<type>},
 * {@code output}.
 *
 * <p>Graph-level networks pool the node states of each graph with a {@link GraphPoolVertex}
 * (reading {@code graph}), then run dense layers ({@link QuantDenseLayer}, quantized as the cnn
 * family's: the run's weight and activation specs) and dropout on the graph rows; the output is
 * per graph, softmax cross-entropy over classes or identity with mean squared error for
 * regression. The pool vertex quantizes its output in the graph layers' mode.
 */
final class GnnNetwork {

    private GnnNetwork() {
    }

    /**
     * @param gb a graph with its global settings
     * @param model the model
     * @param quant the quantization of the graph layers (a layer's {@code bits} overrides the width)
     * @param q the {@code quantization} section, for the read-out's weights
     * @param schedule the run's quantization schedule
     */
    static void add(ComputationGraphConfiguration.GraphBuilder gb, GnnModelConfig model, GnnQuantSettings quant,
            QuantizationConfig q, QuantSchedule schedule) {
        gb.addInputs(GraphInputs.ORDER);
        String prev = GraphInputs.NODES;
        long width = model.features();
        for (int i = 0; i < model.layers().size(); i++) {
            GnnLayerConfig layer = model.layers().get(i);
            String name = "L" + i + "_" + layer.type().yamlName();
            if (layer instanceof GnnLayerConfig.Dropout d) {
                gb.addLayer(name, new DropoutLayer.Builder(1.0 - d.rate()).nIn(width).nOut(width).build(), prev);
            } else if (layer instanceof GnnLayerConfig.Pool p) {
                gb.addVertex(name, new GraphPoolVertex.Builder().nIn(width).pooling(p.op().pooling()).quant(quant)
                        .build(), prev, GraphInputs.GRAPH);
            } else if (layer instanceof GnnLayerConfig.Dense d) {
                gb.addLayer(name, new QuantDenseLayer.Builder().nIn(width).nOut(d.units())
                        .activation(d.activation().dl4j())
                        .quant(QuantLayerSettings.of(q.weightSpec(q.weights().bits()), q.activationSpec(), false,
                                schedule)).build(), prev);
                width = d.units();
            } else {
                GnnLayerConfig.Conv c = (GnnLayerConfig.Conv) layer;
                gb.addVertex(name, c.type().vertex(c, width, c.quant(quant)), prev, GraphInputs.EDGES, GraphInputs.PROTECT);
                width = c.outputWidth();
            }
            prev = name;
        }
        gb.addLayer(NetworkBuilder.OUTPUT, new QuantOutputLayer.Builder().nIn(width).nOut(model.outputs())
                .activation(model.regression() ? org.nd4j.linalg.activations.Activation.IDENTITY
                        : org.nd4j.linalg.activations.Activation.SOFTMAX)
                .lossFunction(model.regression() ? LossFunctions.LossFunction.MSE : LossFunctions.LossFunction.MCXENT)
                .quant(QuantLayerSettings.of(q.weightSpec(q.weights().bits()), null, false, schedule)).build(), prev);
        gb.setOutputs(NetworkBuilder.OUTPUT).setInputTypes(GraphInputs.inputTypes(model.features()))
                .allowDisconnected(true);
    }

}
