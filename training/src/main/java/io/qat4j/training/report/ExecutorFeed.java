package io.qat4j.training.report;

import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.QuantInfo;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.kernel.InputDataException;
import io.qat4j.executor.runtime.Int8Executor;
import io.qat4j.executor.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs an int8 artifact on the batches its network is trained and scored on: the artifact's named
 * inputs ({@link Int8Executor#run(Map)}) are fed from the batch's features arrays, matched by name,
 * and its one output is dequantized into the float array the network would produce.
 *
 * <ul>
 *   <li>Names: the exporter names each artifact input after the network input it takes (the
 *       quantized image input is {@code input}, the network's
 *       {@link io.qat4j.training.model.NetworkBuilder#INPUT}; a graph network's are {@code nodes},
 *       {@code edges}, {@code graph}), and the data names its features arrays
 *       ({@link io.qat4j.training.eval.EvaluationSet#inputNames()}). A data input the artifact
 *       does not take, such as Degree-Quant's {@code protect} mask, which only training uses, is
 *       not passed; an artifact input the data lacks is an error naming both lists.</li>
 *   <li>An INT8 input (per tensor) is quantized at the boundary as the executor's classifier API
 *       and the training-time input quantizer do: {@code q = clamp(round(x / S) + Z)}, dividing in
 *       float and rounding half away from zero ({@link Int8Executor#quantizeInput(TensorInfo, float[])}), the range
 *       {@code [-2^(b-1), 2^(b-1) - 1]} of the input's bit width {@code b} (Jacob et al., CVPR
 *       2018, eq. 1).</li>
 *   <li>An INT32 input (edge indices, graph ids) takes the values themselves, which must be
 *       integers of the int32 range; anything else is an {@link InputDataException} naming the
 *       input, the row and the value (the executor's ops then check indices against the node
 *       count and graph ids for order, naming the op, the row and the value).</li>
 *   <li>The output {@code q} becomes {@code (float) ((q - Z) S)} with the scale and zero point of
 *       its slice (per tensor, or per slice along the quantized axis), which for INT32 logits with
 *       per-class scales is exactly the classifier API's dequantized logits.</li>
 * </ul>
 * A features array feeds an input of per-example shape {@code [d...]} when it has
 * {@code d_1 * ... * d_k} values per row (so a graph-id column {@code [N, 1]} feeds an input
 * {@code [N]}), taken in row-major order.
 */
public final class ExecutorFeed {

    private final Int8Executor executor;
    private final String[] names;
    private final TensorInfo[] inputs;
    /** For each artifact input, the index of its features array in the data. */
    private final int[] featureIndex;
    private final String outputName;
    private final TensorInfo output;

    /**
     * @param executor a loaded artifact with one output
     * @param dataInputs the names of the data's features arrays, in order
     * @throws IllegalArgumentException when the artifact takes an input the data lacks, an input of
     *     a type this feed cannot make, or has other than one output
     */
    public ExecutorFeed(Int8Executor executor, List<String> dataInputs) {
        this.executor = executor;
        Map<String, TensorInfo> in = executor.inputs();
        this.names = in.keySet().toArray(new String[0]);
        this.inputs = in.values().toArray(new TensorInfo[0]);
        this.featureIndex = new int[names.length];
        for (int k = 0; k < names.length; k++) {
            featureIndex[k] = dataInputs.indexOf(names[k]);
            if (featureIndex[k] < 0) {
                throw new IllegalArgumentException("the artifact takes input '" + names[k] + "', which is not among the"
                        + " data's inputs " + dataInputs + " (the artifact's inputs: " + in.keySet() + ")");
            }
            TensorInfo t = inputs[k];
            boolean quantized = t.type() == ElementType.INT8 && t.quant().isPerTensor();
            if (!quantized && t.type() != ElementType.INT32) {
                throw new IllegalArgumentException("the artifact's input '" + names[k] + "' is " + t.type()
                        + (t.type() == ElementType.INT8 ? " quantized per slice" : "")
                        + "; inputs are fed as per-tensor INT8 (quantized floats) or INT32 (integers)");
            }
        }
        Map<String, TensorInfo> out = executor.outputs();
        if (out.size() != 1) {
            throw new IllegalArgumentException("the artifact has outputs " + out.keySet() + "; scores are of one output");
        }
        this.outputName = out.keySet().iterator().next();
        this.output = out.get(outputName);
        if (output.type() != ElementType.INT32 && output.type() != ElementType.INT8) {
            throw new IllegalArgumentException("the artifact's output '" + outputName + "' is " + output.type()
                    + "; outputs are read as INT32 or INT8");
        }
    }

    /**
     * @param features the batch's features arrays, in the data's input order
     * @return the artifact's inputs by name
     * @throws IllegalArgumentException when an array's values per row do not fit its input
     * @throws InputDataException when an INT32 input's value is not an integer of the int32 range
     */
    public Map<String, Tensor> inputs(INDArray[] features) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int k = 0; k < names.length; k++) {
            m.put(names[k], tensor(names[k], features[featureIndex[k]], inputs[k]));
        }
        return m;
    }

    /**
     * @param features the batch's features arrays, in the data's input order
     * @return the artifact's output, dequantized: float {@code [n, shape...]}
     */
    public INDArray run(INDArray[] features) {
        return dequantize(executor.run(inputs(features)).get(outputName), output);
    }

    /**
     * @param name the input's name, for messages
     * @param x its values, {@code [rows, ...]}
     * @param info the artifact's input
     * @return the executor's tensor of those values
     */
    static Tensor tensor(String name, INDArray x, TensorInfo info) {
        long rows = x.rank() == 0 ? 0 : x.size(0);
        int perRow = info.elementCount();
        if (rows == 0 || x.length() != rows * perRow) {
            throw new IllegalArgumentException("input '" + name + "' of shape " + Arrays.toString(x.shape())
                    + " does not fit the artifact's input of " + Arrays.toString(info.shape()) + " per row");
        }
        int[] shape = Tensor.withLeading(Math.toIntExact(rows), info.shape());
        float[] v = x.castTo(DataType.FLOAT).dup('c').data().asFloat();
        if (info.type() == ElementType.INT32) {
            int[] q = new int[v.length];
            for (int i = 0; i < v.length; i++) {
                if (v[i] != Math.rint(v[i])) {
                    throw new InputDataException("input '" + name + "' is INT32, but row " + i / perRow + " holds "
                            + v[i] + ", not an integer");
                }
                if (Math.abs(v[i]) > Integer.MAX_VALUE) {
                    throw new InputDataException("input '" + name + "' is INT32, but row " + i / perRow + " holds "
                            + v[i] + ", outside the int32 range");
                }
                q[i] = (int) v[i];
            }
            return Tensor.int32(shape, q);
        }
        return Tensor.int8(shape, Int8Executor.quantizeInput(info, v));
    }

    /**
     * @param t an output value
     * @param info its tensor in the artifact
     * @return {@code (float) ((q - Z) S)} of every element, with the parameters of its slice
     */
    static INDArray dequantize(Tensor t, TensorInfo info) {
        int[] q;
        if (t.type() == ElementType.INT32) {
            q = t.ints();
        } else if (t.type() == ElementType.INT8) {
            byte[] b = t.bytes();
            q = new int[b.length];
            for (int i = 0; i < b.length; i++) {
                q[i] = b[i];
            }
        } else {
            throw new IllegalArgumentException("the artifact's output '" + info.name() + "' is " + t.type()
                    + "; outputs are read as INT32 or INT8");
        }
        QuantInfo p = info.quant();
        int perExample = info.elementCount();
        // per slice: the index along the quantized axis of the example shape, in groups of dim / count
        int stride = 1;
        int dim = 1;
        if (p.axis() >= 0) {
            dim = info.dim(p.axis());
            for (int a = p.axis() + 1; a < info.rank(); a++) {
                stride *= info.dim(a);
            }
        }
        int group = dim / p.count();
        float[] r = new float[q.length];
        for (int i = 0; i < q.length; i++) {
            int slice = p.axis() < 0 ? 0 : (i % perExample / stride) % dim / group;
            r[i] = (float) ((q[i] - p.zeroPoint(slice)) * p.scale(slice));
        }
        long[] shape = Arrays.stream(Tensor.withLeading(t.leading(), info.shape())).asLongStream().toArray();
        return Nd4j.createFromArray(r).reshape(shape);
    }
}
