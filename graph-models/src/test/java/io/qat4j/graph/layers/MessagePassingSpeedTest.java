package io.qat4j.graph.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.segment.UnsortedSegmentSum;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The measurement behind {@link MessagePassing}'s choice of flat Java loops over ND4J's ops, on
 * REDDIT-BINARY's batch size (128 graphs: about 55,000 nodes and 128,000 directed edges; hidden
 * width 64): both implementations of gather, scatter-add and their fusion compute the same values
 * (gather exactly; sums within the float32 summation bound {@code (d - 1) 2^-24 sum |terms|} of
 * Higham, "Accuracy and Stability of Numerical Algorithms", 2002, eq. 4.4, against a DOUBLE sum),
 * and the medians of their times are printed (the figures in {@link MessagePassing}'s javadoc come
 * from here; timing is not asserted, the machine is shared).
 */
class MessagePassingSpeedTest {

    private static final int NODES = 55_000;
    private static final int EDGES = 128_000;
    private static final int WIDTH = 64;
    private static final int RUNS = 15;

    private static double medianMillis(Supplier<INDArray> op) {
        for (int i = 0; i < 3; i++) {
            op.get();
        }
        double[] t = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long start = System.nanoTime();
            op.get();
            t[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(t);
        return t[RUNS / 2];
    }

    private static INDArray nd4jScatter(INDArray rows, INDArray index) {
        return Nd4j.getExecutioner().exec(new UnsortedSegmentSum(rows, index, NODES))[0];
    }

    @Test
    void javaLoopsAndNd4jAgreeOnRedditSizedBatches() {
        SplittableRandom r = new SplittableRandom(128);
        int[] src = new int[EDGES];
        int[] dst = new int[EDGES];
        for (int e = 0; e < EDGES; e++) {
            src[e] = r.nextInt(NODES);
            dst[e] = r.nextInt(NODES);
        }
        INDArray x = Nd4j.rand(DataType.FLOAT, NODES, WIDTH).subi(0.5);
        INDArray dstIndex = Nd4j.createFromArray(dst);

        INDArray javaGather = MessagePassing.gatherRows(x, src);
        assertEquals(Nd4j.pullRows(x, 1, src), javaGather, "gather is a copy: exact");

        INDArray javaScatter = MessagePassing.scatterAddRows(javaGather, dst, NODES);
        INDArray nd4jScatter = nd4jScatter(javaGather, dstIndex);
        INDArray exact = MessagePassing.scatterAddRows(javaGather.castTo(DataType.DOUBLE), dst, NODES);
        INDArray absSum = MessagePassing.scatterAddRows(Transforms.abs(javaGather.castTo(DataType.DOUBLE)), dst, NODES);
        int maxDegree = Arrays.stream(new io.qat4j.graph.GraphInputs.Edges(src, dst).inDegree(NODES)).max().orElse(1);
        INDArray bound = absSum.muli(Math.max(1, maxDegree - 1) * Math.pow(2, -24));
        for (INDArray sum : new INDArray[] {javaScatter, nd4jScatter,
            MessagePassing.gatherScatterAdd(x, src, dst, null, NODES)}) {
            INDArray err = Transforms.abs(sum.castTo(DataType.DOUBLE).subi(exact));
            assertTrue(err.subi(bound).maxNumber().doubleValue() <= 0, "a sum outside the float32 bound");
        }

        double gJava = medianMillis(() -> MessagePassing.gatherRows(x, src));
        double gNd4j = medianMillis(() -> Nd4j.pullRows(x, 1, src));
        double sJava = medianMillis(() -> MessagePassing.scatterAddRows(javaGather, dst, NODES));
        double sNd4j = medianMillis(() -> nd4jScatter(javaGather, dstIndex));
        double fJava = medianMillis(() -> MessagePassing.gatherScatterAdd(x, src, dst, null, NODES));
        double fNd4j = medianMillis(() -> nd4jScatter(Nd4j.pullRows(x, 1, src), dstIndex));
        System.out.printf("message passing, %d nodes, %d edges, width %d (median of %d):%n"
                + "  gather        java %.1f ms, nd4j pullRows %.1f ms%n"
                + "  scatter-add   java %.1f ms, nd4j unsorted_segment_sum %.1f ms%n"
                + "  fused         java %.1f ms, nd4j both %.1f ms%n",
                NODES, EDGES, WIDTH, RUNS, gJava, gNd4j, sJava, sNd4j, fJava, fNd4j);
    }
}
