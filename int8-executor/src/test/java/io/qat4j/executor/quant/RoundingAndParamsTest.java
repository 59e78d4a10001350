package io.qat4j.executor.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RoundingAndParamsTest {

    @Test
    void tiesGoAwayFromZero() {
        assertEquals(3.0, Rounding.halfAwayFromZero(2.5));
        assertEquals(-3.0, Rounding.halfAwayFromZero(-2.5));
        assertEquals(1.0, Rounding.halfAwayFromZero(0.5));
        assertEquals(-1.0, Rounding.halfAwayFromZero(-0.5));
        assertEquals(2.0, Rounding.halfAwayFromZero(2.4999999));
        assertEquals(-2.0, Rounding.halfAwayFromZero(-1.5000001 - 0.4999998));
        assertEquals(0.0, Rounding.halfAwayFromZero(0.49999999999999994));
    }

    @Test
    void roundingMatchesBigDecimalHalfUpOnRandomValues() {
        Random rnd = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            double x = (rnd.nextDouble() - 0.5) * 1e6;
            if (i % 3 == 0) {
                x = Math.floor(x) + 0.5; // exact ties
            }
            double expected = new java.math.BigDecimal(x).setScale(0, java.math.RoundingMode.HALF_UP).doubleValue();
            assertEquals(expected, Rounding.halfAwayFromZero(x), "x=" + x);
        }
    }

    @Test
    void asymmetricParamsRepresentZeroExactly() {
        QuantRange r = QuantRange.of(8, true, false);
        Random rnd = new Random(11);
        for (int i = 0; i < 1000; i++) {
            double a = (rnd.nextDouble() - 0.3) * 10;
            double b = a + rnd.nextDouble() * 10;
            AffineQuantParams p = AffineQuantParams.asymmetric(a, b, r);
            assertEquals(0.0, p.dequantize(p.quantize(0.0)), 0.0);
            assertTrue(p.zeroPoint() >= -128 && p.zeroPoint() <= 127);
            // every value of the widened range is within half a step after round trip
            double lo = Math.min(a, 0), hi = Math.max(b, 0);
            for (double x = lo; x <= hi; x += (hi - lo) / 17) {
                assertEquals(x, p.dequantize(p.quantize(x)), p.scale() * 0.5 + 1e-9);
            }
        }
    }

    @Test
    void positiveOnlyRangeUsesQminAsZeroPoint() {
        AffineQuantParams p = AffineQuantParams.asymmetric(0.5, 6.0, QuantRange.of(8, true, false));
        assertEquals(-128, p.zeroPoint());
        assertEquals(6.0 / 255, p.scale(), 1e-15);
    }

    @Test
    void symmetricParamsHaveZeroZeroPoint() {
        AffineQuantParams p = AffineQuantParams.symmetric(-0.2, 0.127, QuantRange.of(8, true, true));
        assertEquals(0, p.zeroPoint());
        assertEquals(0.2 / 127, p.scale(), 1e-15);
        assertEquals(-127, p.quantize(-0.2));
        assertEquals(127, p.quantize(5.0));
    }

    /**
     * {@code quantizeFloat} against exact decimal rounding (half up of {@code |x / S|} in
     * {@code BigDecimal}, the quotient taken in float as the contract says) on ties, their float
     * neighbours, values near the range ends and 200,000 seeded random values of every magnitude.
     */
    @Test
    void quantizeFloatRoundsHalfAwayFromZeroExactly() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
        java.util.List<Float> values = new java.util.ArrayList<>();
        for (int k = -300; k <= 300; k++) {
            float tie = k + 0.5f;
            values.add(tie);
            values.add(Math.nextUp(tie));
            values.add(Math.nextDown(tie));
            values.add((float) k);
        }
        for (float v : new float[] {0f, -0f, 0.49999997f, 1e-30f, 8388607.5f, 8388608f, 1e9f, -1e9f, Float.MAX_VALUE, -Float.MAX_VALUE}) {
            values.add(v);
        }
        for (int i = 0; i < 200_000; i++) {
            values.add((float) ((rnd.nextDouble() * 2 - 1) * Math.pow(2, rnd.nextInt(-10, 12))));
        }
        for (float x : values) {
            for (float scale : new float[] {1f, 0.0039215689f, 0.37f}) {
                int zp = x > 0 ? -7 : 3;
                float v = x / scale;
                if (Float.isInfinite(v)) {
                    assertEquals(v > 0 ? 128 : -129, Rounding.quantizeFloat(x, scale, zp, -128, 127), "x " + x);
                    continue;
                }
                long exact = new java.math.BigDecimal(Math.abs(v)).setScale(0, java.math.RoundingMode.HALF_UP).min(
                        java.math.BigDecimal.valueOf(1L << 40)).longValueExact() * (v < 0 ? -1 : 1) + zp;
                int expected = exact < -128 ? -129 : exact > 127 ? 128 : (int) exact;
                assertEquals(expected, Rounding.quantizeFloat(x, scale, zp, -128, 127), "x " + x + " scale " + scale);
            }
        }
    }

    @Test
    void floatQuantizationRoundsTiesAwayFromZeroAndFlagsClamping() {
        assertEquals(3, Rounding.quantizeFloat(2.5f, 1f, 0, -128, 127));
        assertEquals(-3, Rounding.quantizeFloat(-2.5f, 1f, 0, -128, 127));
        assertEquals(0, Rounding.quantizeFloat(0.49999997f, 1f, 0, -128, 127));
        assertEquals(-10 + 1, Rounding.quantizeFloat(0.5f, 1f, -10, -128, 127));
        assertEquals(128, Rounding.quantizeFloat(127.5f, 1f, 0, -128, 127), "above the range: qMax + 1");
        assertEquals(-129, Rounding.quantizeFloat(-1000f, 1f, 0, -128, 127), "below the range: qMin - 1");
        Random rnd = new Random(17);
        for (int i = 0; i < 10_000; i++) {
            float x = (float) (rnd.nextGaussian() * 10);
            float s = 0.01f + rnd.nextFloat();
            int zp = rnd.nextInt(20) - 10;
            double v = (double) (x / s); // the float quotient, exactly
            long expected = Rounding.toLongHalfAwayFromZero(v) + zp;
            int got = Rounding.quantizeFloat(x, s, zp, -128, 127);
            if (expected >= -128 && expected <= 127) {
                assertEquals(expected, got, "x=" + x + " s=" + s);
            } else {
                assertEquals(expected < -128 ? -129 : 128, got);
            }
        }
    }

    @Test
    void allZeroTensorGetsMinimumScale() {
        AffineQuantParams p = AffineQuantParams.symmetric(0, 0, QuantRange.of(8, true, true));
        assertEquals(AffineQuantParams.MIN_SCALE, p.scale());
    }
}
