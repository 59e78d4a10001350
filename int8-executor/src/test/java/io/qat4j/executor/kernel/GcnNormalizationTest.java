package io.qat4j.executor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.arith.QuantizedMultiplier;
import io.qat4j.executor.prep.GraphOpParams;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link GcnNormalization}: the codes are exactly {@code clamp(round(1 / (S sqrt(D))) + Z)},
 * rounding half away from zero, for every {@code D} up to {@value #ALL_D} and for random
 * {@code D} up to {@code 2^62}, for boundary and seeded random float32 scales and several zero
 * points. The reference ({@link #reference}) knows nothing of the kernel's threshold table: it
 * approximates {@code x = 1 / (S sqrt(D))} with a 40-digit BigDecimal square root and then proves
 * its rounding with the exact inequalities of the definition, {@code n - 1/2 <= x < n + 1/2}, i.e.
 * {@code (2n - 1)^2 S^2 D <= 4 < (2n + 1)^2 S^2 D}, in exact BigDecimal arithmetic on the exact
 * value of the scale.
 */
class GcnNormalizationTest {

    static final int ALL_D = 20_000;

    /** The nearest integer to {@code 1 / (S sqrt(D))}, ties up, proved by exact arithmetic. */
    static BigInteger reference(double scale, long d) {
        BigDecimal s = new BigDecimal(scale); // the exact value of the double
        BigDecimal x = BigDecimal.ONE.divide(s.multiply(new BigDecimal(d).sqrt(new MathContext(40))), new MathContext(40));
        BigInteger n = x.add(new BigDecimal("0.5")).setScale(0, RoundingMode.FLOOR).toBigIntegerExact();
        BigDecimal s2d = s.multiply(s).multiply(new BigDecimal(d));
        BigDecimal four = BigDecimal.valueOf(4);
        for (int guard = 0; guard < 4; guard++) {
            boolean lowOk = n.signum() == 0 || square(n.shiftLeft(1).subtract(BigInteger.ONE)).multiply(s2d).compareTo(four) <= 0;
            boolean highOk = square(n.shiftLeft(1).add(BigInteger.ONE)).multiply(s2d).compareTo(four) > 0;
            if (lowOk && highOk) {
                return n;
            }
            n = lowOk ? n.add(BigInteger.ONE) : n.subtract(BigInteger.ONE);
        }
        throw new AssertionError("the 40-digit estimate was more than 3 away for S = " + scale + ", D = " + d);
    }

    private static BigDecimal square(BigInteger v) {
        return new BigDecimal(v.multiply(v));
    }

    static int referenceCode(double scale, long d, int zeroPoint) {
        BigInteger q = reference(scale, d).add(BigInteger.valueOf(zeroPoint));
        return q.min(BigInteger.valueOf(127)).max(BigInteger.valueOf(-128)).intValueExact();
    }

    static List<Float> scales() {
        List<Float> s = new ArrayList<>(List.of(1f, 0.5f, 0.25f, 1f / 255, 1f / 127, 0.5f / 255, 1f / 256, 0.00392157f, 0.0078125f,
                3f, 1e-3f));
        Random r = new Random(20261130);
        for (int k = 0; k < 8; k++) {
            s.add((float) Math.scalb(1 + r.nextDouble(), -r.nextInt(12)));
        }
        return s;
    }

    @Test
    void aFloat32ScaleIsExactlyDyadic() {
        for (float s : scales()) {
            assertEquals(s, GraphOpParams.gcnNormScale(s).realValue(), 0.0, "scale " + s);
        }
    }

    @Test
    void everyDUpToTheBoundRoundsExactly() {
        int[] zeroPoints = {-128, -100, 0, 120};
        for (float s : scales()) {
            QuantizedMultiplier m = GraphOpParams.gcnNormScale(s);
            GcnNormalization[] norms = new GcnNormalization[zeroPoints.length];
            for (int k = 0; k < zeroPoints.length; k++) {
                norms[k] = GcnNormalization.of(m.multiplier(), m.shift(), zeroPoints[k], -128, 127);
            }
            for (long d = 1; d <= ALL_D; d++) {
                BigInteger n = reference(s, d);
                for (int k = 0; k < zeroPoints.length; k++) {
                    int expected = n.add(BigInteger.valueOf(zeroPoints[k])).min(BigInteger.valueOf(127)).intValueExact();
                    assertEquals(expected, norms[k].code(d), "S = " + s + ", Z = " + zeroPoints[k] + ", D = " + d);
                }
            }
        }
    }

    @Test
    void randomLargeDegreesRoundExactly() {
        Random r = new Random(7);
        List<Float> scales = scales();
        for (int i = 0; i < 20_000; i++) {
            float s = scales.get(r.nextInt(scales.size()));
            QuantizedMultiplier m = GraphOpParams.gcnNormScale(s);
            long d = (1 + (long) r.nextInt(Integer.MAX_VALUE)) * (1 + (long) r.nextInt(1 << r.nextInt(31)));
            int z = r.nextInt(256) - 128;
            assertEquals(referenceCode(s, d, z), GcnNormalization.of(m.multiplier(), m.shift(), z, -128, 127).code(d),
                    "S = " + s + ", Z = " + z + ", D = " + d);
        }
    }

    @Test
    void tiesRoundAwayFromZeroAndCodesClampAtTheTop() {
        // S = 1, D = 4: x = 1/2 exactly, rounds to 1; S = 1/4, D = 64: x = 1/2
        QuantizedMultiplier one = GraphOpParams.gcnNormScale(1.0);
        assertEquals(-127, GcnNormalization.of(one.multiplier(), one.shift(), -128, -128, 127).code(4));
        QuantizedMultiplier quarter = GraphOpParams.gcnNormScale(0.25);
        assertEquals(1, GcnNormalization.of(quarter.multiplier(), quarter.shift(), 0, -128, 127).code(64));
        assertEquals(2, GcnNormalization.of(quarter.multiplier(), quarter.shift(), 0, -128, 127).code(4)); // x = 2 exactly
        // S = 1/512: 1/S = 512 clamps at 127 for D = 1 .. 16 (x >= 128) and not after x < 127.5
        QuantizedMultiplier tiny = GraphOpParams.gcnNormScale(1.0 / 512);
        GcnNormalization t = GcnNormalization.of(tiny.multiplier(), tiny.shift(), 0, -128, 127);
        assertEquals(127, t.code(1));
        assertEquals(127, t.code(16));
        assertEquals(referenceCode(1.0 / 512, 17, 0), t.code(17));
        // a narrower output (4-bit codes [-8, 7], Z = -8): at most 15 above Z
        QuantizedMultiplier s = GraphOpParams.gcnNormScale(1.0 / 15);
        GcnNormalization four = GcnNormalization.of(s.multiplier(), s.shift(), -8, -8, 7);
        assertEquals(7, four.code(1));
        assertEquals(-8 + 8, four.code(4)); // 15 / 2 = 7.5 rounds to 8
        assertEquals(-8, four.code(Long.MAX_VALUE / 2)); // x ~ 0
    }

    @Test
    void theGraphGetsItsEdgesThenOneLoopPerNode() {
        // 0 -> 1, 2 -> 1, 1 -> 0, 3 -> 2 on 5 nodes: in-degrees 1, 2, 1, 0, 0
        int[] source = {0, 2, 1, 3};
        int[] target = {1, 1, 0, 2};
        int[] degree = {1, 2, 1, 0, 0};
        QuantizedMultiplier m = GraphOpParams.gcnNormScale(1f / 255);
        GcnNormalization norm = GcnNormalization.of(m.multiplier(), m.shift(), -128, -128, 127);
        byte[] out = new byte[4 + 5];
        norm.run(source, target, 5, out);
        byte[] expected = new byte[9];
        for (int e = 0; e < 4; e++) {
            expected[e] = (byte) referenceCode(1f / 255, (degree[source[e]] + 1L) * (degree[target[e]] + 1L), -128);
        }
        for (int i = 0; i < 5; i++) {
            expected[4 + i] = (byte) referenceCode(1f / 255, (degree[i] + 1L) * (degree[i] + 1L), -128);
        }
        assertArrayEquals(expected, out);
        assertEquals(127, out[7]); // node 3: no edge in, D = 1, coefficient 1 = 255 steps above Z
        assertTrue(out[0] < out[6], "an edge into node 1 (degree 2) weighs less than node 2's loop");
    }

    @Test
    void parametersOutOfRangeAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> GcnNormalization.of((1 << 30) - 1, 0, 0, -128, 127));
        assertThrows(IllegalArgumentException.class, () -> GcnNormalization.of(1 << 30, 31, 0, -128, 127));
        assertThrows(IllegalArgumentException.class, () -> GcnNormalization.of(1 << 30, 0, -129, -128, 127));
        assertThrows(IllegalArgumentException.class, () -> GraphOpParams.gcnNormScale(0));
    }
}
