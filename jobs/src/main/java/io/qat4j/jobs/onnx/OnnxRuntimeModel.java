package io.qat4j.jobs.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;

/**
 * An ONNX model of one float input and a float output, run by ONNX Runtime (CPU execution
 * provider, all graph optimizations, a fixed number of intra-op threads): the reference our ONNX
 * export is checked and benchmarked against.
 */
public final class OnnxRuntimeModel implements AutoCloseable {

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final String input;
    private final String output;

    /**
     * @param model a serialized ONNX {@code ModelProto}
     * @param threads intra-op threads, >= 1
     * @param output the name of the float output to return
     * @throws OrtException if ONNX Runtime refuses the model
     */
    public OnnxRuntimeModel(byte[] model, int threads, String output) throws OrtException {
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(threads);
            o.setInterOpNumThreads(1);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(model, o);
        }
        if (session.getInputNames().size() != 1) {
            session.close();
            throw new IllegalArgumentException("the ONNX model has inputs " + session.getInputNames() + "; this runner feeds one");
        }
        if (!session.getOutputNames().contains(output)) {
            session.close();
            throw new IllegalArgumentException("the ONNX model has outputs " + session.getOutputNames() + ", not '" + output + "'");
        }
        this.input = session.getInputNames().iterator().next();
        this.output = output;
    }

    /**
     * @param x {@code batch * prod(exampleShape)} floats, row-major
     * @param shape the input shape with the batch first
     * @return the output's floats, row-major
     * @throws OrtException if the run fails
     */
    public float[] run(float[] x, long[] shape) throws OrtException {
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
                OrtSession.Result r = session.run(Map.of(input, t), java.util.Set.of(output))) {
            FloatBuffer b = ((OnnxTensor) r.get(output).orElseThrow()).getFloatBuffer();
            float[] out = new float[b.remaining()];
            b.get(out);
            return out;
        }
    }

    /** @return the output names of the model */
    public List<String> outputs() {
        return List.copyOf(session.getOutputNames());
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
