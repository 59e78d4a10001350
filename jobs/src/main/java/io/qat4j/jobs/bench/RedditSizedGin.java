package io.qat4j.jobs.bench;

import io.qat4j.graph.GraphInputs;
import io.qat4j.graph.data.Graph;
import io.qat4j.graph.data.GraphBatch;
import io.qat4j.graph.layers.DegreeQuantMask;
import io.qat4j.graph.layers.GinVertex;
import io.qat4j.graph.layers.GnnQuantSettings;
import io.qat4j.graph.layers.GnnVertex;
import io.qat4j.graph.layers.GraphPoolVertex;
import io.qat4j.quant.layers.QuantDenseLayer;
import io.qat4j.quant.layers.QuantLayerSettings;
import io.qat4j.quant.layers.QuantOutputLayer;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.training.config.ExperimentConfigLoader;
import io.qat4j.training.config.QuantizationConfig;
import io.qat4j.training.family.gnn.GnnFamily;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The GIN of Degree-Quant's REDDIT-BINARY experiment (Tailor et al., ICLR 2021; camlsys/degree-quant
 * {@code reddit_binary/gin.py}): 5 GIN layers of hidden width 64, mean pooling, a dense ReLU layer
 * of 64 and a softmax read-out over 2 classes, Adam with learning rate 0.005 and weight decay
 * 2e-4 as in the INT8 runs; and a minibatch of 128 random graphs of REDDIT-BINARY's size (429.6
 * nodes and 497.8 undirected edges per graph on average, TU dataset statistics), each 430 nodes
 * and 500 distinct undirected edges (1000 directed), no self-loops, seeded; one node feature, the
 * in-degree standardised over the batch (camlsys's {@code NormalizedDegree}, since REDDIT-BINARY's
 * maximum degree is above 1000). The network is built in three modes from a {@code quantization}
 * section, so its quantizers are the ones a config gets ({@link GnnFamily#quantSettings}): FP32,
 * plain QAT-INT8 and Degree-Quant INT8, fake quantization on from the first step. A Degree-Quant
 * step draws its protective mask ({@link DegreeQuantMask#INT8}, {@code p} in [0, 0.1]) as the
 * trainers do, once per step.
 */
public final class RedditSizedGin {

    /** Graphs per minibatch (camlsys: batch size 128). */
    public static final int GRAPHS = 128;
    /** Nodes per graph. */
    public static final int NODES = 430;
    /** Undirected edges per graph (each two directed edges). */
    public static final int EDGES = 500;
    /** GIN layers. */
    public static final int LAYERS = 5;
    /** Hidden width. */
    public static final int HIDDEN = 64;

    /** The training modes compared. */
    public enum Mode {
        /** No quantization. */
        FP32("{enabled: false}"),
        /** Plain QAT, INT8 weights and activations, STE and EMA ranges. */
        QAT_INT8("{method: qat, weights: {bits: 8}, activations: {bits: 8}, schedule: {fp32WarmupSteps: 0}}"),
        /** Degree-Quant INT8: protective mask, percentile ranges. */
        DQ_INT8("{method: degree-quant, weights: {bits: 8}, activations: {bits: 8}, schedule: {fp32WarmupSteps: 0}}");

        private final String quantization;

        Mode(String quantization) {
            this.quantization = quantization;
        }
    }

    private RedditSizedGin() {
    }

    /**
     * @param graphs graphs in the batch
     * @param seed the seed of the graphs and labels
     * @return the batch
     */
    public static GraphBatch batch(int graphs, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<int[][]> edges = new ArrayList<>();
        double sum = 0;
        double sq = 0;
        for (int g = 0; g < graphs; g++) {
            int[][] e = randomEdges(r);
            edges.add(e);
            for (int d : new GraphInputs.Edges(e[0], e[1]).inDegree(NODES)) {
                sum += d;
                sq += (double) d * d;
            }
        }
        long n = (long) graphs * NODES;
        double mean = sum / n;
        double std = Math.sqrt(Math.max(sq / n - mean * mean, 1e-12));
        List<Graph> out = new ArrayList<>();
        for (int[][] e : edges) {
            int[] degree = new GraphInputs.Edges(e[0], e[1]).inDegree(NODES);
            float[] features = new float[NODES];
            for (int i = 0; i < NODES; i++) {
                features[i] = (float) ((degree[i] - mean) / std);
            }
            out.add(Graph.forGraphClassification(NODES, 1, features, e[0], e[1], r.nextInt(2), 2));
        }
        return GraphBatch.of(out);
    }

    /** @return {@code [src, dst]}: EDGES distinct undirected edges without self-loops, both directions */
    private static int[][] randomEdges(SplittableRandom r) {
        Set<Long> seen = new HashSet<>();
        int[] src = new int[2 * EDGES];
        int[] dst = new int[2 * EDGES];
        int k = 0;
        while (k < 2 * EDGES) {
            int a = r.nextInt(NODES);
            int b = r.nextInt(NODES);
            if (a == b || !seen.add((long) Math.min(a, b) * NODES + Math.max(a, b))) {
                continue;
            }
            src[k] = a;
            dst[k++] = b;
            src[k] = b;
            dst[k++] = a;
        }
        return new int[][] {src, dst};
    }

    /**
     * @param mode the training mode
     * @param seed the parameter seed
     * @return the initialised network
     */
    public static ComputationGraph network(Mode mode, long seed) {
        QuantizationConfig q = ExperimentConfigLoader.parse("""
                name: reddit-sized-gin
                dataset: {format: planetoid, path: unused}
                model: {family: gnn, features: 1, layers: [{type: gin, units: 64}], output: {classes: 2}}
                quantization: %s
                """.formatted(mode.quantization), "RedditSizedGin " + mode).quantization();
        QuantSchedule schedule = q.enabled() ? QuantSchedule.ALWAYS : QuantSchedule.NEVER;
        GnnQuantSettings graphQuant = GnnFamily.quantSettings(q, schedule);
        NeuralNetConfiguration.Builder global = new NeuralNetConfiguration.Builder().seed(seed)
                .dataType(DataType.FLOAT).updater(new Adam(0.005)).l2(2e-4);
        ComputationGraphConfiguration.GraphBuilder g = global.graphBuilder().addInputs(GraphInputs.ORDER);
        String last = GraphInputs.NODES;
        long width = 1;
        for (int i = 0; i < LAYERS; i++) {
            g.addVertex("gin" + i, new GinVertex.Builder().nIn(width).nOut(HIDDEN).quant(graphQuant).build(), last,
                    GraphInputs.EDGES, GraphInputs.PROTECT);
            last = "gin" + i;
            width = HIDDEN;
        }
        g.addVertex("pool", new GraphPoolVertex.Builder().nIn(HIDDEN).pooling(GraphPoolVertex.Pooling.MEAN).build(),
                last, GraphInputs.GRAPH);
        g.addLayer("dense", new QuantDenseLayer.Builder().nIn(HIDDEN).nOut(HIDDEN).activation(Activation.RELU)
                .quant(QuantLayerSettings.of(q.weightSpec(q.weights().bits()), q.activationSpec(), false, schedule))
                .build(), "pool");
        g.addLayer("output", new QuantOutputLayer.Builder().nIn(HIDDEN).nOut(2).activation(Activation.SOFTMAX)
                .lossFunction(LossFunctions.LossFunction.MCXENT)
                .quant(QuantLayerSettings.of(q.weightSpec(q.weights().bits()), null, false, schedule)).build(), "dense");
        g.setOutputs("output").setInputTypes(GraphInputs.inputTypes(1));
        ComputationGraph net = new ComputationGraph(GnnVertex.inheritGlobalConfig(global, g).build());
        net.init();
        return net;
    }

    /**
     * @param batch the graphs
     * @return the network's inputs, no node protected, and labels
     */
    public static MultiDataSet data(GraphBatch batch) {
        return new MultiDataSet(new INDArray[] {batch.nodesArray(), batch.edgesArray(), batch.graphArray(),
            DegreeQuantMask.none(batch.nodeCount())}, new INDArray[] {batch.labelsArray()});
    }

    /**
     * Draws the protective mask of one training step into the minibatch, as the trainers do for
     * Degree-Quant (all zeros for the other modes).
     *
     * @param data the minibatch of {@link #data}
     * @param batch its graphs
     * @param mode the training mode
     * @param stepSeed the seed of this step's mask
     */
    public static void drawMask(MultiDataSet data, GraphBatch batch, Mode mode, long stepSeed) {
        if (mode == Mode.DQ_INT8) {
            data.setFeatures(GraphInputs.ORDER.indexOf(GraphInputs.PROTECT),
                    DegreeQuantMask.INT8.draw(batch.inDegreeCdf(), stepSeed));
        }
    }
}
