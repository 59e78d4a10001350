package io.qat4j.graph.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The message-passing primitives against dense references (the one place a dense {@code N x N}
 * matrix is allowed: small test graphs) and their adjointness, {@code <gather(x), m> =
 * <x, scatter(m)>}, in FLOAT and DOUBLE.
 */
class MessagePassingTest {

    private static final int N = 9;
    private static final int F = 5;

    private static int[] randomIndex(SplittableRandom r, int len, int bound) {
        int[] idx = new int[len];
        for (int i = 0; i < len; i++) {
            idx[i] = r.nextInt(bound);
        }
        return idx;
    }

    /** One-hot rows {@code [len, bound]}: row e has a 1 in column idx[e]. */
    private static INDArray selector(int[] idx, int bound, DataType dt) {
        INDArray s = Nd4j.zeros(dt, idx.length, bound);
        for (int e = 0; e < idx.length; e++) {
            s.putScalar(e, idx[e], 1);
        }
        return s;
    }

    private static void assertClose(INDArray expected, INDArray actual, double tol) {
        assertEquals(expected.dataType(), actual.dataType());
        assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()));
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertEquals(0, diff, tol, "max difference");
    }

    @Test
    void primitivesMatchTheirDenseReferences() {
        SplittableRandom r = new SplittableRandom(11);
        for (DataType dt : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            // float32: each output sums at most E = 20 products of values below 4 in magnitude:
            // error below 20 * 2^-24 * 20 * 4, under 1e-4
            double tol = dt == DataType.FLOAT ? 1e-4 : 1e-12;
            INDArray x = Nd4j.rand(dt, N, F).subi(0.5).muli(4);
            int e = 20;
            int[] from = randomIndex(r, e, N);
            int[] to = randomIndex(r, e, N);
            INDArray gathered = MessagePassing.gatherRows(x, from);
            assertClose(selector(from, N, dt).mmul(x), gathered, 0);
            assertClose(Nd4j.pullRows(x, 1, from), gathered, 0);

            INDArray m = Nd4j.rand(dt, e, F).subi(0.5);
            assertClose(selector(to, N, dt).transpose().mmul(m), MessagePassing.scatterAddRows(m, to, N), tol);

            double[] w = new double[e];
            INDArray dense = Nd4j.zeros(dt, N, N);
            for (int k = 0; k < e; k++) {
                w[k] = r.nextDouble(-1, 1);
                dense.putScalar(to[k], from[k], dense.getDouble(to[k], from[k]) + (dt == DataType.FLOAT ? (float) w[k] : w[k]));
            }
            assertClose(dense.mmul(x), MessagePassing.gatherScatterAdd(x, from, to, w, N), tol);
            assertClose(selector(to, N, dt).transpose().mmul(selector(from, N, dt)).mmul(x),
                    MessagePassing.gatherScatterAdd(x, from, to, null, N), tol);

            // adjoints: <gather(x), m> = <x, scatter(m)>; <A x, y> = <x, A^T y>
            double lhs = gathered.mul(m).sumNumber().doubleValue();
            double rhs = x.mul(MessagePassing.scatterAddRows(m, from, N)).sumNumber().doubleValue();
            assertEquals(lhs, rhs, tol * 10);
            INDArray y = Nd4j.rand(dt, N, F);
            assertEquals(MessagePassing.gatherScatterAdd(x, from, to, w, N).mul(y).sumNumber().doubleValue(),
                    x.mul(MessagePassing.gatherScatterAdd(y, to, from, w, N)).sumNumber().doubleValue(), tol * 10);
        }
    }

    @Test
    void emptyEdgeListsGiveEmptyMessagesAndZeroAggregates() {
        INDArray x = Nd4j.rand(DataType.FLOAT, N, F);
        assertEquals(0, MessagePassing.gatherRows(x, new int[0]).size(0));
        assertEquals(0.0, MessagePassing.scatterAddRows(Nd4j.create(DataType.FLOAT, 0, F), new int[0], N)
                .amaxNumber().doubleValue());
        assertEquals(0.0, MessagePassing.gatherScatterAdd(x, new int[0], new int[0], null, N).amaxNumber().doubleValue());
    }
}
