package io.qat4j.executor.artifact;

import java.util.Arrays;

/**
 * Quantization parameters of a tensor, {@code r = S * (q - Z)} (Jacob et al., CVPR 2018, eq. 1),
 * per tensor or per slice along one axis, as TensorFlow Lite's {@code QuantizationParameters}
 * ({@code scale[]}, {@code zero_point[]}, {@code quantized_dimension}).
 *
 * <p>With {@code axis == -1} there is one scale and one zero point. With {@code axis >= 0} there
 * are {@code G} of each, and {@code G} divides the tensor's {@code shape[axis]}: {@code G ==
 * shape[axis]} is per channel; a smaller {@code G} splits the axis into {@code G} groups of
 * {@code shape[axis] / G} consecutive channels (Q-BERT group-wise quantization, Shen et al.,
 * AAAI 2020). The tensor checks the axis and the zero-point range; this record checks what it can
 * alone.
 *
 * <p>The scales are for reference and inspection: integer kernels use the integer multipliers and
 * shifts stored in op {@link Attributes}.
 *
 * @param axis {@code -1} for per tensor, else the quantized axis
 * @param zeroPoints {@code Z}, one per slice (copied)
 * @param scales {@code S}, finite and positive, one per slice (copied)
 */
public record QuantInfo(int axis, int[] zeroPoints, double[] scales) {

    /** Checks the invariants stated in the class documentation and copies the arrays. */
    public QuantInfo {
        Checks.nonNull(zeroPoints, "quant.zeroPoints");
        Checks.nonNull(scales, "quant.scales");
        zeroPoints = zeroPoints.clone();
        scales = scales.clone();
        if (axis < -1) {
            throw new InvariantViolation("quant.axis", "axis " + axis + " is neither -1 (per tensor) nor a dimension index");
        }
        if (zeroPoints.length != scales.length) {
            throw new InvariantViolation("quant.scales",
                    zeroPoints.length + " zero points but " + scales.length + " scales");
        }
        if (zeroPoints.length == 0) {
            throw new InvariantViolation("quant.scales", "no scale given");
        }
        Checks.arrayLength(scales.length, "quant.scales");
        if (axis == -1 && scales.length != 1) {
            throw new InvariantViolation("quant.scales", "per-tensor quantization (axis -1) has one scale, got " + scales.length);
        }
        for (int i = 0; i < scales.length; i++) {
            double s = scales[i];
            if (!(s > 0) || Double.isInfinite(s)) {
                throw new InvariantViolation("quant.scales[" + i + "]", "scale " + s + " is not finite and positive");
            }
        }
    }

    /**
     * @param scale {@code S}
     * @param zeroPoint {@code Z}
     * @return per-tensor parameters
     */
    public static QuantInfo perTensor(double scale, int zeroPoint) {
        return new QuantInfo(-1, new int[] {zeroPoint}, new double[] {scale});
    }

    /**
     * @param axis the quantized axis, {@code >= 0}
     * @param zeroPoints one per slice
     * @param scales one per slice
     * @return per-axis parameters
     */
    public static QuantInfo perAxis(int axis, int[] zeroPoints, double[] scales) {
        return new QuantInfo(axis, zeroPoints, scales);
    }

    /**
     * @param axis the quantized axis, {@code >= 0}
     * @param scales one per slice
     * @return per-axis symmetric parameters ({@code Z = 0}), as for weights
     */
    public static QuantInfo symmetricPerAxis(int axis, double[] scales) {
        return new QuantInfo(axis, new int[scales.length], scales);
    }

    /** @return whether there is a single scale for the whole tensor */
    public boolean isPerTensor() {
        return axis == -1;
    }

    /** @return the number of slices, {@code G} */
    public int count() {
        return scales.length;
    }

    /**
     * @param slice slice index
     * @return its zero point
     */
    public int zeroPoint(int slice) {
        return zeroPoints[slice];
    }

    /**
     * @param slice slice index
     * @return its scale
     */
    public double scale(int slice) {
        return scales[slice];
    }

    /** @return a copy of the zero points */
    @Override
    public int[] zeroPoints() {
        return zeroPoints.clone();
    }

    /** @return a copy of the scales */
    @Override
    public double[] scales() {
        return scales.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuantInfo q && axis == q.axis && Arrays.equals(zeroPoints, q.zeroPoints)
                && Arrays.equals(scales, q.scales);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * axis + Arrays.hashCode(zeroPoints)) + Arrays.hashCode(scales);
    }

    @Override
    public String toString() {
        return "QuantInfo[axis=" + axis + ", zeroPoints=" + Arrays.toString(zeroPoints)
                + ", scales=" + Arrays.toString(scales) + "]";
    }
}
