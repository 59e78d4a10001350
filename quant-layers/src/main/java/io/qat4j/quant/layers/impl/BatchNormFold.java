package io.qat4j.quant.layers.impl;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A batch normalization folded into the preceding linear layer, from its running statistics
 * (Jacob et al., CVPR 2018, section 3.2; Krishnamoorthi, arXiv:1806.08342, section 3.2; PyTorch
 * {@code fuse_conv_bn_weights}): per output channel {@code s = gamma / sqrt(runVar + eps)}, folded
 * weights {@code W * s} and folded bias {@code beta - s * runMean}, so that
 * {@code BN(W x) = (W * s) x + (beta - s * runMean)}.
 *
 * <p>Computed once per forward pass and used by the weight fake quantization, by both
 * implementations of the layer tail ({@link ComputeTail}) and by the exporter (through
 * {@link QuantComputeLayerImpl#foldedWeights()}), so that all of them see the same numbers.
 *
 * @param scale {@code s = gamma / std} per channel
 * @param safeScale {@code s} as a column {@code [C, 1]}, magnitudes below {@value #MIN_SCALE}
 *     replaced by {@code ±}{@value #MIN_SCALE} so that weights can be divided by it
 * @param std {@code sqrt(runVar + eps)} per channel
 * @param bias {@code beta - s * runMean} per channel
 */
public record BatchNormFold(INDArray scale, INDArray safeScale, INDArray std, INDArray bias) {

    /** Smallest fold-scale magnitude used to scale weight rows. */
    public static final double MIN_SCALE = 1e-12;

    /**
     * @param gamma scales
     * @param beta shifts
     * @param runningMean running means
     * @param runningVar running (unbiased) variances
     * @param eps variance epsilon
     * @return the fold of these statistics (new arrays: later updates of the statistics do not change it)
     */
    public static BatchNormFold of(INDArray gamma, INDArray beta, INDArray runningMean, INDArray runningVar, double eps) {
        INDArray std = Transforms.sqrt(runningVar.add(eps), false);
        INDArray scale = gamma.div(std);
        INDArray bias = beta.sub(runningMean.mul(scale));
        return new BatchNormFold(scale, safeDivisor(scale).reshape(scale.length(), 1), std, bias);
    }

    /**
     * @param rows weights, one output channel per row
     * @return {@code rows * s}, a new array
     */
    public INDArray fold(INDArray rows) {
        return rows.mulColumnVector(safeScale);
    }

    /**
     * @param rows folded weights, one output channel per row; divided in place
     * @return {@code rows / s} (rows itself)
     */
    public INDArray unfoldInPlace(INDArray rows) {
        return rows.diviColumnVector(safeScale);
    }

    /** Replaces magnitudes below {@link #MIN_SCALE} by {@code ±MIN_SCALE} (sign of 0 taken as +). */
    private static INDArray safeDivisor(INDArray s) {
        INDArray sign = Transforms.sign(s, true);
        sign.addi(sign.eq(0).castTo(sign.dataType())); // sign(0) -> +1
        INDArray mag = Transforms.max(Transforms.abs(s, true), MIN_SCALE, false);
        return mag.muli(sign);
    }
}
