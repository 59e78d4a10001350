package io.qat4j.executor.op;

import static io.qat4j.executor.op.CommonAttributes.CLAMP;
import static io.qat4j.executor.op.CommonAttributes.OUTPUT_ZERO_POINT;

import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.Attributes;
import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.kernel.ActivationClamp;
import io.qat4j.executor.kernel.Add;
import io.qat4j.executor.kernel.AddParams;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code add} version 1: element-wise sum of two int8 tensors of different scales (TFLite's
 * quantized {@code ADD}, {@code kernels/add.cc} and {@code reference_integer_ops::Add}): both
 * inputs are brought to a common scale by multipliers below one after a left shift, summed, and
 * the sum rescaled to the output; the residual add of ResNet blocks.
 *
 * <p>Inputs: {@code a}, {@code b} INT8 activations of equal shape. Output: INT8 of that shape.
 * Attributes, named after {@link AddParams}: {@code input1_zero_point}, {@code input1_multiplier},
 * {@code input1_shift}, {@code input2_zero_point}, {@code input2_multiplier}, {@code input2_shift},
 * {@code left_shift}, {@code output_multiplier}, {@code output_shift}, {@code output_zero_point},
 * {@code clamp}. Format version 1 stored the same twelve integers positionally in
 * {@code add_params}; {@link #fromFormatVersion1} converts them.
 *
 * <p>{@code add} version 2 ({@link Signed}) has the same attributes and admits negative input
 * multipliers, which subtract their input ({@link AddParams}): {@code r1 + w r2} for any real
 * {@code w}, as GIN's {@code (1 + eps) x} needs when training drives {@code eps} below {@code -1}.
 * The exporter writes version 2 only for such an add ({@link #versionFor}).
 */
public class AddOp extends AbstractOpDefinition {

    /** The op type. */
    public static final String NAME = "add";
    /** The version this class defines: input multipliers non-negative. */
    public static final int VERSION = 1;
    /** The version of {@link Signed}: input multipliers of either sign. */
    public static final int SIGNED_VERSION = 2;

    /** {@code Z1}. */
    public static final IntAttribute INPUT1_ZERO_POINT = IntAttribute.of("input1_zero_point", ValueRule.INT8, "Z1, input a's zero point");
    /** Q31 multiplier of {@code S1 / (2 max(S1, S2))}. */
    public static final IntAttribute INPUT1_MULTIPLIER = IntAttribute.of("input1_multiplier", ValueRule.Q31_MULTIPLIER,
            "Q31 multiplier of S1 / (2 max(S1, S2))");
    /** Its shift, {@code <= 0}. */
    public static final IntAttribute INPUT1_SHIFT = IntAttribute.of("input1_shift", ValueRule.range(-31, 0),
            "shift of input1_multiplier (a multiplier below one)");
    /** {@code Z2}. */
    public static final IntAttribute INPUT2_ZERO_POINT = IntAttribute.of("input2_zero_point", ValueRule.INT8, "Z2, input b's zero point");
    /** Q31 multiplier of {@code S2 / (2 max(S1, S2))}. */
    public static final IntAttribute INPUT2_MULTIPLIER = IntAttribute.of("input2_multiplier", ValueRule.Q31_MULTIPLIER,
            "Q31 multiplier of S2 / (2 max(S1, S2))");
    /** Its shift, {@code <= 0}. */
    public static final IntAttribute INPUT2_SHIFT = IntAttribute.of("input2_shift", ValueRule.range(-31, 0),
            "shift of input2_multiplier (a multiplier below one)");
    /** Headroom shift applied to both inputs. */
    public static final IntAttribute LEFT_SHIFT = IntAttribute.of("left_shift", ValueRule.range(0, 22),
            "headroom left shift applied to both inputs");
    /** Q31 multiplier of {@code 2 max(S1, S2) / (2^leftShift S_out)}. */
    public static final IntAttribute OUTPUT_MULTIPLIER = IntAttribute.of("output_multiplier", ValueRule.Q31_MULTIPLIER,
            "Q31 multiplier of 2 max(S1, S2) / (2^left_shift S_out)");
    /** Its shift. */
    public static final IntAttribute OUTPUT_SHIFT = IntAttribute.of("output_shift", ValueRule.SHIFT, "shift of output_multiplier");
    /** Version 2's {@link #INPUT1_MULTIPLIER}, of either sign. */
    public static final IntAttribute INPUT1_SIGNED_MULTIPLIER = IntAttribute.of(INPUT1_MULTIPLIER.name(),
            ValueRule.SIGNED_Q31_MULTIPLIER, "Q31 multiplier of S1 / (2 max(S1, S2)), negative to subtract input a");
    /** Version 2's {@link #INPUT2_MULTIPLIER}, of either sign. */
    public static final IntAttribute INPUT2_SIGNED_MULTIPLIER = IntAttribute.of(INPUT2_MULTIPLIER.name(),
            ValueRule.SIGNED_Q31_MULTIPLIER, "Q31 multiplier of |w| S2 / (2 max(S1, |w| S2)), negative (w < 0) to subtract input b");
    /** The format-1 positional attribute. */
    public static final String FORMAT1_ADD_PARAMS = "add_params";

    private static final List<IntAttribute> SCALARS = List.of(INPUT1_ZERO_POINT, INPUT1_MULTIPLIER, INPUT1_SHIFT, INPUT2_ZERO_POINT,
            INPUT2_MULTIPLIER, INPUT2_SHIFT, LEFT_SHIFT, OUTPUT_MULTIPLIER, OUTPUT_SHIFT, OUTPUT_ZERO_POINT);
    private static final List<IntAttribute> SIGNED_SCALARS = List.of(INPUT1_ZERO_POINT, INPUT1_SIGNED_MULTIPLIER, INPUT1_SHIFT,
            INPUT2_ZERO_POINT, INPUT2_SIGNED_MULTIPLIER, INPUT2_SHIFT, LEFT_SHIFT, OUTPUT_MULTIPLIER, OUTPUT_SHIFT, OUTPUT_ZERO_POINT);

    private final IntAttribute input1Multiplier;
    private final IntAttribute input2Multiplier;

    /** The definition of version 1, as {@link OpRegistry} instantiates it. */
    public AddOp() {
        this(VERSION, SCALARS, "element-wise add with two rescales (TFLite ADD): a, b INT8 [...] -> INT8 [...]");
    }

    private AddOp(int version, List<IntAttribute> scalars, String description) {
        super(NAME, version, description, attributeList(scalars));
        this.input1Multiplier = scalars.get(1);
        this.input2Multiplier = scalars.get(4);
    }

    private static List<AttributeSpec> attributeList(List<IntAttribute> scalars) {
        List<AttributeSpec> all = new ArrayList<>(scalars);
        all.add(CLAMP);
        return List.copyOf(all);
    }

    /**
     * {@code add} version 2: input multipliers of either sign, a negative one subtracting its
     * input ({@code r1 + w r2} for a real {@code w}).
     */
    public static final class Signed extends AddOp {

        /** The definition of version 2, as {@link OpRegistry} instantiates it. */
        public Signed() {
            super(SIGNED_VERSION, SIGNED_SCALARS,
                    "element-wise weighted add with two signed rescales: a, b INT8 [...] -> INT8 [...]");
        }

        /** Format version 1 has no version-2 ops: its attributes are taken as stored. */
        @Override
        public Attributes fromFormatVersion1(OpContext op) {
            return op.node().attributes();
        }
    }

    /**
     * @param p the add's parameters
     * @return {@link #SIGNED_VERSION} when an input is subtracted, else {@link #VERSION}
     */
    public static int versionFor(AddParams p) {
        return p.subtracts() ? SIGNED_VERSION : VERSION;
    }

    /**
     * The typed attribute builder the exporter uses, for the op of {@link #versionFor} the parameters.
     *
     * @param p the add's parameters
     * @return the attributes
     */
    public static Attributes attributes(AddParams p) {
        List<IntAttribute> scalars = p.subtracts() ? SIGNED_SCALARS : SCALARS;
        int[] values = {p.input1ZeroPoint(), p.input1Multiplier(), p.input1Shift(), p.input2ZeroPoint(), p.input2Multiplier(),
            p.input2Shift(), p.leftShift(), p.outputMultiplier(), p.outputShift(), p.outputZeroPoint()};
        Attributes.Builder a = Attributes.builder();
        for (int k = 0; k < scalars.size(); k++) {
            scalars.get(k).write(a, values[k]);
        }
        return CLAMP.write(a, p.activation().min(), p.activation().max()).build();
    }

    /**
     * Format version 1 stored the attributes as twelve integers in {@code add_params}, in the
     * order of {@link #attributes()} (the clamp as its min and max).
     */
    @Override
    public Attributes fromFormatVersion1(OpContext op) throws ArtifactFormatException {
        Map<String, long[]> ints = new LinkedHashMap<>(op.node().attributes().ints());
        long[] v = ints.remove(FORMAT1_ADD_PARAMS);
        String field = "attributes." + FORMAT1_ADD_PARAMS;
        if (v == null) {
            throw op.error(field, "attribute '" + FORMAT1_ADD_PARAMS + "' is missing (format version 1 stores add's 12 integers there)");
        }
        if (v.length != SCALARS.size() + 2) {
            throw op.error(field, "attribute '" + FORMAT1_ADD_PARAMS + "' takes " + (SCALARS.size() + 2) + " values, got " + v.length);
        }
        for (AttributeSpec named : attributes()) {
            if (ints.containsKey(named.name())) {
                throw op.error("attributes." + named.name(), "attribute '" + named.name() + "' is given both by name and in '"
                        + FORMAT1_ADD_PARAMS + "' (format version 1 stores it in '" + FORMAT1_ADD_PARAMS + "' only)");
            }
        }
        Attributes.Builder a = Attributes.builder();
        for (int k = 0; k < v.length; k++) {
            if (v[k] != (int) v[k]) {
                throw op.error(field, "attribute '" + FORMAT1_ADD_PARAMS + "': value " + v[k] + " at [" + k + "] is not an int32");
            }
        }
        // kept as stored: prepare() checks the ranges and names the converted attribute
        for (int k = 0; k < SCALARS.size(); k++) {
            a.put(SCALARS.get(k).name(), v[k]);
        }
        a.put(CLAMP.name(), v[SCALARS.size()], v[SCALARS.size() + 1]);
        for (Map.Entry<String, long[]> e : ints.entrySet()) {
            a.put(e.getKey(), e.getValue());
        }
        op.node().attributes().reals().forEach(a::putReal);
        return a.build();
    }

    /** @return true: each example (row, image) of the batch is computed from itself alone */
    @Override
    public boolean perExample() {
        return true;
    }

    @Override
    public PreparedOp prepare(OpContext op) throws ArtifactFormatException {
        op.expectArity(2, 1);
        TensorInfo a = op.activationInput(0, "input a", ElementType.INT8);
        TensorInfo b = op.activationInput(1, "input b", ElementType.INT8);
        op.expectInputShape(1, "input b", a.shape());
        TensorInfo out = op.expectOutput(0, ElementType.INT8, a.shape());
        int z1 = CommonAttributes.zeroPoint(op, INPUT1_ZERO_POINT, a, "input a");
        int z2 = CommonAttributes.zeroPoint(op, INPUT2_ZERO_POINT, b, "input b");
        int zOut = CommonAttributes.zeroPoint(op, OUTPUT_ZERO_POINT, out, "output");
        ActivationClamp clamp = CommonAttributes.clamp(op, CLAMP, out);
        int m1 = input1Multiplier.read(op);
        int s1 = INPUT1_SHIFT.read(op);
        int m2 = input2Multiplier.read(op);
        int s2 = INPUT2_SHIFT.read(op);
        int left = LEFT_SHIFT.read(op);
        int mOut = OUTPUT_MULTIPLIER.read(op);
        int sOut = OUTPUT_SHIFT.read(op);
        AddParams p = op.kernel("add", () -> new AddParams(z1, m1, s1, z2, m2, s2, left, mOut, sOut, zOut, clamp));
        int size = out.elementCount();
        String name = op.node().name();
        return Int8Outputs.of(out, (n, inputs, y) -> {
            if (inputs[1].leading() != n) {
                throw new IllegalArgumentException("add '" + name + "': inputs have leading dimensions " + n + " and "
                        + inputs[1].leading());
            }
            Add.run(p, n * size, inputs[0].bytes(), inputs[1].bytes(), y);
        });
    }
}
