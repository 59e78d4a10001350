package io.qat4j.graph.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@link Graph}: the contract's rules on edges, features and labels, and immutability. */
class GraphTest {

    private static final float[] X3 = {1, 2, 3, 4, 5, 6};

    @Test
    void holdsWhatItWasGivenAndHandsOutCopies() {
        float[] x = X3.clone();
        int[] src = {1, 0, 2};
        int[] dst = {0, 1, 1};
        Graph g = Graph.forGraphClassification(3, 2, x, src, dst, 1, 3);
        x[0] = 99;
        src[0] = 2;
        assertEquals(3, g.nodeCount());
        assertEquals(2, g.featureCount());
        assertEquals(3, g.edgeCount());
        assertEquals(GraphTask.GRAPH_CLASSIFICATION, g.task());
        assertEquals(1, g.label());
        assertEquals(3, g.classCount());
        assertEquals(0, g.targetCount());
        assertArrayEquals(X3, g.features());
        assertArrayEquals(new int[] {1, 0, 2}, g.src());
        assertArrayEquals(new int[] {0, 1, 1}, g.dst());
        assertEquals(4f, g.feature(1, 1));
        assertEquals(2, g.src(2));
        g.features()[0] = 42;
        g.src()[0] = 2;
        assertEquals(1f, g.feature(0, 0));
        assertEquals(1, g.src(0));
        assertThrows(IndexOutOfBoundsException.class, () -> g.feature(3, 0));
        assertThrows(IllegalStateException.class, g::targets);
        assertThrows(IllegalStateException.class, g::nodeLabels);
    }

    @Test
    void regressionAndNodeLabelledGraphs() {
        Graph r = Graph.forGraphRegression(3, 2, X3, new int[0], new int[0], new float[] {-1.5f, 2f});
        assertArrayEquals(new float[] {-1.5f, 2f}, r.targets());
        assertEquals(2, r.targetCount());
        assertEquals(0, r.classCount());
        assertThrows(IllegalStateException.class, r::label);
        Graph n = Graph.forNodeClassification(3, 2, X3, new int[] {0}, new int[] {2}, new int[] {2, 0, 1}, 3);
        assertArrayEquals(new int[] {2, 0, 1}, n.nodeLabels());
        assertEquals(GraphTask.NODE_CLASSIFICATION, n.task());
    }

    @Test
    void refusesSelfLoopsDuplicatesAndIdsOutOfRange() {
        assertRefused("self-loop at node 1", () -> Graph.forGraphClassification(3, 2, X3, new int[] {0, 1},
                new int[] {1, 1}, 0, 2));
        // duplicates are found whether or not the edges are in canonical order
        assertRefused("duplicate edge 2 -> 0", () -> Graph.forGraphClassification(3, 2, X3, new int[] {2, 0, 2},
                new int[] {0, 1, 0}, 0, 2));
        assertRefused("duplicate edge 0 -> 1", () -> Graph.forGraphClassification(3, 2, X3, new int[] {0, 0},
                new int[] {1, 1}, 0, 2));
        assertRefused("outside 0..2", () -> Graph.forGraphClassification(3, 2, X3, new int[] {0}, new int[] {3}, 0, 2));
        assertRefused("outside 0..2", () -> Graph.forGraphClassification(3, 2, X3, new int[] {-1}, new int[] {0}, 0, 2));
        assertRefused("2 edge sources but 1 edge targets", () -> Graph.forGraphClassification(3, 2, X3,
                new int[] {0, 1}, new int[] {1}, 0, 2));
    }

    @Test
    void refusesEmptyGraphsBadFeaturesAndBadLabels() {
        assertRefused("at least one node", () -> Graph.forGraphClassification(0, 2, new float[0], new int[0],
                new int[0], 0, 2));
        assertRefused("5 feature values for 3 nodes x 2 features", () -> Graph.forGraphClassification(3, 2,
                new float[5], new int[0], new int[0], 0, 2));
        assertRefused("feature 1 of node 2 is NaN", () -> Graph.forGraphClassification(3, 2,
                new float[] {0, 0, 0, 0, 0, Float.NaN}, new int[0], new int[0], 0, 2));
        assertRefused("graph label 2 is not in 0..1", () -> Graph.forGraphClassification(3, 2, X3, new int[0],
                new int[0], 2, 2));
        assertRefused("label 3 of node 1", () -> Graph.forNodeClassification(3, 2, X3, new int[0], new int[0],
                new int[] {0, 3, 1}, 3));
        assertRefused("2 node labels for 3 nodes", () -> Graph.forNodeClassification(3, 2, X3, new int[0],
                new int[0], new int[] {0, 1}, 3));
        assertRefused("target 1 is Infinity", () -> Graph.forGraphRegression(3, 2, X3, new int[0], new int[0],
                new float[] {0, Float.POSITIVE_INFINITY}));
        assertRefused("at least one target", () -> Graph.forGraphRegression(3, 2, X3, new int[0], new int[0],
                new float[0]));
    }

    private static void assertRefused(String fragment, Runnable make) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make::run);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void survivesJavaSerializationAndRefusesATamperedStream() throws Exception {
        Graph g = Graph.forNodeClassification(3, 2, X3, new int[] {0, 2}, new int[] {2, 1}, new int[] {2, 0, 1}, 3);
        byte[] bytes = serialize(g);
        Graph back = (Graph) new ObjectInputStream(new ByteArrayInputStream(bytes)).readObject();
        assertArrayEquals(g.features(), back.features());
        assertArrayEquals(g.src(), back.src());
        assertArrayEquals(g.dst(), back.dst());
        assertArrayEquals(g.nodeLabels(), back.nodeLabels());
        assertEquals(3, back.classCount());

        // turn edge 2 -> 1 into the self-loop 1 -> 1 in the stream: src {0, 2} is stored as its length
        // 2 and its elements, big-endian, and no other array of the graph holds these 12 bytes
        byte[] src = {0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 2};
        int at = indexOf(bytes, src);
        assertTrue(at > 0 && indexOf(Arrays.copyOfRange(bytes, at + 1, bytes.length), src) < 0);
        bytes[at + 11] = 1;
        InvalidObjectException e = assertThrows(InvalidObjectException.class,
                () -> new ObjectInputStream(new ByteArrayInputStream(bytes)).readObject());
        assertTrue(e.getMessage().contains("self-loop at node 1"), e.getMessage());
    }

    private static byte[] serialize(Object o) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ObjectOutputStream s = new ObjectOutputStream(out)) {
            s.writeObject(o);
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }
}
