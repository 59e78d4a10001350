package io.qat4j.jobs.bench;

import io.qat4j.graph.GraphInputs;
import io.qat4j.graph.data.Graph;
import io.qat4j.graph.data.GraphBatch;
import io.qat4j.graph.layers.DegreeQuantMask;
import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.ExperimentConfigLoader;
import io.qat4j.training.model.NetworkBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

/**
 * The workload of the GIN benchmarks: the network of a shipped experiment config (by default
 * {@value #CONFIG}, Degree-Quant's REDDIT-BINARY GIN, Tailor et al., ICLR 2021: 5 GIN layers of 64,
 * mean pooling, a dense layer of 64 and the read-out, built by {@link NetworkBuilder} as a run
 * builds it) and random minibatches of REDDIT-BINARY-sized graphs (429.6 nodes and 497.8
 * undirected edges per graph on average, TU dataset statistics) with the config's one node
 * feature, the in-degree standardised over the batch ({@code nodeFeatures: degree-normalized},
 * camlsys's {@code NormalizedDegree}). The config's {@code quantization} section is replaced per
 * {@link Mode}, so FP32, plain QAT-INT8 and Degree-Quant INT8 are the same network; a Degree-Quant
 * step draws its protective mask ({@link DegreeQuantMask#INT8}, {@code p} in [0, 0.1]) as the
 * trainers do, once per step, with the config's probabilities.
 */
public final class RedditSizedGin {

    /** REDDIT-BINARY's mean nodes per graph, rounded. */
    public static final int NODES = 430;
    /** REDDIT-BINARY's mean directed edges per graph, rounded (twice the undirected ones). */
    public static final int DIRECTED_EDGES = 1000;

    /** The default config, relative to the project root. */
    public static final String CONFIG = "configs/reddit-binary-gin-dq-int8.yaml";

    /** The training modes compared: overrides of the config's {@code quantization} section. */
    public enum Mode {
        /** No quantization. */
        FP32("quantization.enabled=false"),
        /** Plain QAT, INT8 weights and activations, STE and EMA ranges. */
        QAT_INT8("quantization.method=qat"),
        /** Degree-Quant INT8: protective mask, percentile ranges. */
        DQ_INT8("quantization.method=degree-quant");

        private final String override;

        Mode(String override) {
            this.override = override;
        }
    }

    private RedditSizedGin() {
    }

    /**
     * @param graphs graphs in the batch
     * @param nodes mean nodes per graph (each graph draws between 3/4 and 5/4 of it)
     * @param directedEdges directed edges per graph drawn (both directions of half as many
     *     undirected edges; self-loops and repeats among the draws are dropped)
     * @param seed the seed of the graphs and labels
     * @return the batch, labels drawn at random
     */
    public static GraphBatch batch(int graphs, int nodes, int directedEdges, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<int[][]> shapes = new ArrayList<>();
        double sum = 0;
        double sq = 0;
        long n = 0;
        for (int g = 0; g < graphs; g++) {
            int size = nodes * 3 / 4 + r.nextInt(nodes / 2 + 1);
            int[][] e = randomEdges(r, size, directedEdges / 2);
            shapes.add(e);
            for (int d : new GraphInputs.Edges(e[0], e[1]).inDegree(size)) {
                sum += d;
                sq += (double) d * d;
            }
            n += size;
        }
        double mean = sum / n;
        double std = Math.sqrt(Math.max(sq / n - mean * mean, 1e-12));
        List<Graph> out = new ArrayList<>();
        for (int[][] e : shapes) {
            int size = e[2][0];
            int[] degree = new GraphInputs.Edges(e[0], e[1]).inDegree(size);
            float[] features = new float[size];
            for (int i = 0; i < size; i++) {
                features[i] = (float) ((degree[i] - mean) / std);
            }
            out.add(Graph.forGraphClassification(size, 1, features, e[0], e[1], r.nextInt(2), 2));
        }
        return GraphBatch.of(out);
    }

    /** @return {@code [src, dst, {size}]}: distinct undirected edges without self-loops, both directions */
    private static int[][] randomEdges(SplittableRandom r, int size, int draws) {
        Set<Long> seen = new HashSet<>();
        List<int[]> e = new ArrayList<>();
        for (int k = 0; k < draws; k++) {
            int a = r.nextInt(size);
            int b = r.nextInt(size);
            if (a != b && seen.add((long) Math.min(a, b) * size + Math.max(a, b))) {
                e.add(new int[] {a, b});
                e.add(new int[] {b, a});
            }
        }
        return new int[][] {e.stream().mapToInt(x -> x[0]).toArray(), e.stream().mapToInt(x -> x[1]).toArray(),
            {size}};
    }

    /**
     * A network of the config in one mode, with the protective mask its steps draw.
     *
     * @param network the initialised network
     * @param mask Degree-Quant's mask when the mode trains with it (the config's {@code degreeQuant}
     *     probabilities), else empty
     */
    public record Model(ComputationGraph network, Optional<DegreeQuantMask> mask) {

        /**
         * Draws the protective mask of one training step into the minibatch, as the trainers do
         * (nothing without Degree-Quant: the minibatch keeps no node protected).
         *
         * @param data the minibatch of {@link #data}
         * @param batch its graphs
         * @param stepSeed the seed of this step's mask
         */
        public void drawMask(MultiDataSet data, GraphBatch batch, long stepSeed) {
            mask.ifPresent(m -> data.setFeatures(GraphInputs.ORDER.indexOf(GraphInputs.PROTECT),
                    m.draw(batch.inDegreeCdf(), stepSeed)));
        }
    }

    /**
     * @param config an experiment config of the gnn family with one node feature
     * @param mode the training mode
     * @param seed the parameter seed
     * @return the config's network in that mode, initialised as a run initialises it (fake
     *     quantization, if any, on from the step the config's schedule says: the first for the
     *     shipped configs)
     */
    public static Model model(Path config, Mode mode, long seed) {
        ExperimentConfig c = ExperimentConfigLoader.load(config, List.of(mode.override, "seed=" + seed));
        return new Model(new NetworkBuilder(c, 1).build(), c.quantization().degreeQuantMask());
    }

    /**
     * @param batch the graphs
     * @return the network's inputs, no node protected, and labels
     */
    public static MultiDataSet data(GraphBatch batch) {
        return new MultiDataSet(new INDArray[] {batch.nodesArray(), batch.edgesArray(), batch.graphArray(),
            DegreeQuantMask.none(batch.nodeCount())}, new INDArray[] {batch.labelsArray()});
    }
}
