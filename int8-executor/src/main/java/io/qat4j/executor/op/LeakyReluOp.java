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
import io.qat4j.executor.kernel.LeakyRelu;
import io.qat4j.executor.kernel.Requantization;
import java.util.List;

/**
 * {@code leaky_relu} version 1: {@code y = x} for {@code x >= 0} and {@code slope x} below, on int8
 * codes with a requantized output (TFLite's quantized {@code LEAKY_RELU}; {@link LeakyRelu}), for
 * the attention logits of graph attention (Velickovic et al., ICLR 2018, slope 0.2) before
 * {@code edge_softmax}.
 *
 * <p>Input: {@code x} INT8 activation of any shape. Output: INT8 of that shape. Attributes:
 * {@code input_zero_point}, {@code multipliers} and {@code shifts} (two each: {@code S_in / S_out}
 * for {@code x >= Z_in}, then {@code slope S_in / S_out}), {@code output_zero_point},
 * {@code clamp}.
 */
public final class LeakyReluOp extends AbstractOpDefinition {

    /** The op type. */
    public static final String NAME = "leaky_relu";
    /** The version this class defines. */
    public static final int VERSION = 1;

    private static final List<AttributeSpec> ATTRIBUTES = List.of(INPUT_ZERO_POINT, MULTIPLIERS, SHIFTS, OUTPUT_ZERO_POINT, CLAMP);

    /** The definition, as {@link OpRegistry} instantiates it. */
    public LeakyReluOp() {
        super(NAME, VERSION, "leaky ReLU with requantization (TFLite LEAKY_RELU): x INT8 [...] -> INT8 [...]", ATTRIBUTES);
    }

    /**
     * The typed attribute builder the exporter uses.
     *
     * @param inputZeroPoint {@code Z_in}
     * @param requantization two channels: {@code S_in / S_out}, {@code slope S_in / S_out}; {@code Z_out}, clamp
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
        op.expectArity(1, 1);
        TensorInfo x = op.activationInput(0, "input", ElementType.INT8);
        TensorInfo out = op.expectOutput(0, ElementType.INT8, x.shape());
        int zIn = CommonAttributes.zeroPoint(op, INPUT_ZERO_POINT, x, "input");
        Requantization r = CommonAttributes.requantization(op, 2, out, "the multipliers of x >= Z_in and of x < Z_in");
        op.kernel("leaky ReLU", () -> {
            LeakyRelu.check(zIn, r);
            return r;
        });
        int size = x.elementCount();
        return Int8Outputs.of(out, (n, inputs, y) -> LeakyRelu.run(zIn, r, n * size, inputs[0].bytes(), y));
    }
}
