package io.qat4j.executor.artifact;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Encodes a {@link ModelArtifact} as the manifest of its format version (package documentation):
 * version 2 stores each op's version after its type, version 1 does not.
 */
final class ManifestEncoder {

    private byte[] buf = new byte[4096];
    private int size;

    private ManifestEncoder() {
    }

    /**
     * @param model a valid manifest
     * @return its encoding
     * @throws IllegalArgumentException if the encoding exceeds {@link ArtifactFormat#MAX_MANIFEST_BYTES}
     */
    static byte[] encode(ModelArtifact model) {
        ManifestEncoder e = new ManifestEncoder();
        Map<String, String> provenance = model.provenance().entries();
        e.u32(provenance.size());
        for (Map.Entry<String, String> entry : provenance.entrySet()) {
            e.string(entry.getKey());
            e.string(entry.getValue());
        }
        e.u32(model.tensors().size());
        for (TensorInfo t : model.tensors()) {
            e.i32(t.id());
            e.string(t.name());
            e.u8(t.type().code());
            e.u8(t.bits());
            e.i32s(t.shape());
            QuantInfo q = t.quant();
            e.i32(q.axis());
            e.u32(q.count());
            for (int z : q.zeroPoints()) {
                e.i32(z);
            }
            for (double s : q.scales()) {
                e.f64(s);
            }
            e.i32(t.blobIndex());
        }
        e.u32(model.ops().size());
        for (OpNode op : model.ops()) {
            e.string(op.opType());
            if (model.formatVersion() >= 2) {
                e.u32(op.opVersion());
            }
            e.string(op.name());
            e.i32s(op.inputs());
            e.i32s(op.outputs());
            Map<String, long[]> ints = op.attributes().ints();
            e.u32(ints.size());
            for (Map.Entry<String, long[]> a : ints.entrySet()) {
                e.string(a.getKey());
                e.u32(a.getValue().length);
                for (long v : a.getValue()) {
                    e.i64(v);
                }
            }
            Map<String, double[]> reals = op.attributes().reals();
            e.u32(reals.size());
            for (Map.Entry<String, double[]> a : reals.entrySet()) {
                e.string(a.getKey());
                e.u32(a.getValue().length);
                for (double v : a.getValue()) {
                    e.f64(v);
                }
            }
        }
        e.i32s(model.graphInputs());
        e.i32s(model.graphOutputs());
        return Arrays.copyOf(e.buf, e.size);
    }

    private void ensure(int more) {
        if (size + (long) more > ArtifactFormat.MAX_MANIFEST_BYTES) {
            throw new IllegalArgumentException("the manifest exceeds the limit of " + ArtifactFormat.MAX_MANIFEST_BYTES + " bytes");
        }
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, (int) Math.min(ArtifactFormat.MAX_MANIFEST_BYTES, Math.max(2L * buf.length, size + more)));
        }
    }

    private void u8(int v) {
        ensure(1);
        buf[size++] = (byte) v;
    }

    private void u32(long v) {
        i32((int) v);
    }

    private void i32(int v) {
        ensure(4);
        buf[size] = (byte) v;
        buf[size + 1] = (byte) (v >>> 8);
        buf[size + 2] = (byte) (v >>> 16);
        buf[size + 3] = (byte) (v >>> 24);
        size += 4;
    }

    private void i64(long v) {
        i32((int) v);
        i32((int) (v >>> 32));
    }

    private void f64(double v) {
        i64(Double.doubleToRawLongBits(v));
    }

    private void i32s(int[] values) {
        u32(values.length);
        for (int v : values) {
            i32(v);
        }
    }

    private void string(String s) {
        // the records reject unpaired surrogates, so this encoding is exact
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u32(b.length);
        ensure(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
    }
}
