package io.qat4j.quant.math;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Fake quantization {@code x -> S * (clamp(round(x / S) + Z, qMin, qMax) - Z)} (Jacob et al.,
 * CVPR 2018, eq. 12) and the mask of its clipped straight-through estimator.
 *
 * <p>Rounding is ND4J's {@code round}, which rounds half away from zero like C's {@code round()}
 * and the executor. The division {@code x / S} is done in the array's own data type; exporters call
 * {@link #codes} on the same arrays so that the exported integers are the simulated ones.
 */
public final class FakeQuant {

    private FakeQuant() {
    }

    /**
     * Integer codes {@code clamp(round(x / S) + Z, qMin, qMax)}, as a new array of x's type.
     *
     * @param x real values
     * @param scale {@code S > 0}
     * @param zeroPoint {@code Z}
     * @param qMin smallest code
     * @param qMax largest code
     * @return the codes
     */
    public static INDArray codes(INDArray x, double scale, int zeroPoint, int qMin, int qMax) {
        INDArray t = unclampedCodes(x, scale, zeroPoint);
        return clampInPlace(t, qMin, qMax);
    }

    /**
     * Fake-quantized values, as a new array.
     *
     * @param x real values
     * @param scale {@code S > 0}
     * @param zeroPoint {@code Z}
     * @param qMin smallest code
     * @param qMax largest code
     * @return {@code S * (codes - Z)}
     */
    public static INDArray apply(INDArray x, double scale, int zeroPoint, int qMin, int qMax) {
        return codes(x, scale, zeroPoint, qMin, qMax).subi(zeroPoint).muli(scale);
    }

    /**
     * Fake quantization that also returns the clipped-STE mask: 1 where the unclamped code
     * {@code round(x / S) + Z} lies in {@code [qMin, qMax]}, 0 elsewhere (PyTorch's
     * {@code fake_quantize_per_tensor_affine_cachemask}).
     *
     * @param x real values
     * @param scale {@code S > 0}
     * @param zeroPoint {@code Z}
     * @param qMin smallest code
     * @param qMax largest code
     * @return fake-quantized values and mask, both new arrays of x's type and shape
     */
    public static Masked applyWithMask(INDArray x, double scale, int zeroPoint, int qMin, int qMax) {
        INDArray t = unclampedCodes(x, scale, zeroPoint);
        INDArray mask = inRangeMask(t, qMin, qMax);
        INDArray y = clampInPlace(t, qMin, qMax).subi(zeroPoint).muli(scale);
        return new Masked(y, mask);
    }

    /**
     * Symmetric fake quantization with one scale per row of a 2-D array ({@code Z = 0}).
     *
     * @param x2d real values, rows = channels
     * @param rowScales column vector {@code [rows, 1]} of scales
     * @param qMin smallest code
     * @param qMax largest code
     * @param withMask also compute the clipped-STE mask
     * @return fake-quantized values and the mask (null unless requested)
     */
    public static Masked applyPerRow(INDArray x2d, INDArray rowScales, int qMin, int qMax, boolean withMask) {
        INDArray t = Transforms.round(x2d.divColumnVector(rowScales), false);
        INDArray mask = withMask ? inRangeMask(t, qMin, qMax) : null;
        INDArray y = clampInPlace(t, qMin, qMax).muliColumnVector(rowScales);
        return new Masked(y, mask);
    }

    /**
     * Integer codes with one scale per row ({@code Z = 0}).
     *
     * @param x2d real values, rows = channels
     * @param rowScales column vector {@code [rows, 1]} of scales
     * @param qMin smallest code
     * @param qMax largest code
     * @return the codes, a new array
     */
    public static INDArray codesPerRow(INDArray x2d, INDArray rowScales, int qMin, int qMax) {
        return clampInPlace(Transforms.round(x2d.divColumnVector(rowScales), false), qMin, qMax);
    }

    private static INDArray unclampedCodes(INDArray x, double scale, int zeroPoint) {
        INDArray t = Transforms.round(x.div(scale), false);
        return zeroPoint == 0 ? t : t.addi(zeroPoint);
    }

    private static INDArray clampInPlace(INDArray t, int qMin, int qMax) {
        Transforms.max(t, qMin, false);
        return Transforms.min(t, qMax, false);
    }

    private static INDArray inRangeMask(INDArray codes, int qMin, int qMax) {
        INDArray ge = codes.gte(qMin).castTo(codes.dataType());
        return ge.muli(codes.lte(qMax).castTo(codes.dataType()));
    }

    /**
     * A fake-quantized array with its straight-through mask.
     *
     * @param values fake-quantized values
     * @param mask 1 where the gradient passes, 0 where it is clipped; null when not computed
     */
    public record Masked(INDArray values, INDArray mask) {
    }
}
