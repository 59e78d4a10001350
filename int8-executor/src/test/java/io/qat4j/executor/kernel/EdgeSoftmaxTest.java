package io.qat4j.executor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.prep.GraphOpParams;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link EdgeSoftmax}: bit-exact against a reference written from the formulas with BigInteger
 * and BigDecimal (floor divisions, power-of-two scalings and the rounded normalisation), at the
 * boundaries (equal logits, one edge, INT32 extremes that hit I-BERT's clamp, negative input
 * shifts) and on seeded random graphs; and accurate against the real softmax within a bound
 * derived from the parameters (see {@link #softmaxIsWithinTheDerivedBound()}).
 */
class EdgeSoftmaxTest {

    static final BigInteger TWO = BigInteger.TWO;

    /** The exponential from its definition, with BigInteger arithmetic. */
    static long referenceExp(EdgeSoftmaxParams p, long delta) {
        BigInteger d = BigInteger.valueOf(delta);
        BigInteger u = p.inputShift() >= 0 ? d.multiply(TWO.pow(p.inputShift())) : floorDiv(d, TWO.pow(-p.inputShift()));
        BigInteger x0 = BigInteger.valueOf(p.x0());
        u = u.max(x0.multiply(BigInteger.valueOf(30)));
        BigInteger q = floorDiv(u, x0);
        BigInteger r = u.subtract(x0.multiply(q));
        assertTrue(r.compareTo(x0) > 0 && r.signum() <= 0, "remainder in (x0, 0]");
        BigInteger z = r.add(BigInteger.valueOf(p.b())).multiply(r).add(BigInteger.valueOf(p.c()));
        int qi = q.intValueExact();
        return floorDiv(z.multiply(TWO.pow(16)), TWO.pow(qi)).longValueExact();
    }

    static BigInteger floorDiv(BigInteger a, BigInteger b) {
        return new BigDecimal(a).divide(new BigDecimal(b), 0, RoundingMode.FLOOR).toBigIntegerExact();
    }

    /** The softmax codes from the definition: max per target and head, exponentials, round(e 2^k / sum) half up. */
    static int[] reference(EdgeSoftmaxParams p, int[] logits, int[] target, int nodes) {
        int h = p.heads();
        long[] max = new long[nodes * h];
        java.util.Arrays.fill(max, Long.MIN_VALUE);
        for (int e = 0; e < target.length; e++) {
            for (int k = 0; k < h; k++) {
                max[target[e] * h + k] = Math.max(max[target[e] * h + k], logits[e * h + k]);
            }
        }
        BigInteger[] sum = new BigInteger[nodes * h];
        java.util.Arrays.fill(sum, BigInteger.ZERO);
        long[] exp = new long[logits.length];
        for (int e = 0; e < target.length; e++) {
            for (int k = 0; k < h; k++) {
                exp[e * h + k] = referenceExp(p, logits[e * h + k] - max[target[e] * h + k]);
                sum[target[e] * h + k] = sum[target[e] * h + k].add(BigInteger.valueOf(exp[e * h + k]));
            }
        }
        int[] out = new int[logits.length];
        for (int e = 0; e < target.length; e++) {
            for (int k = 0; k < h; k++) {
                BigDecimal num = new BigDecimal(BigInteger.valueOf(exp[e * h + k]).shiftLeft(p.fractionBits()));
                out[e * h + k] = num.divide(new BigDecimal(sum[target[e] * h + k]), 0, RoundingMode.HALF_UP).intValueExact();
            }
        }
        return out;
    }

    static int[] run(EdgeSoftmaxParams p, int[] logits, int[] target, int nodes) {
        int[] out = new int[logits.length];
        EdgeSoftmax.run(p, "s", logits, target, nodes, out);
        return out;
    }

    @Test
    void theExponentialMatchesItsDefinitionAtTheBoundaries() {
        for (double scale : new double[] {0.1, 0.0123, 1.7, 1e-6, 3000}) {
            EdgeSoftmaxParams p = GraphOpParams.edgeSoftmax(1, scale, 14);
            long[] deltas = {0, -1, -2, -3, -(long) -p.x0(), p.x0() - 1L, -255, -256, Integer.MIN_VALUE, -(1L << 32), -(1L << 33)};
            for (long d : deltas) {
                assertEquals(referenceExp(p, d), EdgeSoftmax.exp(p, d), "S = " + scale + ", delta = " + d);
            }
            assertEquals((long) p.c() << 16, EdgeSoftmax.exp(p, 0), "exp(0) = z(0) 2^16 = c 2^16");
            // beyond I-BERT's clamp at 30 x0: q = 30, r = 0
            assertEquals((long) p.c() >> 14, EdgeSoftmax.exp(p, -(1L << 33)));
        }
    }

    @Test
    void boundaryGraphs() {
        EdgeSoftmaxParams p = GraphOpParams.edgeSoftmax(1, 0.05, 14);
        // one edge: alpha = 1
        assertArrayEquals(new int[] {1 << 14}, run(p, new int[] {-77}, new int[] {0}, 1));
        // d equal logits: round(2^14 / d) each
        for (int d = 1; d <= 9; d++) {
            int[] logits = new int[d];
            java.util.Arrays.fill(logits, 42);
            int[] out = run(p, logits, new int[d], 1);
            int expected = new BigDecimal(1 << 14).divide(BigDecimal.valueOf(d), 0, RoundingMode.HALF_UP).intValueExact();
            for (int v : out) {
                assertEquals(expected, v, "d = " + d);
            }
        }
        // INT32 extremes: the largest logit takes everything, the clamped one rounds to 0
        int[] extremes = {Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE - 1};
        int[] out = run(p, extremes, new int[] {0, 0, 0}, 1);
        assertArrayEquals(reference(p, extremes, new int[] {0, 0, 0}, 1), out);
        assertEquals(0, out[1]);
        // a logit scale finer than 2^-11 (int32 logits) gives a negative input shift: a right shift that rounds down
        EdgeSoftmaxParams fine = GraphOpParams.edgeSoftmax(1, 1e-6, 7);
        assertTrue(fine.inputShift() < 0, "shift " + fine.inputShift());
        int[] logits = {0, -1000, 3_000_000, 2_000_001, -7, -8};
        int[] target = {0, 0, 1, 1, 2, 2};
        assertArrayEquals(reference(fine, logits, target, 3), run(fine, logits, target, 3));
    }

    @Test
    void randomGraphsMatchTheReferenceAndSumToOneWithinTheRoundings() {
        Random rnd = new Random(4242);
        for (int round = 0; round < 300; round++) {
            int heads = 1 + rnd.nextInt(3);
            int nodes = 1 + rnd.nextInt(20);
            int edges = rnd.nextInt(70);
            int k = 1 + rnd.nextInt(14);
            boolean int32 = round % 2 == 0;
            double scale = int32 ? Math.scalb(1.0, -5 - rnd.nextInt(20)) * (1 + rnd.nextDouble()) : 0.01 + rnd.nextDouble() * 0.3;
            EdgeSoftmaxParams p = GraphOpParams.edgeSoftmax(heads, scale, k);
            int[] target = new int[edges];
            int[] logits = new int[edges * heads];
            for (int e = 0; e < edges; e++) {
                target[e] = rnd.nextInt(nodes);
            }
            for (int i = 0; i < logits.length; i++) {
                logits[i] = int32 ? rnd.nextInt(1 << (1 + rnd.nextInt(30))) - (1 << 20) : rnd.nextInt(256) - 128;
            }
            int[] out = run(p, logits, target, nodes);
            assertArrayEquals(reference(p, logits, target, nodes), out, "round " + round);
            int[] degree = EdgeIndex.counts(target, nodes);
            for (int i = 0; i < nodes; i++) {
                for (int h = 0; h < heads; h++) {
                    long sum = 0;
                    for (int e = 0; e < edges; e++) {
                        sum += target[e] == i ? out[e * heads + h] : 0;
                    }
                    assertTrue(degree[i] == 0 || Math.abs(sum - (1L << k)) * 2 <= degree[i], "round " + round + " node " + i + ": " + sum);
                }
            }
        }
    }

    /**
     * The accuracy bound, derived: for a logit difference {@code t = delta S} with
     * {@code |t| <= 11} the kernel computes {@code u = t / S'} exactly ({@code p >= 0}), splits
     * {@code u = q x0 + r} with {@code q <= 11 / ln 2 < 16}, and returns
     * {@code e = 2^(16-q) z(r)}. Against {@code exp(t) = exp(q x0 S') exp(r S')}: the factor
     * {@code 2^-q / exp(q x0 S')} lies in {@code [1, exp(16 S'))} because
     * {@code -ln 2 - S' < x0 S' <= -ln 2}; the factor {@code z(r) A S'^2 / exp(r S')} lies in
     * {@code [L0, U0]}, the extremes of that ratio over the finitely many remainders
     * {@code r = x0 + 1 .. 0} (computed here, not bounded). So every exponential is
     * {@code K exp(t) rho} with {@code rho in [L, U] = [L0, U0 exp(16 S')]}, one constant
     * {@code K}; a quotient of such terms has relative error at most {@code U / L - 1}, and the
     * rounding to {@code 2^-k} adds {@code 2^-(k+1)}: {@code |code 2^-k - softmax| <= softmax (U/L - 1) + 2^-(k+1)}.
     */
    @Test
    void softmaxIsWithinTheDerivedBound() {
        Random rnd = new Random(77);
        double a = 0.35815147;
        double worst = 0;
        for (int round = 0; round < 200; round++) {
            double scale = 0.01 + rnd.nextDouble() * 0.033; // 255 codes span at most 11
            int k = 14;
            EdgeSoftmaxParams p = GraphOpParams.edgeSoftmax(1, scale, k);
            assertTrue(p.inputShift() >= 0);
            double fine = Math.scalb(scale, -p.inputShift());
            double lo = Double.MAX_VALUE;
            double hi = 0;
            for (long r = p.x0() + 1L; r <= 0; r++) {
                double ratio = ((r + p.b()) * r + p.c()) * a * fine * fine / Math.exp(r * fine);
                lo = Math.min(lo, ratio);
                hi = Math.max(hi, ratio);
            }
            double relative = hi * Math.exp(16 * fine) / lo - 1;
            int edges = 1 + rnd.nextInt(40);
            int[] logits = new int[edges];
            for (int e = 0; e < edges; e++) {
                logits[e] = rnd.nextInt(256) - 128;
            }
            int[] out = run(p, logits, new int[edges], 1);
            int max = java.util.Arrays.stream(logits).max().orElseThrow();
            double total = 0;
            for (int v : logits) {
                total += Math.exp((v - max) * scale);
            }
            for (int e = 0; e < edges; e++) {
                double softmax = Math.exp((logits[e] - max) * scale) / total;
                double error = Math.abs(out[e] / (double) (1 << k) - softmax);
                double bound = softmax * relative + Math.scalb(1.0, -(k + 1));
                assertTrue(error <= bound, "round " + round + " edge " + e + ": error " + error + " > bound " + bound);
                worst = Math.max(worst, error);
            }
            assertTrue(relative < 0.025, "the derived relative bound " + relative);
        }
        assertTrue(worst < 0.01, "worst absolute error " + worst);
    }

    @Test
    void parametersAreCheckedAndTheOfflineChoiceKeepsThePolynomialInRange() {
        for (int e = -42; e < 14; e++) {
            for (double m : new double[] {1, 1.37, 1.999}) {
                double scale = Math.scalb(m, e);
                EdgeSoftmaxParams p = GraphOpParams.edgeSoftmax(2, scale, 14);
                double fine = Math.scalb(scale, -p.inputShift());
                assertTrue(fine >= Math.scalb(1.0, -11) && fine < Math.scalb(1.0, -10), "S' = " + fine + " for S = " + scale);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> GraphOpParams.edgeSoftmax(1, Math.scalb(1.0, 14), 14));
        assertThrows(IllegalArgumentException.class, () -> GraphOpParams.edgeSoftmax(1, Math.scalb(1.0, -43), 14));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new EdgeSoftmaxParams(1, 0, -1000, 0, 1 << 25, 8));
        assertTrue(e.getMessage().contains("outside [1, 2^24]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new EdgeSoftmaxParams(1, 0, -1000, 100, 10, 8));
        assertTrue(e.getMessage().contains("is -2490 at r = -50"), e.getMessage()); // the vertex -b/2 = -50: 2500 - 5000 + 10
        assertThrows(IllegalArgumentException.class, () -> new EdgeSoftmaxParams(1, 0, -10, 0, 1, 15));
        assertThrows(IllegalArgumentException.class, () -> new EdgeSoftmaxParams(1, 25, -10, 0, 1, 14));
    }
}
