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

    // ---- MultiplyByQuantizedMultiplier, single rounding (TFLITE_SINGLE_ROUNDING; the kernels' output stage) ----

    @Test
    void singleRoundingKnownValues() {
        // 0.5 = (2^30, 0)
        assertEquals(50, FixedPoint.multiplyByQuantizedMultiplier(100, 1 << 30, 0));
        assertEquals(2, FixedPoint.multiplyByQuantizedMultiplier(3, 1 << 30, 0)); // 1.5 -> 2 (tie up)
        assertEquals(-1, FixedPoint.multiplyByQuantizedMultiplier(-3, 1 << 30, 0)); // -1.5 -> -1 (tie up)
        // 0.25 = (2^30, -1): -0.75 rounds once to -1, 0.75 to 1; -0.25 to 0
        assertEquals(-1, FixedPoint.multiplyByQuantizedMultiplier(-3, 1 << 30, -1));
        assertEquals(1, FixedPoint.multiplyByQuantizedMultiplier(3, 1 << 30, -1));
        assertEquals(0, FixedPoint.multiplyByQuantizedMultiplier(-1, 1 << 30, -1));
        // where the two builds differ: 472 * M with M = 1417428653 * 2^-35 is 19.4714; double
        // rounding first rounds 472 * M * 16 = 311.54 to 312, then 312 / 16 = 19.5 to 20
        assertEquals(19, FixedPoint.multiplyByQuantizedMultiplier(472, 1417428653, -4));
        assertEquals(20, FixedPoint.multiplyByQuantizedMultiplierDoubleRounding(472, 1417428653, -4));
        // 1.0 = (2^30, 1)
        assertEquals(12345, FixedPoint.multiplyByQuantizedMultiplier(12345, 1 << 30, 1));
        assertEquals(-12345, FixedPoint.multiplyByQuantizedMultiplier(-12345, 1 << 30, 1));
        // extremes of the 64-bit product: (2^31 - 1) * 2^-1 = 2^30 - 0.5, a tie, goes up
        assertEquals(1 << 30, FixedPoint.multiplyByQuantizedMultiplier(1, Integer.MAX_VALUE, 30));
        assertEquals(-(1 << 30) + 1, FixedPoint.multiplyByQuantizedMultiplier(-1, Integer.MAX_VALUE, 30));
        assertEquals(-(1 << 30), FixedPoint.multiplyByQuantizedMultiplier(Integer.MIN_VALUE, 1 << 30, 0));
        // -2^31 * (2^31 - 1) * 2^-62 = -0.99999999953 -> -1; times 2 -> -2
        assertEquals(-1, FixedPoint.multiplyByQuantizedMultiplier(Integer.MIN_VALUE, Integer.MAX_VALUE, -31));
        assertEquals(-2, FixedPoint.multiplyByQuantizedMultiplier(Integer.MIN_VALUE, Integer.MAX_VALUE, -30));
    }

    @Test
    void singleRoundingMatchesExactReferenceOnBoundaryValues() {
        int[] ms = {0, 1, 1 << 30, (1 << 30) + 1, (1 << 30) + (1 << 29), Integer.MAX_VALUE - 1, Integer.MAX_VALUE};
        long checked = 0;
        for (int x : boundaryValues()) {
            for (int m : ms) {
                for (int shift = -31; shift <= 30; shift++) {
                    BigDecimal exact = ExactReference.mbqmExact(x, m, shift);
                    if (exact.abs().compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) >= 0) {
                        continue; // precondition of the caller: the result fits
                    }
                    int expected = ExactReference.mbqmSingleRounding(x, m, shift);
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
    void singleRoundingMatchesExactReferenceOnRandomValuesAndIsWithinHalfOfTheRealProduct() {
        Random rnd = new Random(SEED + 5);
        BigDecimal half = new BigDecimal("0.5");
        for (int i = 0; i < RANDOM_PAIRS; i++) {
            int shift = rnd.nextInt(62) - 31; // [-31, 30]
            int m = switch (rnd.nextInt(4)) {
                case 0 -> rnd.nextInt() & Integer.MAX_VALUE;
                case 1 -> Integer.MAX_VALUE - rnd.nextInt(3);
                default -> (1 << 30) + rnd.nextInt(1 << 30);
            };
            // keep the result in int32: |x| <= 2^(31 - L) with L = max(shift, 0)
            int x = randomInt(rnd) >> Math.max(shift, 0);
            int expected = ExactReference.mbqmSingleRounding(x, m, shift);
            int actual = FixedPoint.multiplyByQuantizedMultiplier(x, m, shift);
            String where = "seed=" + (SEED + 5) + " case=" + i + " MBQM(" + x + ", " + m + ", " + shift + ")";
            if (expected != actual) {
                assertEquals(expected, actual, where);
            }
            BigDecimal error = new BigDecimal(actual).subtract(ExactReference.mbqmExact(x, m, shift)).abs();
            assertTrue(error.compareTo(half) <= 0, where + " error " + error);
        }
    }

    @Test
    void singleRoundingIsNeverFartherFromTheRealProductThanDoubleRounding() {
        Random rnd = new Random(SEED + 6);
        int differ = 0;
        for (int i = 0; i < RANDOM_PAIRS; i++) {
            int shift = -rnd.nextInt(12); // small multipliers, as requantization uses
            int m = (1 << 30) + rnd.nextInt(1 << 30);
            int x = rnd.nextInt(1 << 16) - (1 << 15);
            int single = FixedPoint.multiplyByQuantizedMultiplier(x, m, shift);
            int twice = FixedPoint.multiplyByQuantizedMultiplierDoubleRounding(x, m, shift);
            BigDecimal exact = ExactReference.mbqmExact(x, m, shift);
            BigDecimal e1 = new BigDecimal(single).subtract(exact).abs();
            BigDecimal e2 = new BigDecimal(twice).subtract(exact).abs();
            assertTrue(e1.compareTo(e2) <= 0, "x=" + x + " m=" + m + " shift=" + shift);
            if (single != twice) {
                differ++;
            }
        }
        assertTrue(differ > 0, "the two builds differ on some inputs");
    }

    @Test
    void singleRoundingAssertsItsPreconditions() {
        assumeTrue(FixedPoint.class.desiredAssertionStatus(), "needs -ea");
        // the result overflows int32
        assertThrows(AssertionError.class, () -> FixedPoint.multiplyByQuantizedMultiplier(1 << 21, 1 << 30, 11));
        assertThrows(AssertionError.class, () -> FixedPoint.multiplyByQuantizedMultiplier(Integer.MIN_VALUE, 1 << 30, 2));
        // the extremes that still fit are accepted: 2^20 * 2^11 / 2 = 2^30; -2^31 exactly
        assertEquals(1 << 30, FixedPoint.multiplyByQuantizedMultiplier(1 << 20, 1 << 30, 11));
        assertEquals(Integer.MIN_VALUE, FixedPoint.multiplyByQuantizedMultiplier(Integer.MIN_VALUE, 1 << 30, 1));
        // shift and multiplier ranges
        assertThrows(AssertionError.class, () -> FixedPoint.multiplyByQuantizedMultiplier(0, 1 << 30, 31));
        assertThrows(AssertionError.class, () -> FixedPoint.multiplyByQuantizedMultiplier(1, 1 << 30, -32));
        assertThrows(AssertionError.class, () -> FixedPoint.multiplyByQuantizedMultiplier(1, -1, 0));
    }

    @Test
    void singleRoundingWithQuantizedMultipliersTracksTheRealProduct() {
        Random rnd = new Random(SEED + 7);
        for (int i = 0; i < 10_000; i++) {
            double real = Math.exp(Math.log(1e-6) + rnd.nextDouble() * Math.log(1e6)); // [1e-6, 1)
            QuantizedMultiplier qm = QuantizedMultiplier.of(real);
            int x = rnd.nextInt(1 << 24) - (1 << 23);
            int y = FixedPoint.multiplyByQuantizedMultiplier(x, qm.multiplier(), qm.shift());
            // |y - x * M| <= 1/2 (one rounding) + |x| * 2^-31 relative error of the multiplier
            double bound = 0.5 + Math.abs(x) * real * 0x1p-30;
            assertTrue(Math.abs(y - x * real) <= bound,
                    "seed=" + (SEED + 7) + " case=" + i + " x=" + x + " M=" + real + " y=" + y);
        }
    }

    // ---- MultiplyByQuantizedMultiplier, double rounding (TFLite default build) ----

    @Test
    void doubleRoundingKnownValues() {
        // 0.5 = (2^30, 0)
        assertEquals(50, FixedPoint.multiplyByQuantizedMultiplierDoubleRounding(100, 1 << 30, 0));
        assertEquals(2, FixedPoint.multiplyByQuantizedMultiplierDoubleRounding(3, 1 << 30, 0)); // 1.5 -> 2 (SRDHM tie up)
        assertEquals(-1, FixedPoint.multiplyByQuantizedMultiplierDoubleRounding(-3, 1 << 30, 0)); // -1.5 -> -1 (SRDHM tie up)
        // 0.25 = (2^30, -1): SRDHM(-3, 2^30) = -1 (tie up from -1.5), then -1 / 2 = -0.5 -> -1
        // (tie away): the double rounding gives -1 for an exact value of -0.75
        assertEquals(-1, FixedPoint.multiplyByQuantizedMultiplierDoubleRounding(-3, 1 << 30, -1));
        // 1.0 = (2^30, 1)
        assertEquals(12345, FixedPoint.multiplyByQuantizedMultiplierDoubleRounding(12345, 1 << 30, 1));
        assertEquals(-12345, FixedPoint.multiplyByQuantizedMultiplierDoubleRounding(-12345, 1 << 30, 1));
        // shift 30 with x = ±1 and the largest multiplier: x * 2^30 fits
        // exact value (2^31 - 1) * 2^-1 = 2^30 - 0.5, a SRDHM tie, goes up to 2^30
        assertEquals(1 << 30, FixedPoint.multiplyByQuantizedMultiplierDoubleRounding(1, Integer.MAX_VALUE, 30));
        assertEquals(-(1 << 30) + 1, FixedPoint.multiplyByQuantizedMultiplierDoubleRounding(-1, Integer.MAX_VALUE, 30));
    }

    @Test
    void doubleRoundingMatchesExactReferenceOnBoundaryValues() {
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
                    int actual = FixedPoint.multiplyByQuantizedMultiplierDoubleRounding(x, m, shift);
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
    void doubleRoundingMatchesExactReferenceOnRandomValuesAndIsWithinOneOfTheRealProduct() {
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
            int actual = FixedPoint.multiplyByQuantizedMultiplierDoubleRounding(x, m, shift);
            String where = "seed=" + (SEED + 3) + " case=" + i + " MBQM(" + x + ", " + m + ", " + shift + ")";
            if (expected != actual) {
                assertEquals(expected, actual, where);
            }
            BigDecimal error = new BigDecimal(actual).subtract(ExactReference.mbqmExact(x, m, shift)).abs();
            assertTrue(error.compareTo(one) <= 0, where + " error " + error);
        }
    }

    @Test
    void doubleRoundingAssertsItsPreconditions() {
        assumeTrue(FixedPoint.class.desiredAssertionStatus(), "needs -ea");
        // x * 2^L overflows int32
        assertThrows(AssertionError.class, () -> FixedPoint.multiplyByQuantizedMultiplierDoubleRounding(1 << 20, 1 << 30, 11));
        assertThrows(AssertionError.class, () -> FixedPoint.multiplyByQuantizedMultiplierDoubleRounding(-(1 << 20) - 1, 1 << 30, 11));
        assertThrows(AssertionError.class, () -> FixedPoint.multiplyByQuantizedMultiplierDoubleRounding(2, 1 << 30, 30));
        // the extremes that still fit are accepted
        FixedPoint.multiplyByQuantizedMultiplierDoubleRounding(-(1 << 20), 1 << 30, 11); // -2^31
        FixedPoint.multiplyByQuantizedMultiplierDoubleRounding((1 << 20) - 1, 1 << 30, 11);
        FixedPoint.multiplyByQuantizedMultiplierDoubleRounding(-2, 1 << 30, 30);
        // shift and multiplier ranges
        assertThrows(AssertionError.class, () -> FixedPoint.multiplyByQuantizedMultiplierDoubleRounding(0, 1 << 30, 31));
        assertThrows(AssertionError.class, () -> FixedPoint.multiplyByQuantizedMultiplierDoubleRounding(1, 1 << 30, -32));
        assertThrows(AssertionError.class, () -> FixedPoint.multiplyByQuantizedMultiplierDoubleRounding(1, -1, 0));
    }

    @Test
    void doubleRoundingWithQuantizedMultipliersTracksTheRealProduct() {
        Random rnd = new Random(SEED + 4);
        for (int i = 0; i < 10_000; i++) {
            double real = Math.exp(Math.log(1e-6) + rnd.nextDouble() * Math.log(1e6)); // [1e-6, 1)
            QuantizedMultiplier qm = QuantizedMultiplier.of(real);
            int x = rnd.nextInt(1 << 24) - (1 << 23);
            int y = FixedPoint.multiplyByQuantizedMultiplierDoubleRounding(x, qm.multiplier(), qm.shift());
            // |y - x * M| <= 1 (two roundings) + |x| * 2^-31 relative error of the multiplier
            double bound = 1 + Math.abs(x) * real * 0x1p-30;
            assertTrue(Math.abs(y - x * real) <= bound,
                    "seed=" + (SEED + 4) + " case=" + i + " x=" + x + " M=" + real + " y=" + y);
        }
    }
}
