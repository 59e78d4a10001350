package io.qat4j.training.data.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.graph.data.Graph;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code dataset.nodeFeatures}: the degree transforms of the graph-level formats. */
class NodeFeatureModeTest {

    /** A path 0-1-2 (in-degrees 1, 2, 1) and a single edge 0-1 (1, 1): degrees 1, 2, 1, 1, 1. */
    private static List<Graph> graphs() {
        return List.of(
                Graph.forGraphClassification(3, 2, new float[6], new int[] {0, 1, 1, 2}, new int[] {1, 0, 2, 1}, 0, 2),
                Graph.forGraphClassification(2, 2, new float[4], new int[] {0, 1}, new int[] {1, 0}, 1, 2));
    }

    /**
     * Degrees 1, 2, 1, 1, 1: mean 1.2, sample variance (4 x 0.04 + 0.64) / 4 = 0.2 (torch's
     * {@code std}, divided by n - 1), so degree 1 becomes -0.2 / sqrt(0.2) and degree 2 0.8 / sqrt(0.2).
     */
    @Test
    void degreeNormalizedIsTheStandardisedInDegree() {
        List<Graph> out = NodeFeatureMode.DEGREE_NORMALIZED.apply(graphs(), 0);
        double std = Math.sqrt(0.2);
        assertEquals(1, out.get(0).featureCount());
        assertEquals(-0.2 / std, out.get(0).feature(0, 0), 1e-6);
        assertEquals(0.8 / std, out.get(0).feature(1, 0), 1e-6);
        assertEquals(-0.2 / std, out.get(1).feature(1, 0), 1e-6);
        assertEquals(1, out.get(1).label(), "labels and edges are kept");
        assertEquals(2, out.get(1).edgeCount());
        Graph flat = graphs().get(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NodeFeatureMode.DEGREE_NORMALIZED.apply(List.of(flat), 0));
        assertTrue(e.getMessage().contains("every node of the dataset has in-degree 1"), e.getMessage());
    }

    @Test
    void degreeOneHotEncodesUpToMaxDegree() {
        List<Graph> out = NodeFeatureMode.DEGREE_ONE_HOT.apply(graphs(), 3);
        assertEquals(4, out.get(0).featureCount());
        float[] x = out.get(0).features();
        assertEquals(List.of(0f, 1f, 0f, 0f, 0f, 0f, 1f, 0f, 0f, 1f, 0f, 0f),
                java.util.stream.IntStream.range(0, x.length).mapToObj(i -> x[i]).toList());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NodeFeatureMode.DEGREE_ONE_HOT.apply(graphs(), 1));
        assertTrue(e.getMessage().contains("dataset.maxDegree: node 1 of graph 0 has in-degree 2, above maxDegree 1"),
                e.getMessage());
        List<Graph> same = graphs();
        assertSame(same, NodeFeatureMode.AS_LOADED.apply(same, 0));
    }
}
