package io.qat4j.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Reading and checking the graph inputs, with errors that name the reader, the input, the row and the value. */
class GraphInputsTest {

    @Test
    void edgesRoundTripAndDerivedArrays() {
        int[] src = {0, 1, 3, 2};
        int[] dst = {1, 0, 1, 1};
        GraphInputs.Edges e = GraphInputs.edges(GraphInputs.edgesArray(src, dst), 4, "test");
        assertArrayEquals(src, e.src());
        assertArrayEquals(dst, e.dst());
        assertArrayEquals(new int[] {1, 3, 0, 0}, e.inDegree(4));
        GraphInputs.Edges loops = e.withSelfLoops(4);
        assertArrayEquals(new int[] {0, 1, 3, 2, 0, 1, 2, 3}, loops.src());
        assertArrayEquals(new int[] {1, 0, 1, 1, 0, 1, 2, 3}, loops.dst());
        assertEquals(0, GraphInputs.edges(Nd4j.create(DataType.FLOAT, 0, 2), 4, "test").count());
    }

    @Test
    void badEdgesNameTheRowColumnAndValue() {
        IllegalArgumentException out = assertThrows(IllegalArgumentException.class,
                () -> GraphInputs.edges(Nd4j.createFromArray(new float[][] {{0, 1}, {2, 4}}), 4, "GcnVertex 'g'"));
        assertTrue(out.getMessage().contains("GcnVertex 'g'") && out.getMessage().contains("row 1, column 1")
                && out.getMessage().contains("4.0") && out.getMessage().contains("[0, 4)"), out.getMessage());
        IllegalArgumentException frac = assertThrows(IllegalArgumentException.class,
                () -> GraphInputs.edges(Nd4j.createFromArray(new float[][] {{0.5f, 1}}), 4, "v"));
        assertTrue(frac.getMessage().contains("row 0, column 0"), frac.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> GraphInputs.edges(Nd4j.create(DataType.FLOAT, 3, 3), 4, "v"));
        assertTrue(shape.getMessage().contains("[E, 2]"), shape.getMessage());
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> GraphInputs.edges(Nd4j.create(DataType.FLOAT, 1, 2), GraphInputs.MAX_NODES, "v"));
        assertTrue(big.getMessage().contains("float32"), big.getMessage());
    }

    @Test
    void graphIdsMustStartAtZeroAndRiseByAtMostOne() {
        assertArrayEquals(new int[] {0, 0, 1, 2, 2}, GraphInputs.graphIds(GraphInputs.column(new int[] {0, 0, 1, 2, 2}), 5, "p"));
        IllegalArgumentException gap = assertThrows(IllegalArgumentException.class,
                () -> GraphInputs.graphIds(GraphInputs.column(new int[] {0, 0, 2}), 3, "p"));
        assertTrue(gap.getMessage().contains("row 2") && gap.getMessage().contains("graph 2 follows graph 0"), gap.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GraphInputs.graphIds(GraphInputs.column(new int[] {1, 1}), 2, "p"));
        assertThrows(IllegalArgumentException.class, () -> GraphInputs.graphIds(GraphInputs.column(new int[] {0, 1, 0}), 3, "p"));
        IllegalArgumentException rows = assertThrows(IllegalArgumentException.class,
                () -> GraphInputs.graphIds(GraphInputs.column(new int[] {0, 0}), 3, "p"));
        assertTrue(rows.getMessage().contains("[3, 1]"), rows.getMessage());
    }

    @Test
    void protectIsZeroOrOneAndNullWhenNoneIsProtected() {
        assertNull(GraphInputs.protectedNodes(GraphInputs.column(new int[] {0, 0, 0}), 3, "v"));
        assertArrayEquals(new boolean[] {false, true, false},
                GraphInputs.protectedNodes(GraphInputs.column(new int[] {0, 1, 0}), 3, "v"));
        IllegalArgumentException two = assertThrows(IllegalArgumentException.class,
                () -> GraphInputs.protectedNodes(GraphInputs.column(new int[] {0, 2}), 2, "v"));
        assertTrue(two.getMessage().contains("row 1") && two.getMessage().contains("neither 0 nor 1"), two.getMessage());
    }

    @Test
    void inputTypesFollowTheOrder() {
        assertEquals(4, GraphInputs.ORDER.size());
        assertEquals(GraphInputs.NODES, GraphInputs.ORDER.get(0));
        assertEquals(GraphInputs.PROTECT, GraphInputs.ORDER.get(3));
        assertEquals(7, GraphInputs.inputTypes(7)[0].arrayElementsPerExample());
        assertEquals(2, GraphInputs.inputTypes(7)[1].arrayElementsPerExample());
    }
}
