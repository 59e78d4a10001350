package io.qat4j.executor.arith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.quant.Rounding;
import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link QuantizedMultiplier#of} against TFLite {@code QuantizeMultiplier} values and an exact bound. */
class QuantizedMultiplierTest {

    private static final long SEED = 0x0DDBA11_2018L;
    private static final int RANDOM_REALS = 20_000;

    private static QuantizedMultiplier qm(int multiplier, int shift) {
        return new QuantizedMultiplier(multiplier, shift);
    }

    @Test
    void knownTfliteValues() {
        assertEquals(qm(1 << 30, 0), QuantizedMultiplier.of(0.5));
        assertEquals(qm(1 << 30, -1), QuantizedMultiplier.of(0.25));
        assertEquals(qm(1 << 30, 1), QuantizedMultiplier.of(1.0));
        assertEquals(qm(3 << 29, 0), QuantizedMultiplier.of(0.75));
        assertEquals(qm(3 << 29, 2), QuantizedMultiplier.of(3.0));
        // 0.1 = 0.8 * 2^-3; round(0.8 * 2^31) = 1717986918 (TFLite gives the same pair)
        assertEquals(qm(1717986918, -3), QuantizedMultiplier.of(0.1));
        assertEquals(qm(Integer.MAX_VALUE, 0), QuantizedMultiplier.of((Integer.MAX_VALUE) / 2147483648.0));
    }

    @Test
    void justBelowAPowerOfTwoRoundsUpAndIncrementsTheShift() {
        // q = 1 - 2^-40: q * 2^31 = 2^31 - 2^-9 rounds to 2^31, halved with shift + 1
        assertEquals(qm(1 << 30, 1), QuantizedMultiplier.of(1.0 - 0x1p-40));
        assertEquals(qm(1 << 30, 0), QuantizedMultiplier.of(Math.nextDown(0.5)));
        assertEquals(qm(1 << 30, -9), QuantizedMultiplier.of(Math.nextDown(0x1p-10)));
        // q = 1 - 2^-32: q * 2^31 = 2^31 - 0.5, a tie, goes away from zero to 2^31
        assertEquals(qm(1 << 30, 1), QuantizedMultiplier.of(1.0 - 0x1p-32));
        // the next double below does not round up: 2^31 - 1
        assertEquals(qm(Integer.MAX_VALUE, 0), QuantizedMultiplier.of(Math.nextDown(1.0 - 0x1p-32)));
    }

    @Test
    void roundingIsHalfAwayFromZeroOnExactTies() {
        // q * 2^31 = 2^30 + 0.5 exactly: std::round goes up (Math.rint would go to even 2^30)
        assertEquals(qm((1 << 30) + 1, 0), QuantizedMultiplier.of(0.5 + 0x1p-32));
        // q * 2^31 = 2^30 + 1.5: up to 2^30 + 2 (half to even would agree here; the one above differs)
        assertEquals(qm((1 << 30) + 2, 0), QuantizedMultiplier.of(0.5 + 3 * 0x1p-32));
        // just below the tie
        assertEquals(qm(1 << 30, 0), QuantizedMultiplier.of(Math.nextDown(0.5 + 0x1p-32)));
    }

    @Test
    void zeroAndTinyValues() {
        assertEquals(QuantizedMultiplier.ZERO, QuantizedMultiplier.of(0.0));
        assertEquals(QuantizedMultiplier.ZERO, QuantizedMultiplier.of(-0.0));
        // 2^-32 = 0.5 * 2^-31: the smallest shift kept
        assertEquals(qm(1 << 30, -31), QuantizedMultiplier.of(0x1p-32));
        // frexp shift -32, then rounding up to 2^31 brings it back to -31 before the flush test
        assertEquals(qm(1 << 30, -31), QuantizedMultiplier.of(Math.nextDown(0x1p-32)));
        // frexp shift -32 without the round up: flushed to zero
        assertEquals(QuantizedMultiplier.ZERO, QuantizedMultiplier.of(0x1p-33));
        assertEquals(QuantizedMultiplier.ZERO, QuantizedMultiplier.of(0.75 * 0x1p-32));
        assertEquals(QuantizedMultiplier.ZERO, QuantizedMultiplier.of(1e-300));
        assertEquals(QuantizedMultiplier.ZERO, QuantizedMultiplier.of(Double.MIN_NORMAL));
        assertEquals(QuantizedMultiplier.ZERO, QuantizedMultiplier.of(Double.MIN_VALUE)); // subnormal
        assertEquals(QuantizedMultiplier.ZERO, QuantizedMultiplier.of(Math.nextDown(Double.MIN_NORMAL)));
        assertEquals(0.0, QuantizedMultiplier.ZERO.realValue());
    }

    @Test
    void largeValuesAreNotCappedAsInTflitesDefaultBuild() {
        assertEquals(qm(1 << 30, 31), QuantizedMultiplier.of(0x1p30));
        assertEquals(qm(1 << 30, 41), QuantizedMultiplier.of(0x1p40));
        // frexp(MAX) = (1 - 2^-53) * 2^1024, rounds up to 2^31: shift 1025
        assertEquals(qm(1 << 30, 1025), QuantizedMultiplier.of(Double.MAX_VALUE));
        assertEquals(Double.POSITIVE_INFINITY, QuantizedMultiplier.of(Double.MAX_VALUE).realValue());
    }

    @Test
    void negativeNanAndInfinityAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> QuantizedMultiplier.of(-0.5));
        assertThrows(IllegalArgumentException.class, () -> QuantizedMultiplier.of(-Double.MIN_VALUE));
        assertThrows(IllegalArgumentException.class, () -> QuantizedMultiplier.of(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> QuantizedMultiplier.of(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> QuantizedMultiplier.of(Double.NEGATIVE_INFINITY));
    }

    @Test
    void constructorChecksTheInvariant() {
        assertThrows(IllegalArgumentException.class, () -> new QuantizedMultiplier(0, 3));
        assertThrows(IllegalArgumentException.class, () -> new QuantizedMultiplier((1 << 30) - 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new QuantizedMultiplier(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> new QuantizedMultiplier(Integer.MIN_VALUE, 0));
        assertThrows(IllegalArgumentException.class, () -> new QuantizedMultiplier(1 << 30, -32));
        new QuantizedMultiplier(1 << 30, -31);
        new QuantizedMultiplier(Integer.MAX_VALUE, 30);
    }

    @Test
    void realValueIsExact() {
        assertEquals(0.5, QuantizedMultiplier.of(0.5).realValue());
        assertEquals(0.1, QuantizedMultiplier.of(0.1).realValue(), 0x1p-34);
        assertEquals(Integer.MAX_VALUE * 0x1p-31, qm(Integer.MAX_VALUE, 0).realValue());
        assertEquals(0x1p-32, qm(1 << 30, -31).realValue());
    }

    /**
     * Random reals in [1e-6, 100), log-uniform: normalized multiplier, the exact bound
     * {@code |M - m * 2^(s - 31)| <= 2^(s - 32)}, and equality with TFLite's floating-point
     * formula {@code round(frexp(M) * 2^31)} evaluated with doubles and a loop-based frexp.
     */
    @Test
    void randomRealsAreWithinHalfAUnitOfTheQ31Mantissa() {
        Random rnd = new Random(SEED);
        for (int i = 0; i < RANDOM_REALS; i++) {
            double real = Math.exp(Math.log(1e-6) + rnd.nextDouble() * (Math.log(100) - Math.log(1e-6)));
            if (real >= 100) {
                continue;
            }
            QuantizedMultiplier q = QuantizedMultiplier.of(real);
            String where = "seed=" + SEED + " case=" + i + " M=" + real + " -> " + q;
            int m = q.multiplier();
            int s = q.shift();
            assertTrue(m >= (1 << 30), where);
            BigDecimal exact = new BigDecimal(real);
            BigDecimal represented = new BigDecimal(m).multiply(ExactReference.pow2(s - 31));
            BigDecimal halfUnit = ExactReference.pow2(s - 32);
            assertTrue(exact.subtract(represented).abs().compareTo(halfUnit) <= 0, where);
            assertEquals(represented.doubleValue(), q.realValue(), where);
            assertEquals(tfliteFloatingPointFormula(real), q, where);
        }
    }

    /** Random doubles over the whole exponent range (including subnormals) against the same formula. */
    @Test
    void randomDoublesOfAnyExponentMatchTheFloatingPointFormula() {
        Random rnd = new Random(SEED + 1);
        for (int i = 0; i < RANDOM_REALS; i++) {
            double real = Double.longBitsToDouble(rnd.nextLong() & Long.MAX_VALUE);
            if (Double.isNaN(real) || Double.isInfinite(real)) {
                continue;
            }
            assertEquals(tfliteFloatingPointFormula(real), QuantizedMultiplier.of(real),
                    "seed=" + (SEED + 1) + " case=" + i + " M=" + real);
        }
    }

    @Test
    void frexpHandlesNormalAndSubnormalInputs() {
        double[] xs = {Double.MIN_VALUE, 3 * Double.MIN_VALUE, Math.nextDown(Double.MIN_NORMAL),
            Double.MIN_NORMAL, 1e-310, 0.5, 1.0, 0.1, 12345.678, Double.MAX_VALUE};
        for (double x : xs) {
            QuantizedMultiplier.Frexp f = QuantizedMultiplier.frexp(x);
            assertTrue(f.significand() >= (1L << 52) && f.significand() < (1L << 53), "x=" + x + " " + f);
            // x == significand * 2^(exponent - 53), checked exactly
            BigDecimal rebuilt = new BigDecimal(f.significand()).multiply(ExactReference.pow2(f.exponent() - 53));
            assertEquals(0, new BigDecimal(x).compareTo(rebuilt), "x=" + x + " " + f);
        }
        assertEquals(-1073, QuantizedMultiplier.frexp(Double.MIN_VALUE).exponent()); // C: frexp(4.9e-324) = 0.5 * 2^-1073
        assertEquals(1, QuantizedMultiplier.frexp(1.0).exponent());
        assertEquals(0, QuantizedMultiplier.frexp(0.5).exponent());
    }

    /**
     * TFLite's code path with doubles: {@code q = frexp(M, &shift)} (here by search on powers of
     * two), {@code qFixed = TfLiteRound(q * 2^31)}, then the two adjustments.
     */
    private static QuantizedMultiplier tfliteFloatingPointFormula(double real) {
        if (real == 0) {
            return QuantizedMultiplier.ZERO;
        }
        int shift = -1080;
        while (!(real < Math.scalb(1.0, shift))) { // smallest shift with real < 2^shift
            shift++;
        }
        double q = Math.scalb(real, -shift); // exact: the result is a normal double
        assertTrue(q >= 0.5 && q < 1, "q=" + q);
        long qFixed = Rounding.toLongHalfAwayFromZero(q * 2147483648.0);
        if (qFixed == (1L << 31)) {
            qFixed /= 2;
            shift++;
        }
        if (shift < -31) {
            return QuantizedMultiplier.ZERO;
        }
        return new QuantizedMultiplier((int) qFixed, shift);
    }
}
