package io.qat4j.training.distributed;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The numbers an averaging round moves between the Spark driver and its tasks, without the
 * network's configuration: the flat parameter vector ({@code net.params()}: weights, biases,
 * batch-norm running statistics and the quantizers' observer state), the flat updater state
 * ({@code net.getUpdater().getStateViewArray()}, e.g. Adam's moments) and the iteration and epoch
 * counts (the quantization schedule's clock), as raw little-endian values: 4 bytes each for
 * float32 networks (and for 16-bit ones, widened exactly), 8 for float64. The configuration
 * travels separately (as JSON, once per round) and each JVM reuses networks built from it
 * ({@code NetworkPool}), so a round costs no zip, no JSON parse and no network construction.
 *
 * <p>Loading a state into a network of the same configuration ({@link #applyTo}) leaves it in the
 * state DL4J's {@code ModelSerializer} restore of that network would give: a
 * {@code ComputationGraph}'s trainable and non-trainable state is exactly its flat parameter
 * vector, its updater state view and the counts (the quantized layers of {@code io.qat4j.quant}
 * keep their observer state in parameters, see {@code QuantParams}; their other fields are
 * per-pass scratch, rewritten by every forward pass). {@code NetworkBytesTest} checks it by
 * training a loaded network and a restored one on the same batches, bit for bit.
 *
 * @param dataType the network's parameter data type
 * @param params the flat parameters, little-endian
 * @param updaterState the flat updater state, little-endian, empty when the updater keeps none
 * @param iterationCount the iteration count
 * @param epochCount the epoch count
 */
public record NetworkBytes(DataType dataType, byte[] params, byte[] updaterState, int iterationCount, int epochCount)
        implements Serializable {

    /**
     * @param net a network
     * @return a copy of its state
     */
    public static NetworkBytes of(ComputationGraph net) {
        INDArray flat = net.params();
        INDArray updater = updaterStateOf(net);
        return new NetworkBytes(flat.dataType(), bytes(flat), updater == null ? new byte[0] : bytes(updater),
                net.getIterationCount(), net.getEpochCount());
    }

    /**
     * Loads this state into a network of the same configuration: parameters, updater state,
     * iteration and epoch counts (graph-wide and per layer), all copied.
     *
     * @param net a network built from the configuration this state was taken from
     * @throws IllegalArgumentException when its parameter or updater-state length or data type differs
     */
    public void applyTo(ComputationGraph net) {
        INDArray flat = net.params();
        if (flat.dataType() != dataType) {
            throw new IllegalArgumentException("the network's parameters are " + flat.dataType() + ", the state's "
                    + dataType);
        }
        INDArray updater = updaterStateOf(net);
        new WorkerStateMerge.MergedState(array(params), updaterState.length == 0 && updater == null ? null
                : array(updaterState), iterationCount, epochCount).applyTo(net);
    }

    /**
     * The SHA-256 of the state an averaging round must leave identical on every copy: the flat
     * parameters (quantizer state included), the updater state, the iteration and epoch counts.
     *
     * @param net a network
     * @return the digest in hex
     */
    public static String stateDigest(ComputationGraph net) {
        NetworkBytes s = of(net);
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-256", e);
        }
        md.update(s.params);
        md.update(s.updaterState);
        md.update(ByteBuffer.allocate(8).putInt(s.iterationCount).putInt(s.epochCount).array());
        return HexFormat.of().formatHex(md.digest());
    }

    /** @return the values of {@code a}, little-endian: float64 as 8 bytes, any other type as float32 (exact) */
    private static byte[] bytes(INDArray a) {
        boolean wide = a.dataType() == DataType.DOUBLE;
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(a.length() * (wide ? Double.BYTES : Float.BYTES)))
                .order(ByteOrder.LITTLE_ENDIAN);
        if (wide) {
            out.asDoubleBuffer().put(a.toDoubleVector());
        } else {
            out.asFloatBuffer().put(a.toFloatVector());
        }
        return out.array();
    }

    /** @return the values as a flat array of the state's data type (16-bit types narrowed back exactly) */
    private INDArray array(byte[] raw) {
        ByteBuffer in = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        if (dataType == DataType.DOUBLE) {
            double[] values = new double[raw.length / Double.BYTES];
            in.asDoubleBuffer().get(values);
            return Nd4j.createFromArray(values);
        }
        float[] values = new float[raw.length / Float.BYTES];
        in.asFloatBuffer().get(values);
        INDArray a = Nd4j.createFromArray(values);
        return dataType == DataType.FLOAT ? a : a.castTo(dataType);
    }

    private static INDArray updaterStateOf(ComputationGraph net) {
        return net.getUpdater() == null ? null : net.getUpdater().getStateViewArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetworkBytes s && dataType == s.dataType && Arrays.equals(params, s.params)
                && Arrays.equals(updaterState, s.updaterState) && iterationCount == s.iterationCount
                && epochCount == s.epochCount;
    }

    @Override
    public int hashCode() {
        return Objects.hash(dataType, Arrays.hashCode(params), Arrays.hashCode(updaterState),
                iterationCount, epochCount);
    }

    @Override
    public String toString() {
        return "NetworkBytes[" + dataType + ", " + params.length + " parameter bytes, " + updaterState.length
                + " updater bytes, iteration " + iterationCount + ", epoch " + epochCount + "]";
    }
}
