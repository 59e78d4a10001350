package io.qat4j.executor.arith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.math.BigDecimal;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Boundary and seeded random tests of {@link FixedPoint} against the exact {@link ExactReference},
 * in the style of gemmlowp {@code test_fixedpoint.cc}.
 */
class FixedPointTest {

    private static final long SEED = 0x5EED_F1CED_0731L;
    private static final int RANDOM_PAIRS = 20_000;

    /** {@code ±2^i ± {0, 1, 2}} for i in 0..31 where representable, MIN, MAX, 0, ±1. */
    static int[] boundaryValues() {
        TreeSet<Integer> set = new TreeSet<>();
        for (int i = 0; i <= 31; i++) {
            long p = 1L << i;
            for (long d = -2; d <= 2; d++) {
                addIfInt(set, p + d);
                addIfInt(set, -(p + d));
            }
        }
        set.add(Integer.MIN_VALUE);
        set.add(Integer.MAX_VALUE);
        set.add(0);
        set.add(1);
        set.add(-1);
        return set.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void addIfInt(TreeSet<Integer> set, long v) {
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            set.add((int) v);
        }
    }

    /** Uniform ints, small ints and near-boundary values, in equal parts. */
    static int randomInt(Random rnd) {
        switch (rnd.nextInt(3)) {
            case 0:
                return rnd.nextInt();
            case 1:
                return rnd.nextInt(513) - 256;
            default:
                long v = (1L << rnd.nextInt(32)) + rnd.nextInt(5) - 2;
                v = rnd.nextBoolean() ? v : -v;
                return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
        }
    }

    @Test
    void boundarySetHasTheExpectedShape() {
        int[] values = boundaryValues();
        assertTrue(values.length > 250, "boundary set size " + values.length);
        assertEquals(Integer.MIN_VALUE, values[0]);
        assertEquals(Integer.MAX_VALUE, values[values.length - 1]);
    }

    // ---- SaturatingRoundingDoublingHighMul ----

    @Test
    void srdhmKnownValues() {
        assertEquals(Integer.MAX_VALUE, FixedPoint.saturatingRoundingDoublingHighMul(Integer.MIN_VALUE, Integer.MIN_VALUE));
        assertEquals(-Integer.MAX_VALUE, FixedPoint.saturatingRoundingDoublingHighMul(Integer.MIN_VALUE, Integer.MAX_VALUE));
        assertEquals(Integer.MAX_VALUE - 1, FixedPoint.saturatingRoundingDoublingHighMul(Integer.MAX_VALUE, Integer.MAX_VALUE));
        assertEquals(-1, FixedPoint.saturatingRoundingDoublingHighMul(Integer.MIN_VALUE, 1));
        assertEquals(1 << 29, FixedPoint.saturatingRoundingDoublingHighMul(1 << 30, 1 << 30)); // 0.5 * 0.5
        // ties (a * b = ±2^30, exact value ±0.5) go toward +infinity
        assertEquals(1, FixedPoint.saturatingRoundingDoublingHighMul(1 << 15, 1 << 15));
        assertEquals(0, FixedPoint.saturatingRoundingDoublingHighMul(-(1 << 15), 1 << 15));
        // exact value -1.5 -> -1, +1.5 -> 2
        assertEquals(-1, FixedPoint.saturatingRoundingDoublingHighMul(-3 << 14, 1 << 16));
        assertEquals(2, FixedPoint.saturatingRoundingDoublingHighMul(3 << 14, 1 << 16));
    }

    @Test
    void srdhmUsesTruncatingDivisionNotArithmeticShift() {
        // ab = -1: (ab + 1 - 2^30) / 2^31 == 0, whereas (ab + 1 - 2^30) >> 31 == -1
        assertEquals(0, FixedPoint.saturatingRoundingDoublingHighMul(-1, 1));
        assertEquals(-1L, (-1L + 1 - (1L << 30)) >> 31);
        // exact value -(2^30 + 1) / 2^31, just beyond -0.5 -> -1
        assertEquals(-1, FixedPoint.saturatingRoundingDoublingHighMul(-((1 << 30) + 1), 1));
    }

    @Test
    void srdhmMatchesExactReferenceOnAllBoundaryPairs() {
        int[] values = boundaryValues();
        for (int a : values) {
            for (int b : values) {
                int expected = ExactReference.srdhm(a, b);
                int actual = FixedPoint.saturatingRoundingDoublingHighMul(a, b);
                if (expected != actual) {
                    assertEquals(expected, actual, "SRDHM(" + a + ", " + b + ")");
                }
            }
        }
    }

    @Test
    void srdhmMatchesExactReferenceOnRandomPairs() {
        Random rnd = new Random(SEED);
        for (int i = 0; i < RANDOM_PAIRS; i++) {
            int a = randomInt(rnd);
            int b = randomInt(rnd);
            int expected = ExactReference.srdhm(a, b);
            int actual = FixedPoint.saturatingRoundingDoublingHighMul(a, b);
            if (expected != actual) {
                assertEquals(expected, actual, "seed=" + SEED + " case=" + i + " SRDHM(" + a + ", " + b + ")");
            }
        }
    }

    @Test
    void srdhmIsCommutative() {
        Random rnd = new Random(SEED + 1);
        for (int i = 0; i < RANDOM_PAIRS; i++) {
            int a = randomInt(rnd);
            int b = randomInt(rnd);
            assertEquals(FixedPoint.saturatingRoundingDoublingHighMul(a, b),
                    FixedPoint.saturatingRoundingDoublingHighMul(b, a), "seed=" + (SEED + 1) + " a=" + a + " b=" + b);
        }
    }

    // ---- RoundingDivideByPOT ----

    @Test
    void rdbpotTiesGoAwayFromZero() {
        assertEquals(2, FixedPoint.roundingDivideByPOT(3, 1));
        assertEquals(-2, FixedPoint.roundingDivideByPOT(-3, 1));
        assertEquals(1, FixedPoint.roundingDivideByPOT(1, 1));
        assertEquals(-1, FixedPoint.roundingDivideByPOT(-1, 1));
        assertEquals(-1, FixedPoint.roundingDivideByPOT(-5, 2)); // -1.25
        assertEquals(2, FixedPoint.roundingDivideByPOT(6, 2)); // 1.5
        assertEquals(-2, FixedPoint.roundingDivideByPOT(-6, 2)); // -1.5
        assertEquals(-1, FixedPoint.roundingDivideByPOT(-2, 2)); // -0.5
        assertEquals(0, FixedPoint.roundingDivideByPOT(-1, 2)); // -0.25
        // the reference agrees with the same definition
        assertEquals(2, ExactReference.rdbpot(3, 1));
        assertEquals(-2, ExactReference.rdbpot(-3, 1));
        assertEquals(-1, ExactReference.rdbpot(-5, 2));
        assertEquals(2, ExactReference.rdbpot(6, 2));
        assertEquals(-2, ExactReference.rdbpot(-6, 2));
        assertEquals(-1, ExactReference.rdbpot(-2, 2));
    }

    @Test
    void rdbpotExtremes() {
        assertEquals(-1, FixedPoint.roundingDivideByPOT(Integer.MIN_VALUE, 31)); // exactly -1
        assertEquals(1, FixedPoint.roundingDivideByPOT(Integer.MAX_VALUE, 31)); // 0.99999...
        assertEquals(1, FixedPoint.roundingDivideByPOT(1 << 30, 31)); // tie 0.5 -> 1
        assertEquals(0, FixedPoint.roundingDivideByPOT((1 << 30) - 1, 31));
        assertEquals(-1, FixedPoint.roundingDivideByPOT(-(1 << 30), 31)); // tie -0.5 -> -1
        assertEquals(0, FixedPoint.roundingDivideByPOT(-(1 << 30) + 1, 31));
        assertEquals(Integer.MAX_VALUE, FixedPoint.roundingDivideByPOT(Integer.MAX_VALUE, 0));
        assertEquals(Integer.MIN_VALUE, FixedPoint.roundingDivideByPOT(Integer.MIN_VALUE, 0));
        assertEquals(1 << 30, FixedPoint.roundingDivideByPOT(Integer.MAX_VALUE, 1)); // 2^30 - 0.5 -> 2^30
        assertEquals(-(1 << 30), FixedPoint.roundingDivideByPOT(Integer.MIN_VALUE, 1));
    }

    @Test
    void rdbpotMatchesExactReferenceOnBoundaryValuesAndAllExponents() {
        for (int x : boundaryValues()) {
            for (int e = 0; e <= 31; e++) {
                int expected = ExactReference.rdbpot(x, e);
                int actual = FixedPoint.roundingDivideByPOT(x, e);
                if (expected != actual) {
                    assertEquals(expected, actual, "RDBPOT(" + x + ", " + e + ")");
                }
            }
        }
    }

    @Test
    void rdbpotMatchesExactReferenceOnRandomValuesAndAllExponents() {
        Random rnd = new Random(SEED + 2);
        for (int i = 0; i < RANDOM_PAIRS; i++) {
            int x = randomInt(rnd);
            for (int e = 0; e <= 31; e++) {
                int expected = ExactReference.rdbpot(x, e);
                int actual = FixedPoint.roundingDivideByPOT(x, e);
                if (expected != actual) {
                    assertEquals(expected, actual, "seed=" + (SEED + 2) + " case=" + i + " RDBPOT(" + x + ", " + e + ")");
                }
            }
        }
    }

    @Test
    void rdbpotRejectsExponentOutsideZeroTo31() {
        assumeTrue(FixedPoint.class.desiredAssertionStatus(), "needs -ea");
        assertThrows(AssertionError.class, () -> FixedPoint.roundingDivideByPOT(1, 32));
        assertThrows(AssertionError.class, () -> FixedPoint.roundingDivideByPOT(1, -1));
    }

    // ---- MultiplyByQuantizedMultiplier ----

    @Test
    void mbqmKnownValues() {
        // 0.5 = (2^30, 0)
        assertEquals(50, FixedPoint.multiplyByQuantizedMultiplier(100, 1 << 30, 0));
        assertEquals(2, FixedPoint.multiplyByQuantizedMultiplier(3, 1 << 30, 0)); // 1.5 -> 2 (SRDHM tie up)
        assertEquals(-1, FixedPoint.multiplyByQuantizedMultiplier(-3, 1 << 30, 0)); // -1.5 -> -1 (SRDHM tie up)
        // 0.25 = (2^30, -1): SRDHM(-3, 2^30) = -1 (tie up from -1.5), then -1 / 2 = -0.5 -> -1
        // (tie away): the double rounding gives -1 for an exact value of -0.75
        assertEquals(-1, FixedPoint.multiplyByQuantizedMultiplier(-3, 1 << 30, -1));
        // 1.0 = (2^30, 1)
        assertEquals(12345, FixedPoint.multiplyByQuantizedMultiplier(12345, 1 << 30, 1));
        assertEquals(-12345, FixedPoint.multiplyByQuantizedMultiplier(-12345, 1 << 30, 1));
        // shift 30 with x = ±1 and the largest multiplier: x * 2^30 fits
        // exact value (2^31 - 1) * 2^-1 = 2^30 - 0.5, a SRDHM tie, goes up to 2^30
        assertEquals(1 << 30, FixedPoint.multiplyByQuantizedMultiplier(1, Integer.MAX_VALUE, 30));
        assertEquals(-(1 << 30) + 1, FixedPoint.multiplyByQuantizedMultiplier(-1, Integer.MAX_VALUE, 30));
    }

    @Test
    void mbqmMatchesExactReferenceOnBoundaryValues() {
        int[] ms = {0, 1 << 30, (1 << 30) + 1, (1 << 30) + (1 << 29), Integer.MAX_VALUE - 1, Integer.MAX_VALUE};
        long checked = 0;
        for (int x : boundaryValues()) {
            for (int m : ms) {
                for (int shift = -31; shift <= 30; shift++) {
                    long shifted = (long) x << Math.max(shift, 0);
                    if (shifted != (int) shifted) {
                        continue; // precondition of the caller
                    }
                    int expected = ExactReference.mbqm(x, m, shift);
                    int actual = FixedPoint.multiplyByQuantizedMultiplier(x, m, shift);
                    if (expected != actual) {
                        assertEquals(expected, actual, "MBQM(" + x + ", " + m + ", " + shift + ")");
                    }
                    checked++;
                }
            }
        }
        assertTrue(checked > 10_000, "checked " + checked);
    }

    @Test
    void mbqmMatchesExactReferenceOnRandomValuesAndIsWithinOneOfTheRealProduct() {
        Random rnd = new Random(SEED + 3);
        BigDecimal one = BigDecimal.ONE;
        for (int i = 0; i < RANDOM_PAIRS; i++) {
            int shift = rnd.nextInt(62) - 31; // [-31, 30]
            int m;
            switch (rnd.nextInt(4)) {
                case 0:
                    m = rnd.nextInt() & Integer.MAX_VALUE; // any non-negative
                    break;
                case 1:
                    m = Integer.MAX_VALUE - rnd.nextInt(3);
                    break;
                default:
                    m = (1 << 30) + rnd.nextInt(1 << 30); // normalized, as QuantizedMultiplier.of gives
            }
            // x * 2^L must fit: an arithmetic right shift by L keeps |x| <= 2^(31 - L)
            int x = randomInt(rnd) >> Math.max(shift, 0);
            int expected = ExactReference.mbqm(x, m, shift);
            int actual = FixedPoint.multiplyByQuantizedMultiplier(x, m, shift);
            String where = "seed=" + (SEED + 3) + " case=" + i + " MBQM(" + x + ", " + m + ", " + shift + ")";
            if (expected != actual) {
                assertEquals(expected, actual, where);
            }
            BigDecimal error = new BigDecimal(actual).subtract(ExactReference.mbqmExact(x, m, shift)).abs();
            assertTrue(error.compareTo(one) <= 0, where + " error " + error);
        }
    }

    @Test
    void mbqmAssertsItsPreconditions() {
        assumeTrue(FixedPoint.class.desiredAssertionStatus(), "needs -ea");
        // x * 2^L overflows int32
        assertThrows(AssertionError.class, () -> FixedPoint.multiplyByQuantizedMultiplier(1 << 20, 1 << 30, 11));
        assertThrows(AssertionError.class, () -> FixedPoint.multiplyByQuantizedMultiplier(-(1 << 20) - 1, 1 << 30, 11));
        assertThrows(AssertionError.class, () -> FixedPoint.multiplyByQuantizedMultiplier(2, 1 << 30, 30));
        // the extremes that still fit are accepted
        FixedPoint.multiplyByQuantizedMultiplier(-(1 << 20), 1 << 30, 11); // -2^31
        FixedPoint.multiplyByQuantizedMultiplier((1 << 20) - 1, 1 << 30, 11);
        FixedPoint.multiplyByQuantizedMultiplier(-2, 1 << 30, 30);
        // shift and multiplier ranges
        assertThrows(AssertionError.class, () -> FixedPoint.multiplyByQuantizedMultiplier(0, 1 << 30, 31));
        assertThrows(AssertionError.class, () -> FixedPoint.multiplyByQuantizedMultiplier(1, 1 << 30, -32));
        assertThrows(AssertionError.class, () -> FixedPoint.multiplyByQuantizedMultiplier(1, -1, 0));
    }

    @Test
    void mbqmWithQuantizedMultipliersTracksTheRealProduct() {
        Random rnd = new Random(SEED + 4);
        for (int i = 0; i < 10_000; i++) {
            double real = Math.exp(Math.log(1e-6) + rnd.nextDouble() * Math.log(1e6)); // [1e-6, 1)
            QuantizedMultiplier qm = QuantizedMultiplier.of(real);
            int x = rnd.nextInt(1 << 24) - (1 << 23);
            int y = FixedPoint.multiplyByQuantizedMultiplier(x, qm.multiplier(), qm.shift());
            // |y - x * M| <= 1 (two roundings) + |x| * 2^-31 relative error of the multiplier
            double bound = 1 + Math.abs(x) * real * 0x1p-30;
            assertTrue(Math.abs(y - x * real) <= bound,
                    "seed=" + (SEED + 4) + " case=" + i + " x=" + x + " M=" + real + " y=" + y);
        }
    }
}
