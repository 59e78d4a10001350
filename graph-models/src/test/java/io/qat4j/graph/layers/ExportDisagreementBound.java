package io.qat4j.graph.layers;

import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.artifact.OpNode;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.kernel.SegmentPoolParams.Reduction;
import io.qat4j.executor.op.AddOp;
import io.qat4j.executor.op.AddSelfLoopsOp;
import io.qat4j.executor.op.BiasRequantizeOp;
import io.qat4j.executor.op.FullyConnectedLogitsOp;
import io.qat4j.executor.op.FullyConnectedOp;
import io.qat4j.executor.op.GatherOp;
import io.qat4j.executor.op.GcnNormOp;
import io.qat4j.executor.op.ScatterAddOp;
import io.qat4j.executor.op.SegmentPoolOp;
import io.qat4j.executor.op.WeightedGatherOp;
import java.util.HashMap;
import java.util.Map;

/**
 * How far the executor's codes can be from the fake-quantized network's, derived op by op from an
 * exported graph network, its scales and weights, and the batch's largest in-degree and graph.
 *
 * <p>Each op of the artifact computes the tensor of one quantizer of the network. Given the same
 * input codes, both round the same real value, the executor from its exact integer accumulator
 * and the network from a float32 computation: they can differ only where that value lies within
 * float32 error of a rounding boundary, and then by one code. Given input codes that differ by at
 * most {@code d_in}, the real value differs by at most {@code L d_in S_in} ({@code L} the op's
 * Lipschitz constant in its inputs), so the output codes differ by at most
 * {@code floor(L d_in S_in / S_out) + 1}; clamps never widen a difference. The quantized network
 * input is the same on both sides ({@code d = 0}); integer inputs are exact. The read-out's logits
 * then differ by at most {@code S_h max_c sum_k |W_ck|} per code of difference of its input.
 */
final class ExportDisagreementBound {

    private final Map<Integer, TensorInfo> tensors = new HashMap<>();
    private final Map<Integer, Long> codes = new HashMap<>();
    private double logitsPerCode = Double.NaN;

    /**
     * @param artifact the exported network
     * @param maxInDegree the batch's largest in-degree, self-loop included where an op adds it
     * @param maxGraphNodes the batch's largest graph
     */
    ExportDisagreementBound(LoadedArtifact artifact, int maxInDegree, int maxGraphNodes) {
        artifact.model().tensors().forEach(t -> tensors.put(t.id(), t));
        for (OpNode op : artifact.model().ops()) {
            long d = switch (op.opType()) {
                case AddSelfLoopsOp.NAME -> 0;
                case GcnNormOp.NAME -> 1;
                case GatherOp.NAME -> d(op.input(0));
                case BiasRequantizeOp.NAME -> round(d(op.input(0)) * scale(op.input(0)), op);
                case FullyConnectedOp.NAME -> round(d(op.input(0)) * scale(op.input(0)) * rowSum(artifact, op.input(1)), op);
                case WeightedGatherOp.NAME -> round(scale(op.input(0)) * scale(op.input(2))
                        * (255.0 * d(op.input(0)) + 255.0 * d(op.input(2)) + (double) d(op.input(0)) * d(op.input(2))), op);
                case ScatterAddOp.NAME -> round((double) (maxInDegree + 1) * d(op.input(0)) * scale(op.input(0)), op);
                case AddOp.NAME -> round(d(op.input(0)) * scale(op.input(0)) + d(op.input(1)) * scale(op.input(1)), op);
                case SegmentPoolOp.NAME -> {
                    Reduction r = Reduction.ofCode((int) op.attributes().ints(SegmentPoolOp.MODE.name())[0]);
                    double n = r == Reduction.SUM ? maxGraphNodes : 1;
                    // the mean's 16 fraction bits round once more, by at most 2^-17 S_in
                    yield round(n * d(op.input(0)) * scale(op.input(0)) + (r == Reduction.MEAN ? 0x1p-17 * scale(op.input(0)) : 0), op);
                }
                case FullyConnectedLogitsOp.NAME -> {
                    logitsPerCode = scale(op.input(0)) * rowSum(artifact, op.input(1));
                    yield 0;
                }
                default -> throw new AssertionError("no bound for op " + op.opType());
            };
            codes.put(op.output(0), d);
        }
    }

    private long d(int tensor) {
        return codes.getOrDefault(tensor, 0L);
    }

    private double scale(int tensor) {
        return tensors.get(tensor).quant().scale(0);
    }

    private long round(double realBound, OpNode op) {
        return (long) Math.floor(realBound / scale(op.output(0))) + 1;
    }

    /** @return {@code max_c S_w[c] sum_k |q_ck|} of an INT8 weight constant {@code [O, K]} */
    private double rowSum(LoadedArtifact artifact, int weights) {
        TensorInfo w = tensors.get(weights);
        byte[] q = artifact.blobs().get(w.blobIndex());
        int o = w.dim(0);
        int k = w.dim(1);
        double max = 0;
        for (int c = 0; c < o; c++) {
            long sum = 0;
            for (int j = 0; j < k; j++) {
                sum += Math.abs(q[c * k + j]);
            }
            max = Math.max(max, sum * w.quant().scale(c));
        }
        return max;
    }

    /**
     * @param name an int8 tensor's name
     * @return the bound on its code differences
     */
    long codes(String name) {
        return tensors.values().stream().filter(t -> t.name().equals(name)).findFirst()
                .map(t -> d(t.id())).orElseThrow(() -> new AssertionError("no tensor " + name));
    }

    /** @return {@code S_h max_c sum_k |W_ck|}: the read-out's logits' difference per code of difference of its input */
    double logitsPerCode() {
        return logitsPerCode;
    }
}
