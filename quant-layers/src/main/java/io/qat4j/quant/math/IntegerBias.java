package io.qat4j.quant.math;

import io.qat4j.executor.quant.Rounding;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The bias of a product {@code x W + b} as the integer model adds it (Jacob et al., CVPR 2018,
 * section 2.4; the executor's {@code BiasQuantizer}): rounded half away from zero to an int32 in
 * units of {@code S_in * S_w[c]}, and back to the real value it stands for. A fake-quantized forward
 * pass that adds these values computes the accumulator the integer model computes; with float
 * biases the two differ by up to half a unit per output, which at 4 bits can be a sizeable part of
 * an output step, and which decides the prediction wherever the product itself is the same for
 * every class (an all-zero input row). Straight-through in training: the float bias's gradient is
 * unchanged.
 */
public final class IntegerBias {

    private IntegerBias() {
    }

    /**
     * @param bias the float bias, {@code nOut} values in any shape
     * @param inputScale {@code S_in}, the scale of the product's input codes
     * @param rowScales {@code S_w[c]}: {@code nOut} weight scales, or one for all
     * @return the represented bias, in {@code bias}'s shape and data type; a code beyond int32 is
     *     clamped to it (the export refuses such a bias with the channel named)
     */
    public static INDArray represented(INDArray bias, double inputScale, double[] rowScales) {
        float[] b = bias.castTo(DataType.FLOAT).reshape(bias.length()).toFloatVector();
        if (rowScales.length != 1 && rowScales.length != b.length) {
            throw new IllegalArgumentException(b.length + " biases but " + rowScales.length + " weight scales");
        }
        float[] out = new float[b.length];
        for (int c = 0; c < b.length; c++) {
            double unit = inputScale * rowScales[rowScales.length == 1 ? 0 : c];
            double code = Rounding.halfAwayFromZero(b[c] / unit);
            code = Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, code));
            out[c] = (float) (code * unit);
        }
        return Nd4j.createFromArray(out).reshape(bias.shape()).castTo(bias.dataType());
    }
}
