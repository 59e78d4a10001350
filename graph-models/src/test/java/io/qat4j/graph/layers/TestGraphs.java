package io.qat4j.graph.layers;

import io.qat4j.graph.GraphInputs;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Small batches of graphs for the layer tests, with their four inputs. */
public final class TestGraphs {

    private TestGraphs() {
    }

    /**
     * A batch: node features, directed edges, graph ids, and what the tests derive from them.
     *
     * @param numNodes nodes
     * @param features node features {@code [N, F]}
     * @param src edge sources
     * @param dst edge targets
     * @param graphIds graph of each node
     */
    public record Batch(int numNodes, INDArray features, int[] src, int[] dst, int[] graphIds) {

        public INDArray edges() {
            return GraphInputs.edgesArray(src, dst);
        }

        public INDArray graph() {
            return GraphInputs.column(graphIds);
        }

        public int numGraphs() {
            return graphIds[numNodes - 1] + 1;
        }

        /** @return the four inputs, protecting the given nodes */
        public INDArray[] inputs(int... protectedNodes) {
            int[] p = new int[numNodes];
            for (int i : protectedNodes) {
                p[i] = 1;
            }
            return new INDArray[] {features, edges(), graph(), GraphInputs.column(p)};
        }

        /** @return the four inputs with the given protect column */
        public INDArray[] inputs(INDArray protect) {
            return new INDArray[] {features, edges(), graph(), protect};
        }

        /**
         * @return per node the fraction of its graph's nodes whose in-degree is at most its own
         *     (Degree-Quant's CDF, computed here independently of any production code)
         */
        public double[] inDegreeCdf() {
            int[] deg = new int[numNodes];
            for (int t : dst) {
                deg[t]++;
            }
            int graphs = numGraphs();
            int maxDeg = java.util.Arrays.stream(deg).max().orElse(0);
            int[][] histogram = new int[graphs][maxDeg + 1];
            int[] size = new int[graphs];
            for (int i = 0; i < numNodes; i++) {
                histogram[graphIds[i]][deg[i]]++;
                size[graphIds[i]]++;
            }
            double[] cdf = new double[numNodes];
            for (int i = 0; i < numNodes; i++) {
                int atMost = 0;
                for (int d = 0; d <= deg[i]; d++) {
                    atMost += histogram[graphIds[i]][d];
                }
                cdf[i] = (double) atMost / size[graphIds[i]];
            }
            return cdf;
        }
    }

    /**
     * Two graphs, 8 nodes: graph 0 has a triangle 0-1-2 (both directions), node 3 with an edge
     * 3 -> 1 only (in-degree 0) and node 4 isolated; graph 1 has 5 <-> 6, 7 -> 5 and 6 -> 7.
     *
     * @param dataType feature type
     * @param numFeatures features per node
     * @param seed feature seed
     * @return the batch
     */
    static Batch small(DataType dataType, int numFeatures, long seed) {
        int[] src = {0, 1, 1, 2, 2, 0, 3, 5, 6, 7, 6};
        int[] dst = {1, 0, 2, 1, 0, 2, 1, 6, 5, 5, 7};
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.rand(dataType, 8, numFeatures).subi(0.5).muli(2);
        return new Batch(8, x, src, dst, new int[] {0, 0, 0, 0, 0, 1, 1, 1});
    }

    /**
     * Random graphs with both directions of each undirected edge.
     *
     * @param graphs number of graphs
     * @param nodesPerGraph nodes of each graph
     * @param edgesPerGraph undirected edges drawn per graph (self-loops and repeats skipped)
     * @param numFeatures features per node
     * @param seed seed
     * @return the batch (FLOAT)
     */
    public static Batch random(int graphs, int nodesPerGraph, int edgesPerGraph, int numFeatures, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        List<int[]> edges = new ArrayList<>();
        java.util.Set<Long> seen = new java.util.HashSet<>();
        int n = graphs * nodesPerGraph;
        int[] ids = new int[n];
        for (int g = 0; g < graphs; g++) {
            int base = g * nodesPerGraph;
            for (int i = 0; i < nodesPerGraph; i++) {
                ids[base + i] = g;
            }
            for (int k = 0; k < edgesPerGraph; k++) {
                int a = base + r.nextInt(nodesPerGraph);
                int b = base + r.nextInt(nodesPerGraph);
                if (a != b && seen.add((long) a * n + b)) {
                    seen.add((long) b * n + a);
                    edges.add(new int[] {a, b});
                    edges.add(new int[] {b, a});
                }
            }
        }
        int[] src = edges.stream().mapToInt(e -> e[0]).toArray();
        int[] dst = edges.stream().mapToInt(e -> e[1]).toArray();
        Nd4j.getRandom().setSeed(seed);
        return new Batch(n, Nd4j.rand(DataType.FLOAT, n, numFeatures).subi(0.5), src, dst, ids);
    }

    /**
     * @param inputs the four inputs
     * @param labels the labels
     * @param labelMask labels mask or null
     * @return a MultiDataSet of them
     */
    public static MultiDataSet dataSet(INDArray[] inputs, INDArray labels, INDArray labelMask) {
        return new MultiDataSet(inputs, new INDArray[] {labels}, null,
                labelMask == null ? null : new INDArray[] {labelMask});
    }
}
