package io.qat4j.training.tensorboard;

import java.util.Objects;
import org.tensorflow.proto.HistogramProto;

/**
 * Histograms of values as TensorFlow computes them for {@code HistogramProto} summaries: a port of
 * {@code tensorflow/core/lib/histogram/histogram.cc} with its default bucket limits.
 *
 * <p><b>Buckets.</b> The default limits are {@code 1e-12 * 1.1^k} for every {@code k} with a value below
 * {@code 1e20} (computed by repeated multiplication, as TensorFlow does), their negatives, {@code 0},
 * and {@code ±Double.MAX_VALUE} ({@code DBL_MAX}), sorted increasingly ({@code InitDefaultBucketsInner}).
 * A value {@code v} is counted in bucket {@code b}, the first whose limit is strictly greater than
 * {@code v} ({@code std::upper_bound} in {@code Histogram::Add}); bucket {@code b} therefore covers
 * {@code [limit[b-1], limit[b])}. {@code -0.0} counts as {@code 0.0}, and a finite value equal to
 * {@code Double.MAX_VALUE}, for which TensorFlow would index past the end, goes to the last bucket.
 *
 * <p><b>Encoding.</b> As {@code Histogram::EncodeToProto(proto, preserve_zero_buckets = false)}: a run
 * of consecutive empty buckets between non-empty ones is collapsed into one entry with count 0 whose
 * limit is the last limit of the run. Unlike TensorFlow, the empty runs before the first and after the
 * last non-empty bucket are not emitted: TensorBoard takes {@code min} and {@code max} as the outer edges
 * of the first and last emitted buckets and drops those runs itself ({@code
 * tensorboard/data_compat.py}, {@code _migrate_histogram}). So every {@code bucket_limit} emitted is a
 * default limit, the limits strictly increase, the counts sum to {@code num}, and the first and last
 * counts are non-zero.
 *
 * <p><b>Non-finite values.</b> NaN and ±infinity are skipped: they are counted nowhere, neither in
 * {@code num} nor in a bucket, {@code sum}, {@code sum_squares}, {@code min} or {@code max} (TensorFlow
 * would let them poison the sums). A histogram with no finite value has {@code num = 0},
 * {@code min = max = sum = sum_squares = 0} (TensorBoard's convention for empty histograms, rather than
 * TensorFlow's {@code min = DBL_MAX, max = -DBL_MAX}) and the single entry
 * {@code bucket_limit = DBL_MAX, bucket = 0} that TensorFlow emits when it has no other.
 *
 * <p>Sums are accumulated in {@code double}; {@code float} inputs are widened exactly first.
 */
public final class TfHistogram {

    private static final double[] DEFAULT_LIMITS = computeDefaultLimits();

    private TfHistogram() {
    }

    /** A copy of TensorFlow's default bucket limits, strictly increasing, from {@code -DBL_MAX} to {@code DBL_MAX}. */
    public static double[] defaultBucketLimits() {
        return DEFAULT_LIMITS.clone();
    }

    /** Histogram of the finite values of {@code values}; non-finite values are skipped (see class doc). */
    public static HistogramProto of(double[] values) {
        Objects.requireNonNull(values, "values");
        Accumulator acc = new Accumulator();
        for (double v : values) {
            acc.add(v);
        }
        return acc.encode();
    }

    /** Histogram of the finite values of {@code values}, each widened to {@code double}; non-finite values are skipped. */
    public static HistogramProto of(float[] values) {
        Objects.requireNonNull(values, "values");
        Accumulator acc = new Accumulator();
        for (float v : values) {
            acc.add(v);
        }
        return acc.encode();
    }

    /** Index of the first default limit strictly greater than {@code value}, clamped to the last bucket. */
    static int bucketIndex(double value) {
        // std::upper_bound with operator< (so -0.0 == 0.0, unlike Arrays.binarySearch)
        int lo = 0;
        int hi = DEFAULT_LIMITS.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (value < DEFAULT_LIMITS[mid]) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return Math.min(lo, DEFAULT_LIMITS.length - 1);
    }

    private static double[] computeDefaultLimits() {
        // InitDefaultBucketsInner: grow by 10% from 1e-12 while below 1e20
        int n = 0;
        for (double v = 1.0e-12; v < 1.0e20; v *= 1.1) {
            n++;
        }
        double[] positive = new double[n];
        double v = 1.0e-12;
        for (int i = 0; i < n; i++) {
            positive[i] = v;
            v *= 1.1;
        }
        // -DBL_MAX, -positive reversed, 0, positive, DBL_MAX
        double[] limits = new double[2 * n + 3];
        int k = 0;
        limits[k++] = -Double.MAX_VALUE;
        for (int i = n - 1; i >= 0; i--) {
            limits[k++] = -positive[i];
        }
        limits[k++] = 0.0;
        for (int i = 0; i < n; i++) {
            limits[k++] = positive[i];
        }
        limits[k++] = Double.MAX_VALUE;
        assert k == limits.length;
        return limits;
    }

    /** Running counts, as {@code Histogram::Add}. */
    private static final class Accumulator {
        private final long[] counts = new long[DEFAULT_LIMITS.length];
        private long num;
        private double min = Double.POSITIVE_INFINITY;
        private double max = Double.NEGATIVE_INFINITY;
        private double sum;
        private double sumSquares;

        void add(double value) {
            if (!Double.isFinite(value)) {
                return; // NaN and ±Inf are counted nowhere
            }
            counts[bucketIndex(value)]++;
            if (value < min) {
                min = value;
            }
            if (value > max) {
                max = value;
            }
            num++;
            sum += value;
            sumSquares += value * value;
        }

        HistogramProto encode() {
            HistogramProto.Builder proto = HistogramProto.newBuilder()
                    .setNum(num)
                    .setSum(sum)
                    .setSumSquares(sumSquares);
            if (num == 0) {
                return proto.setMin(0.0).setMax(0.0)
                        .addBucketLimit(Double.MAX_VALUE).addBucket(0.0)
                        .build();
            }
            proto.setMin(min).setMax(max);
            int first = 0;
            while (counts[first] == 0) {
                first++;
            }
            int last = counts.length - 1;
            while (counts[last] == 0) {
                last--;
            }
            for (int i = first; i <= last; ) {
                double end = DEFAULT_LIMITS[i];
                long count = counts[i];
                i++;
                if (count == 0) {
                    // collapse a run of empty buckets into one entry ending at the run's last limit
                    while (i <= last && counts[i] == 0) {
                        end = DEFAULT_LIMITS[i];
                        i++;
                    }
                }
                proto.addBucketLimit(end).addBucket(count);
            }
            return proto.build();
        }
    }
}
