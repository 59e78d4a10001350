package io.qat4j.training.distributed;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A network as the bytes that travel between the Spark driver and its tasks: DL4J's
 * {@link ModelSerializer} format with the updater state, so a copy carries its configuration
 * (with the iteration and epoch counts that the quantization schedule follows), its parameters
 * (the quantizer state among them) and its updater state.
 */
public final class NetworkBytes {

    private NetworkBytes() {
    }

    /**
     * @param net a network
     * @return its ModelSerializer bytes, updater state included
     */
    public static byte[] of(ComputationGraph net) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ModelSerializer.writeModel(net, out, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise the network", e);
        }
        return out.toByteArray();
    }

    /**
     * @param bytes what {@link #of} wrote
     * @return the restored network, updater state included
     */
    public static ComputationGraph restore(byte[] bytes) {
        try {
            return ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restore a network from " + bytes.length + " bytes", e);
        }
    }

    /**
     * The SHA-256 of the state an averaging round must leave identical on every copy: the flat
     * parameters (quantizer state included), the updater state, the iteration and epoch counts.
     *
     * @param net a network
     * @return the digest in hex
     */
    public static String stateDigest(ComputationGraph net) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-256", e);
        }
        md.update(net.params().dup().data().asBytes());
        INDArray updater = net.getUpdater() == null ? null : net.getUpdater().getStateViewArray();
        if (updater != null) {
            md.update(updater.dup().data().asBytes());
        }
        md.update(HexFormat.of().parseHex("%08x%08x".formatted(net.getIterationCount(), net.getEpochCount())));
        return HexFormat.of().formatHex(md.digest());
    }
}
