package io.qat4j.executor.op;

import static io.qat4j.executor.op.CommonAttributes.CLAMP;
import static io.qat4j.executor.op.CommonAttributes.INDEX_COLUMN;
import static io.qat4j.executor.op.CommonAttributes.INPUT_ZERO_POINT;
import static io.qat4j.executor.op.CommonAttributes.MULTIPLIERS;
import static io.qat4j.executor.op.CommonAttributes.OUTPUT_ZERO_POINT;
import static io.qat4j.executor.op.CommonAttributes.SHIFTS;
import static io.qat4j.executor.op.CommonAttributes.WEIGHT_ZERO_POINT;

import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.Attributes;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.kernel.Requantization;
import io.qat4j.executor.kernel.WeightedAggregateParams;
import io.qat4j.executor.kernel.WeightedGather;
import io.qat4j.executor.tensor.Tensor;
import java.util.List;

/**
 * {@code weighted_gather} version 1: per-edge messages {@code w_e h_{src(e)}} per head, each
 * requantized ({@link WeightedGather}): the messages of a graph convolution
 * ({@code norm_ij (X W)_j}, Kipf and Welling, ICLR 2017) or of graph attention
 * ({@code alpha_ij W h_j}, Velickovic et al., ICLR 2018) as Degree-Quant quantizes them (Tailor et
 * al., ICLR 2021), to be summed by {@code scatter_add}. {@code weighted_aggregate} is the fused
 * form for models that do not quantize messages.
 *
 * <p>Inputs: {@code x} INT8 activation {@code [H * C]} per node; {@code index} INT32 activation
 * {@code []} or {@code [K]} per edge, its column {@code index_column} the source node (0 for an
 * edge list); {@code weights} INT8, UINT8 or INT16 activation {@code [H]} per edge (the codes of
 * {@code gcn_norm} or {@code edge_softmax}). Output: INT8 {@code [H * C]} per edge. Attributes:
 * {@code index_column}, {@code input_zero_point}, {@code weight_zero_point}, {@code multipliers}
 * and {@code shifts} (one each: {@code S_w S_in / S_out}), {@code output_zero_point},
 * {@code clamp}.
 *
 * <p>Bound, checked at load: one product {@code |w - Z_w| 255} over the weight tensor's whole code
 * range, times {@code 2^max(shift, 0)}, within {@code 2^31 - 1}.
 */
public final class WeightedGatherOp extends AbstractOpDefinition {

    /** The op type. */
    public static final String NAME = "weighted_gather";
    /** The version this class defines. */
    public static final int VERSION = 1;

    private static final List<AttributeSpec> ATTRIBUTES = List.of(INDEX_COLUMN, INPUT_ZERO_POINT, WEIGHT_ZERO_POINT, MULTIPLIERS, SHIFTS,
            OUTPUT_ZERO_POINT, CLAMP);

    /** The definition, as {@link OpRegistry} instantiates it. */
    public WeightedGatherOp() {
        super(NAME, VERSION, "per-edge messages w_e x_src(e) per head, requantized: x INT8 [H*C] per node, index INT32 []|[K] per edge,"
                + " weights INT8|UINT8|INT16 [H] per edge -> INT8 [H*C] per edge", ATTRIBUTES);
    }

    /**
     * The typed attribute builder the exporter uses.
     *
     * @param indexColumn the index column holding source nodes
     * @param inputZeroPoint {@code Z_in} of the node features
     * @param weightZeroPoint {@code Z_w}
     * @param requantization one channel: {@code S_w S_in / S_out}, {@code Z_out}, clamp
     * @return the attributes
     */
    public static Attributes attributes(int indexColumn, int inputZeroPoint, int weightZeroPoint, Requantization requantization) {
        Attributes.Builder a = INDEX_COLUMN.write(Attributes.builder(), indexColumn);
        INPUT_ZERO_POINT.write(a, inputZeroPoint);
        WEIGHT_ZERO_POINT.write(a, weightZeroPoint);
        return CommonAttributes.writeRequantization(a, requantization).build();
    }

    @Override
    public PreparedOp prepare(OpContext op) throws ArtifactFormatException {
        op.expectArity(3, 1);
        GraphOperands.Index index = GraphOperands.index(op, 1, "index");
        WeightedAggregateParams p = GraphOperands.weighted(op, 2);
        TensorInfo weights = op.input(2);
        long widest = Math.max(p.weightZeroPoint() - weights.type().minValue(weights.bits()),
                weights.type().maxValue(weights.bits()) - p.weightZeroPoint());
        if (widest > p.maxWeightSum()) {
            throw op.attributeError(SHIFTS, "a message |w - Z_w| 255 reaches " + widest + " x 255 for the " + weights.bits() + "-bit "
                    + weights.type() + " weights, which times 2^" + p.requantization().maxLeftShift() + " exceeds 2^31 - 1");
        }
        int[] shape = op.output(0).shape();
        String what = GraphOperands.describe(op);
        return inputs -> {
            int nodes = inputs[0].leading();
            int[] source = index.read(what, inputs[1], nodes);
            GraphOperands.expectRows(what, "index", source.length, "weights", inputs[2].leading(), "edges");
            byte[] y = new byte[Math.multiplyExact(source.length, p.features())];
            WeightedGather.run(p, inputs[0].bytes(), nodes, source, GraphOperands.codes(inputs[2]), y);
            return new Tensor[] {Tensor.int8(Tensor.withLeading(source.length, shape), y)};
        };
    }
}
