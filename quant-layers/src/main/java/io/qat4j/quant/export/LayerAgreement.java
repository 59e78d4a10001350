package io.qat4j.quant.export;

import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.quant.Rounding;
import io.qat4j.executor.runtime.Int8Executor;
import io.qat4j.executor.tensor.Tensor;
import io.qat4j.quant.layers.InputScales;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One activation tensor compared between the int8 executor and the fake-quantized network it was
 * exported from: the executor's codes ({@link Int8Executor#traceAll}) against
 * {@code clamp(round(a / S) + Z)} of the fake-quantized values {@code a} of the vertex of the same
 * name, with the artifact's scale and zero point of that tensor (pooling outputs share their
 * input's). The fake-quantized values are exact integers times {@code S}, so these are the codes
 * training simulated; the first layer sees identical inputs, so its differences come only from the
 * int32 bias and float rounding, and later layers also inherit upstream differences.
 *
 * @param layer vertex name, which is also the artifact's tensor name
 * @param codes compared codes
 * @param differing codes that differ
 * @param maxDifference largest absolute difference of two codes
 */
public record LayerAgreement(String layer, long codes, long differing, int maxDifference) {

    /** @return share of differing codes */
    public double differingShare() {
        return codes == 0 ? 0 : (double) differing / codes;
    }

    /**
     * Compares every int8 activation of one batch of a one-input classifier artifact, except the
     * graph input, quantized with {@link Int8Executor#quantizeInput}.
     *
     * @param fq the fake-quantized network
     * @param ex its exported artifact
     * @param features a batch of inputs in the network's layout
     * @return one entry per compared tensor, in graph order
     */
    public static List<LayerAgreement> compare(ComputationGraph fq, Int8Executor ex, INDArray features) {
        float[] x = features.castTo(DataType.FLOAT).dup('c').data().asFloat();
        String input = ex.inputs().keySet().iterator().next();
        Tensor codes = Tensor.int8(Tensor.withLeading((int) features.size(0), ex.inputShape()), ex.quantizeInput(x));
        return compare(fq, ex, Map.of(input, codes), features);
    }

    /**
     * Compares every int8 activation of one batch, except the graph inputs, for an artifact and
     * network of any inputs.
     *
     * @param fq the fake-quantized network
     * @param ex its exported artifact
     * @param inputs the artifact's inputs for the batch, by name
     * @param networkInputs the same batch in the network's layout, one array per network input, in order
     * @return one entry per compared tensor, in graph order
     */
    public static List<LayerAgreement> compare(ComputationGraph fq, Int8Executor ex, Map<String, Tensor> inputs,
            INDArray... networkInputs) {
        Map<String, TensorInfo> tensors = new HashMap<>();
        ex.model().tensors().forEach(t -> tensors.put(t.name(), t));
        Map<String, Tensor> trace = ex.traceAll(inputs);
        InputScales.bind(fq);
        Map<String, INDArray> acts = fq.feedForward(networkInputs, false);
        List<LayerAgreement> out = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : trace.entrySet()) {
            TensorInfo t = tensors.get(e.getKey());
            if (!(e.getValue().array() instanceof byte[] codes) || t == null || ex.inputs().containsKey(e.getKey())
                    || !acts.containsKey(e.getKey())) {
                continue;
            }
            float[] a = acts.get(e.getKey()).castTo(DataType.FLOAT).dup('c').data().asFloat();
            float scale = (float) t.quant().scale(0);
            int zp = t.quant().zeroPoint(0);
            int qMax = (1 << (t.bits() - 1)) - 1;
            long differing = 0;
            int maxDifference = 0;
            for (int i = 0; i < codes.length; i++) {
                int diff = Math.abs(Rounding.quantizeFloat(a[i], scale, zp, -qMax - 1, qMax) - codes[i]);
                differing += diff == 0 ? 0 : 1;
                maxDifference = Math.max(maxDifference, diff);
            }
            out.add(new LayerAgreement(e.getKey(), codes.length, differing, maxDifference));
        }
        return List.copyOf(out);
    }

    /**
     * Sums the comparisons of several batches, layer by layer.
     *
     * @param batches results of {@link #compare}, each in graph order
     * @return the totals, in graph order
     */
    public static List<LayerAgreement> total(List<List<LayerAgreement>> batches) {
        Map<String, LayerAgreement> sum = new LinkedHashMap<>();
        for (List<LayerAgreement> batch : batches) {
            for (LayerAgreement l : batch) {
                sum.merge(l.layer(), l, (a, b) -> new LayerAgreement(a.layer(), a.codes() + b.codes(),
                        a.differing() + b.differing(), Math.max(a.maxDifference(), b.maxDifference())));
            }
        }
        return List.copyOf(sum.values());
    }
}
