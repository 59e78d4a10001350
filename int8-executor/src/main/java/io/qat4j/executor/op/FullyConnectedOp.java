package io.qat4j.executor.op;

import static io.qat4j.executor.op.CommonAttributes.CLAMP;
import static io.qat4j.executor.op.CommonAttributes.INPUT_ZERO_POINT;
import static io.qat4j.executor.op.CommonAttributes.MULTIPLIERS;
import static io.qat4j.executor.op.CommonAttributes.OUTPUT_ZERO_POINT;
import static io.qat4j.executor.op.CommonAttributes.SHIFTS;

import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.Attributes;
import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.kernel.PreparedFullyConnected;
import io.qat4j.executor.kernel.Requantization;
import java.util.List;

/**
 * {@code fully_connected} version 1: a dense layer with per-output-channel requantization
 * (TFLite's {@code reference_integer_ops::FullyConnected} with per-channel multipliers; Jacob et
 * al., CVPR 2018, section 2.3).
 *
 * <p>Inputs: {@code x} INT8 activation of any per-example shape, read flat ({@code K} values);
 * {@code weights} INT8 or INT4_PACKED constant {@code [O, K]}; {@code bias} INT32 constant
 * {@code [O]}. Output: INT8 {@code [O]}. Attributes: {@code input_zero_point}, {@code multipliers}
 * and {@code shifts} (one per output), {@code output_zero_point}, {@code clamp}; see
 * {@link CommonAttributes}.
 */
public final class FullyConnectedOp extends AbstractOpDefinition {

    /** The op type. */
    public static final String NAME = "fully_connected";
    /** The version this class defines. */
    public static final int VERSION = 1;

    private static final List<AttributeSpec> ATTRIBUTES = List.of(INPUT_ZERO_POINT, MULTIPLIERS, SHIFTS, OUTPUT_ZERO_POINT, CLAMP);

    /** The definition, as {@link OpRegistry} instantiates it. */
    public FullyConnectedOp() {
        super(NAME, VERSION, "dense layer, per-channel requantization (TFLite FullyConnected): x INT8 [...K], weights INT8/INT4_PACKED [O,K], "
                + "bias INT32 [O] -> INT8 [O]",
                ATTRIBUTES);
    }

    /**
     * The typed attribute builder the exporter uses.
     *
     * @param inputZeroPoint {@code Z_in}
     * @param requantization per-channel output stage
     * @return the attributes
     */
    public static Attributes attributes(int inputZeroPoint, Requantization requantization) {
        return CommonAttributes.writeRequantization(INPUT_ZERO_POINT.write(Attributes.builder(), inputZeroPoint), requantization).build();
    }

    /** @return true: each example (row, image) of the batch is computed from itself alone */
    @Override
    public boolean perExample() {
        return true;
    }

    @Override
    public PreparedOp prepare(OpContext op) throws ArtifactFormatException {
        FullyConnectedOperands fc = FullyConnectedOperands.check(op);
        int zIn = CommonAttributes.zeroPoint(op, INPUT_ZERO_POINT, fc.x(), "input");
        Requantization rq = CommonAttributes.requantization(op, fc.outputs(), op.output(0));
        TensorInfo out = op.expectOutput(0, ElementType.INT8, new int[] {fc.outputs()});
        PreparedFullyConnected layer = fc.prepare(op, zIn, rq);
        return Int8Outputs.of(out, (n, inputs, y) -> layer.run(n, inputs[0].bytes(), y));
    }
}
