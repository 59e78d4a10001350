package io.qat4j.graph.layers;

import io.qat4j.graph.GraphInputs;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Networks of graph vertices fed the four graph inputs, for the layer tests. */
final class GnnNets {

    private GnnNets() {
    }

    /**
     * Node-level: the vertices in a chain on {@code nodes} (each also reading {@code edges} and
     * {@code protect}), then a softmax output layer per node.
     *
     * @param dataType network data type
     * @param updater the updater of every layer and vertex
     * @param numFeatures node features
     * @param classes output classes
     * @param seed parameter seed
     * @param convs the graph vertices, in order
     * @return the configuration
     */
    static ComputationGraphConfiguration nodeLevel(DataType dataType, IUpdater updater, int numFeatures, int classes,
                                                   long seed, GnnVertex... convs) {
        NeuralNetConfiguration.Builder global = new NeuralNetConfiguration.Builder().seed(seed).dataType(dataType)
                .updater(updater);
        ComputationGraphConfiguration.GraphBuilder g = global.graphBuilder().addInputs(GraphInputs.ORDER);
        String last = GraphInputs.NODES;
        long width = numFeatures;
        for (int i = 0; i < convs.length; i++) {
            String name = "conv" + i;
            g.addVertex(name, convs[i], last, GraphInputs.EDGES, GraphInputs.PROTECT);
            width = convs[i].getOutputType(-1, GraphInputs.inputTypes(width)[0], GraphInputs.inputTypes(1)[1],
                    GraphInputs.inputTypes(1)[3]).arrayElementsPerExample();
            last = name;
        }
        g.addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(width).nOut(classes)
                .activation(Activation.SOFTMAX).build(), last);
        // node-level networks do not read the graph ids: DL4J refuses an unconnected input otherwise
        g.setOutputs("out").setInputTypes(GraphInputs.inputTypes(numFeatures)).allowDisconnected(true);
        return GnnVertex.inheritGlobalConfig(global, g).build();
    }

    /**
     * Graph-level: the vertices in a chain, a pooling vertex, then a softmax output layer per graph.
     *
     * @param dataType network data type
     * @param updater the updater of every layer and vertex
     * @param numFeatures node features
     * @param classes output classes
     * @param seed parameter seed
     * @param pool the pooling vertex
     * @param convs the graph vertices, in order
     * @return the configuration
     */
    static ComputationGraphConfiguration graphLevel(DataType dataType, IUpdater updater, int numFeatures, int classes,
                                                    long seed, GraphPoolVertex pool, GnnVertex... convs) {
        NeuralNetConfiguration.Builder global = new NeuralNetConfiguration.Builder().seed(seed).dataType(dataType)
                .updater(updater);
        ComputationGraphConfiguration.GraphBuilder g = global.graphBuilder().addInputs(GraphInputs.ORDER);
        String last = GraphInputs.NODES;
        for (int i = 0; i < convs.length; i++) {
            g.addVertex("conv" + i, convs[i], last, GraphInputs.EDGES, GraphInputs.PROTECT);
            last = "conv" + i;
        }
        g.addVertex("pool", pool, last, GraphInputs.GRAPH);
        g.addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(pool.getNIn()).nOut(classes)
                .activation(Activation.SOFTMAX).build(), "pool");
        g.setOutputs("out").setInputTypes(GraphInputs.inputTypes(numFeatures)).allowDisconnected(convs.length == 0);
        return GnnVertex.inheritGlobalConfig(global, g).build();
    }

    /**
     * @param conf a configuration
     * @return the initialized network
     */
    static ComputationGraph init(ComputationGraphConfiguration conf) {
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        net.initGradientsView(); // so that vertices driven directly by a test have gradient views
        return net;
    }

    /**
     * @param net a network
     * @return the keys ({@code vertex_param}) of every state parameter of its graph vertices
     */
    static List<String> stateParams(ComputationGraph net) {
        List<String> out = new ArrayList<>();
        for (org.deeplearning4j.nn.graph.vertex.GraphVertex v : net.getVertices()) {
            if (v.getConfig() instanceof GnnVertex g) {
                for (ParamLayout.Entry e : g.paramLayout().entries()) {
                    if (e.kind() == ParamLayout.Kind.STATE) {
                        out.add(v.getVertexName() + "_" + e.key());
                    }
                }
            }
        }
        return out;
    }
}
