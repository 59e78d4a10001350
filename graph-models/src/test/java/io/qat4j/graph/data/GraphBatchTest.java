package io.qat4j.graph.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link GraphBatch}: collation (edge offsets, graph ids, in-degrees), Degree-Quant's CDF per graph
 * (not per batch), the INDArrays of the GNN contract, labels, shards of whole graphs and the
 * {@code 2^24} node limit.
 */
class GraphBatchTest {

    /** A path 0 - 1 - 2, both directions: in-degrees 1, 2, 1. */
    private static Graph path(int label) {
        return Graph.forGraphClassification(3, 2, new float[] {1, 2, 3, 4, 5, 6}, new int[] {0, 1, 1, 2},
                new int[] {1, 0, 2, 1}, label, 2);
    }

    /** A star with centre 0 and leaves 1..3, both directions: in-degrees 3, 1, 1, 1. */
    private static Graph star(int label) {
        return Graph.forGraphClassification(4, 2, new float[] {7, 8, 9, 10, 11, 12, 13, 14},
                new int[] {0, 0, 0, 1, 2, 3}, new int[] {1, 2, 3, 0, 0, 0}, label, 2);
    }

    @Test
    void collatesFeaturesEdgesGraphIdsAndInDegrees() {
        GraphBatch b = GraphBatch.of(List.of(path(0), star(1)));
        assertEquals(2, b.graphCount());
        assertEquals(7, b.nodeCount());
        assertEquals(10, b.edgeCount());
        assertEquals(2, b.featureCount());
        assertArrayEquals(new int[] {0, 3, 7}, b.nodeOffsets());
        assertArrayEquals(new int[] {0, 1, 1, 2, 3, 3, 3, 4, 5, 6}, b.src());
        assertArrayEquals(new int[] {1, 0, 2, 1, 4, 5, 6, 3, 3, 3}, b.dst());
        assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1, 1}, b.graphIds());
        assertArrayEquals(new int[] {1, 2, 1, 3, 1, 1, 1}, b.inDegree());
    }

    @Test
    void inDegreeCdfIsPerGraphNotPerBatch() {
        GraphBatch b = GraphBatch.of(List.of(path(0), star(1)));
        // path: 2 of 3 nodes have in-degree <= 1, all 3 have <= 2; star: 3 of 4 have <= 1, all have <= 3.
        // Over the batch, node 1 (in-degree 2) would get 6/7 and the leaves 5/7 instead.
        assertArrayEquals(new double[] {2.0 / 3, 1, 2.0 / 3, 1, 0.75, 0.75, 0.75}, b.inDegreeCdf(), 0);
        double[] alone = GraphBatch.of(List.of(star(0))).inDegreeCdf();
        assertArrayEquals(alone, Arrays.copyOfRange(b.inDegreeCdf(), 3, 7), 0);
    }

    @Test
    void producesTheContractsInputArrays() {
        GraphBatch b = GraphBatch.of(List.of(path(0), star(1)));
        INDArray nodes = b.nodesArray();
        assertEquals(DataType.FLOAT, nodes.dataType());
        assertArrayEquals(new long[] {7, 2}, nodes.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}, nodes.data().asFloat(), 0);
        INDArray edges = b.edgesArray();
        assertEquals(DataType.FLOAT, edges.dataType());
        assertArrayEquals(new long[] {10, 2}, edges.shape());
        for (int e = 0; e < 10; e++) {
            assertEquals(b.src()[e], edges.getFloat(e, 0));
            assertEquals(b.dst()[e], edges.getFloat(e, 1));
        }
        INDArray graph = b.graphArray();
        assertEquals(DataType.FLOAT, graph.dataType());
        assertArrayEquals(new long[] {7, 1}, graph.shape());
        assertArrayEquals(new float[] {0, 0, 0, 1, 1, 1, 1}, graph.data().asFloat(), 0);
    }

    @Test
    void aBatchWithoutEdgesHasAnEmptyEdgeInput() {
        Graph lone = Graph.forGraphRegression(1, 1, new float[] {3}, new int[0], new int[0], new float[] {1});
        GraphBatch b = GraphBatch.of(List.of(lone, lone));
        assertArrayEquals(new long[] {0, 2}, b.edgesArray().shape());
        assertArrayEquals(new double[] {1, 1}, b.inDegreeCdf(), 0);
        assertArrayEquals(new float[] {1, 1}, b.labelsArray().data().asFloat(), 0);
    }

    @Test
    void labelsForEachTask() {
        GraphBatch classes = GraphBatch.of(List.of(path(1), star(0), path(1)));
        assertArrayEquals(new long[] {3, 2}, classes.labelsArray().shape());
        assertArrayEquals(new float[] {0, 1, 1, 0, 0, 1}, classes.labelsArray().data().asFloat(), 0);
        assertThrows(IllegalStateException.class, () -> classes.labelsMaskArray(new int[] {0}));

        Graph r1 = Graph.forGraphRegression(2, 1, new float[] {0, 1}, new int[0], new int[0], new float[] {1.5f, -2});
        Graph r2 = Graph.forGraphRegression(1, 1, new float[] {0}, new int[0], new int[0], new float[] {0.25f, 4});
        INDArray targets = GraphBatch.of(List.of(r1, r2)).labelsArray();
        assertArrayEquals(new long[] {2, 2}, targets.shape());
        assertArrayEquals(new float[] {1.5f, -2, 0.25f, 4}, targets.data().asFloat(), 0);

        Graph n1 = Graph.forNodeClassification(3, 1, new float[3], new int[] {0}, new int[] {1}, new int[] {2, 0, 1}, 3);
        Graph n2 = Graph.forNodeClassification(1, 1, new float[1], new int[0], new int[0], new int[] {1}, 3);
        GraphBatch nodes = GraphBatch.of(List.of(n1, n2));
        assertArrayEquals(new long[] {4, 3}, nodes.labelsArray().shape());
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 1, 0}, nodes.labelsArray().data().asFloat(), 0);
        INDArray mask = nodes.labelsMaskArray(new int[] {3, 1});
        assertArrayEquals(new long[] {4, 1}, mask.shape());
        assertArrayEquals(new float[] {0, 1, 0, 1}, mask.data().asFloat(), 0);
        assertThrows(IllegalArgumentException.class, () -> nodes.labelsMaskArray(new int[] {4}));
    }

    @Test
    void refusesGraphsThatDoNotMatch() {
        Graph regression = Graph.forGraphRegression(3, 2, new float[6], new int[0], new int[0], new float[] {1});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GraphBatch.of(List.of(path(0), star(0), regression)));
        assertTrue(e.getMessage().startsWith("graph 2 of the batch (GRAPH_REGRESSION, 2 features, 1 targets)"),
                e.getMessage());
        Graph threeFeatures = Graph.forGraphClassification(1, 3, new float[3], new int[0], new int[0], 0, 2);
        assertThrows(IllegalArgumentException.class, () -> GraphBatch.of(List.of(path(0), threeFeatures)));
        Graph threeClasses = Graph.forGraphClassification(1, 2, new float[2], new int[0], new int[0], 0, 3);
        assertThrows(IllegalArgumentException.class, () -> GraphBatch.of(List.of(path(0), threeClasses)));
        assertThrows(IllegalArgumentException.class, () -> GraphBatch.of(List.of()));
    }

    @Test
    void shardsHoldWholeConsecutiveGraphsDifferingByAtMostOne() {
        List<Graph> graphs = List.of(path(0), star(1), path(1), star(0), path(0));
        GraphBatch b = GraphBatch.of(graphs);
        List<GraphBatch> shards = b.shards(2);
        assertEquals(2, shards.size());
        assertEquals(3, shards.get(0).graphCount());
        assertEquals(2, shards.get(1).graphCount());
        List<Graph> again = new ArrayList<>();
        shards.forEach(s -> again.addAll(s.graphs()));
        for (int g = 0; g < graphs.size(); g++) {
            assertSame(graphs.get(g), again.get(g));
        }
        // the second shard is the batch's tail renumbered from 0
        GraphBatch tail = shards.get(1);
        int offset = b.nodeOffsets()[3];
        int edgeOffset = shards.get(0).edgeCount();
        for (int e = 0; e < tail.edgeCount(); e++) {
            assertEquals(b.src()[edgeOffset + e] - offset, tail.src()[e]);
            assertEquals(b.dst()[edgeOffset + e] - offset, tail.dst()[e]);
        }
        assertArrayEquals(Arrays.copyOfRange(b.inDegreeCdf(), offset, b.nodeCount()), tail.inDegreeCdf(), 0);
        assertEquals(List.of(1, 1, 1, 1, 1), b.shards(5).stream().map(GraphBatch::graphCount).toList());
        assertEquals(List.of(2, 1, 1, 1), b.shards(4).stream().map(GraphBatch::graphCount).toList());
        assertSame(graphs.get(0), b.shards(1).get(0).graphs().get(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.shards(6));
        assertTrue(e.getMessage().contains("5 graphs into 6 shards"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.shards(0));
    }

    @Test
    void randomBatchesKeepTheInvariants() {
        SplittableRandom random = new SplittableRandom(7);
        for (int trial = 0; trial < 50; trial++) {
            List<Graph> graphs = new ArrayList<>();
            int count = 1 + random.nextInt(6);
            for (int g = 0; g < count; g++) {
                graphs.add(randomGraph(random));
            }
            GraphBatch b = GraphBatch.of(graphs);
            int[] ids = b.graphIds();
            int[] offsets = b.nodeOffsets();
            int[] deg = b.inDegree();
            double[] cdf = b.inDegreeCdf();
            for (int i = 1; i < ids.length; i++) {
                assertTrue(ids[i] >= ids[i - 1]);
            }
            for (int e = 0; e < b.edgeCount(); e++) {
                int g = ids[b.src()[e]];
                assertEquals(g, ids[b.dst()[e]], "an edge stays inside its graph");
            }
            assertEquals(b.edgeCount(), Arrays.stream(deg).sum());
            for (int g = 0; g < count; g++) {
                int n = offsets[g + 1] - offsets[g];
                for (int i = offsets[g]; i < offsets[g + 1]; i++) {
                    long atMost = 0;
                    for (int j = offsets[g]; j < offsets[g + 1]; j++) {
                        atMost += deg[j] <= deg[i] ? 1 : 0;
                    }
                    assertEquals((double) atMost / n, cdf[i], 0, "the definition, counted directly");
                }
            }
            int k = 1 + random.nextInt(count);
            int nodes = 0;
            for (GraphBatch shard : b.shards(k)) {
                assertArrayEquals(Arrays.copyOfRange(cdf, nodes, nodes + shard.nodeCount()), shard.inDegreeCdf(), 0);
                nodes += shard.nodeCount();
            }
            assertEquals(b.nodeCount(), nodes);
        }
    }

    private static Graph randomGraph(SplittableRandom random) {
        int n = 1 + random.nextInt(12);
        int[] src = new int[3 * n];
        int[] dst = new int[3 * n];
        for (int e = 0; e < src.length; e++) {
            src[e] = random.nextInt(n);
            dst[e] = random.nextInt(n);
        }
        EdgeCleaner.EdgeList edges = new EdgeCleaner().clean(n, src, dst, src.length);
        return Graph.forGraphClassification(n, 1, new float[n], edges.src(), edges.dst(), random.nextInt(2), 2);
    }

    @Test
    void refusesBatchesOf2To24NodesOrMore() {
        int half = 1 << 23;
        Graph big = Graph.forGraphClassification(half, 1, new float[half], new int[0], new int[0], 0, 2);
        Graph bigMinusOne = Graph.forGraphClassification(half - 1, 1, new float[half - 1], new int[0], new int[0], 0, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GraphBatch.of(List.of(big, big)));
        assertEquals("a batch of 2 graphs with 16777216 nodes is too large: node indices travel as float32 in the edges"
                + " and graph inputs, exact only below 2^24 = 16777216 nodes; use smaller batches", e.getMessage());
        GraphBatch largest = GraphBatch.of(List.of(big, bigMinusOne));
        assertEquals(GraphBatch.MAX_NODES - 1, largest.nodeCount());
    }
}
