package io.qat4j.training.tensorboard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.HistogramProto;

/** Tests of {@link TfHistogram} against the definitions of TensorFlow's {@code histogram.cc}. */
class TfHistogramTest {

    private static final double[] LIMITS = TfHistogram.defaultBucketLimits();

    /**
     * Checks the invariants every encoded histogram must satisfy, and that each bucket count equals
     * the number of finite values in {@code [previous limit, limit)}, counted by brute force.
     */
    static void assertConsistent(HistogramProto h, double[] values) {
        List<Double> limits = h.getBucketLimitList();
        List<Double> counts = h.getBucketList();
        assertEquals(limits.size(), counts.size(), "bucket_limit and bucket sizes");
        assertTrue(limits.size() >= 1, "at least one bucket");
        double total = 0;
        for (int i = 0; i < limits.size(); i++) {
            total += counts.get(i);
            assertTrue(Arrays.binarySearch(LIMITS, limits.get(i)) >= 0, "limit " + limits.get(i) + " is a default limit");
            if (i > 0) {
                assertTrue(limits.get(i) > limits.get(i - 1), "limits strictly increase at " + i);
            }
            double lower = i == 0 ? Double.NEGATIVE_INFINITY : limits.get(i - 1);
            double upper = limits.get(i);
            long expected = Arrays.stream(values).filter(Double::isFinite)
                    .filter(v -> v >= lower && v < upper || (upper == Double.MAX_VALUE && v == upper))
                    .count();
            assertEquals(expected, counts.get(i), "count of bucket " + i + " [" + lower + ", " + upper + ")");
        }
        assertEquals(h.getNum(), total, "bucket counts sum to num");
        long finite = Arrays.stream(values).filter(Double::isFinite).count();
        assertEquals(finite, h.getNum(), "num counts the finite values");
        if (finite > 0) {
            assertTrue(counts.get(0) > 0 && counts.get(counts.size() - 1) > 0, "outer buckets non-empty");
        }
    }

    @Test
    void defaultLimitsAreTensorFlowsExponentialBuckets() {
        int zero = Arrays.binarySearch(LIMITS, 0.0);
        assertTrue(zero > 0, "0 is a limit");
        assertEquals(LIMITS.length, 2 * zero + 1, "symmetric around 0");
        assertEquals(-Double.MAX_VALUE, LIMITS[0]);
        assertEquals(Double.MAX_VALUE, LIMITS[LIMITS.length - 1]);
        assertEquals(1e-12, LIMITS[zero + 1]);
        double largestFinite = LIMITS[LIMITS.length - 2];
        assertTrue(largestFinite < 1e20 && largestFinite * 1.1 >= 1e20, "growth stops at 1e20: " + largestFinite);
        for (int i = 1; i < LIMITS.length; i++) {
            assertTrue(LIMITS[i] > LIMITS[i - 1], "strictly increasing at " + i);
            assertTrue(-LIMITS[i] == LIMITS[LIMITS.length - 1 - i], "symmetric at " + i); // == so that -0.0 == 0.0
        }
        for (int i = zero + 2; i < LIMITS.length - 1; i++) {
            assertEquals(LIMITS[i - 1] * 1.1, LIMITS[i], "each limit is the previous one times 1.1");
        }
        // log(1e32) / log(1.1) = 773.1..., so 774 positive limits below 1e20
        assertEquals(774, LIMITS.length - 2 - zero, "positive finite limits");
    }

    @Test
    void zeroAndNegativeZeroFallInTheBucketEndingAtOneEMinus12() {
        for (double z : new double[] {0.0, -0.0}) {
            HistogramProto h = TfHistogram.of(new double[] {z});
            assertEquals(List.of(1e-12), h.getBucketLimitList(), "value " + z);
            assertEquals(List.of(1.0), h.getBucketList());
            assertEquals(1.0, h.getNum());
        }
    }

    @Test
    void aValueEqualToALimitGoesToTheNextBucket() {
        int k = Arrays.binarySearch(LIMITS, 1e-12) + 100;
        double v = LIMITS[k];
        HistogramProto h = TfHistogram.of(new double[] {v});
        assertEquals(List.of(LIMITS[k + 1]), h.getBucketLimitList());
        HistogramProto negative = TfHistogram.of(new double[] {-v});
        // -v equals limit LIMITS.length-1-k, so it is counted in the bucket ending at the next one
        assertEquals(List.of(LIMITS[LIMITS.length - k]), negative.getBucketLimitList());
    }

    @Test
    void extremeFiniteValuesFallInTheOuterBuckets() {
        HistogramProto h = TfHistogram.of(new double[] {-Double.MAX_VALUE, Double.MAX_VALUE, 1e30});
        assertEquals(LIMITS[1], h.getBucketLimit(0));
        assertEquals(1.0, h.getBucket(0));
        assertEquals(Double.MAX_VALUE, h.getBucketLimit(h.getBucketLimitCount() - 1));
        assertEquals(2.0, h.getBucket(h.getBucketCount() - 1));
        assertEquals(-Double.MAX_VALUE, h.getMin());
        assertEquals(Double.MAX_VALUE, h.getMax());
    }

    @Test
    void summaryStatisticsOfKnownValues() {
        double[] values = {3.0, -1.5, 0.25, 3.0, 10.0};
        HistogramProto h = TfHistogram.of(values);
        assertEquals(5.0, h.getNum());
        assertEquals(14.75, h.getSum());
        assertEquals(9.0 + 2.25 + 0.0625 + 9.0 + 100.0, h.getSumSquares());
        assertEquals(-1.5, h.getMin());
        assertEquals(10.0, h.getMax());
        assertConsistent(h, values);
    }

    @Test
    void emptyRunsBetweenBucketsCollapseIntoOneZeroEntry() {
        HistogramProto h = TfHistogram.of(new double[] {-1.0, 1.0});
        assertEquals(List.of(1.0, 0.0, 1.0), h.getBucketList());
        int upperOfOne = Arrays.binarySearch(LIMITS, h.getBucketLimit(2));
        assertEquals(LIMITS[upperOfOne - 1], h.getBucketLimit(1), "the run ends where 1.0's bucket starts");
        assertTrue(h.getBucketLimit(1) <= 1.0 && 1.0 < h.getBucketLimit(2));
        assertTrue(h.getBucketLimit(0) > -1.0);
    }

    @Test
    void nonFiniteValuesAreCountedNowhere() {
        double[] values = {1.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 2.0};
        HistogramProto h = TfHistogram.of(values);
        assertEquals(2.0, h.getNum());
        assertEquals(3.0, h.getSum());
        assertEquals(5.0, h.getSumSquares());
        assertEquals(1.0, h.getMin());
        assertEquals(2.0, h.getMax());
        assertConsistent(h, values);
    }

    @Test
    void histogramWithoutFiniteValuesIsEmpty() {
        for (double[] values : new double[][] {{}, {Double.NaN, Double.POSITIVE_INFINITY}}) {
            HistogramProto h = TfHistogram.of(values);
            assertEquals(0.0, h.getNum());
            assertEquals(0.0, h.getMin());
            assertEquals(0.0, h.getMax());
            assertEquals(0.0, h.getSum());
            assertEquals(List.of(Double.MAX_VALUE), h.getBucketLimitList());
            assertEquals(List.of(0.0), h.getBucketList());
        }
    }

    @Test
    void randomValuesOverManyScalesAreBucketedCorrectly() {
        Random random = new Random(42);
        for (double scale : new double[] {1e-14, 1e-6, 1.0, 1e3, 1e19, 1e25}) {
            double[] values = new double[2000];
            for (int i = 0; i < values.length; i++) {
                values[i] = random.nextGaussian() * scale;
            }
            values[7] = 0.0;
            values[8] = -0.0;
            assertConsistent(TfHistogram.of(values), values);
        }
    }

    @Test
    void floatOverloadMatchesWidenedDoubles() {
        Random random = new Random(5);
        float[] floats = new float[500];
        double[] doubles = new double[floats.length];
        for (int i = 0; i < floats.length; i++) {
            floats[i] = (float) (random.nextGaussian() * 0.05);
            doubles[i] = floats[i];
        }
        floats[3] = Float.NaN;
        doubles[3] = Double.NaN;
        HistogramProto fromFloats = TfHistogram.of(floats);
        assertEquals(TfHistogram.of(doubles), fromFloats);
        assertConsistent(fromFloats, doubles);
    }

    @Test
    void defaultBucketLimitsReturnsACopy() {
        double[] copy = TfHistogram.defaultBucketLimits();
        copy[0] = 0;
        assertArrayEquals(LIMITS, TfHistogram.defaultBucketLimits());
    }
}
