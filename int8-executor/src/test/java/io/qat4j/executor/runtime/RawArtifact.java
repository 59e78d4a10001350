package io.qat4j.executor.runtime;

import io.qat4j.executor.artifact.ArtifactFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * An artifact decoded into plain mutable fields without any validation, and encoded back with a
 * valid container (sizes, blob table, alignment, every CRC32C recomputed): what an independent
 * mutator that understands the format does (issue 8, Found 1). A field can be set to any value,
 * including ones the records of {@code io.qat4j.executor.artifact} refuse to hold, so the reader
 * and the executor see exactly the mutated manifest behind valid checksums. The layout is the one
 * of the package documentation of {@code io.qat4j.executor.artifact}.
 */
final class RawArtifact {

    int formatVersion;
    final List<String[]> provenance = new ArrayList<>();
    final List<Tensor> tensors = new ArrayList<>();
    final List<Op> ops = new ArrayList<>();
    int[] graphInputs;
    int[] graphOutputs;
    final List<byte[]> blobs = new ArrayList<>();

    /** A tensor entry of the manifest. */
    static final class Tensor {
        int id;
        String name;
        int elementType;
        int bits;
        int[] shape;
        int axis;
        int[] zeroPoints;
        double[] scales;
        int blobIndex;

        Tensor copy() {
            Tensor t = new Tensor();
            t.id = id;
            t.name = name;
            t.elementType = elementType;
            t.bits = bits;
            t.shape = shape.clone();
            t.axis = axis;
            t.zeroPoints = zeroPoints.clone();
            t.scales = scales.clone();
            t.blobIndex = blobIndex;
            return t;
        }
    }

    /** An attribute: a key and its integer or real values (exactly one of them non-null). */
    static final class Attribute {
        String key;
        long[] ints;
        double[] reals;

        Attribute(String key, long[] ints, double[] reals) {
            this.key = key;
            this.ints = ints;
            this.reals = reals;
        }

        Attribute copy() {
            return new Attribute(key, ints == null ? null : ints.clone(), reals == null ? null : reals.clone());
        }

        int count() {
            return ints != null ? ints.length : reals.length;
        }
    }

    /** An op entry of the manifest; its integer attributes come before its real ones when encoded. */
    static final class Op {
        String type;
        long version;
        String name;
        int[] inputs;
        int[] outputs;
        final List<Attribute> attributes = new ArrayList<>();

        Op copy() {
            Op o = new Op();
            o.type = type;
            o.version = version;
            o.name = name;
            o.inputs = inputs.clone();
            o.outputs = outputs.clone();
            attributes.forEach(a -> o.attributes.add(a.copy()));
            return o;
        }
    }

    /** @return a deep copy */
    RawArtifact copy() {
        RawArtifact r = new RawArtifact();
        r.formatVersion = formatVersion;
        provenance.forEach(p -> r.provenance.add(p.clone()));
        tensors.forEach(t -> r.tensors.add(t.copy()));
        ops.forEach(o -> r.ops.add(o.copy()));
        r.graphInputs = graphInputs.clone();
        r.graphOutputs = graphOutputs.clone();
        r.blobs.addAll(blobs);
        return r;
    }

    /**
     * @param file a valid artifact
     * @return its fields
     */
    static RawArtifact decode(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        RawArtifact r = new RawArtifact();
        r.formatVersion = b.getShort(8);
        int manifestLength = (int) b.getLong(12);
        int blobCount = b.getInt(24);
        b.position(ArtifactFormat.HEADER_SIZE);
        int n = b.getInt();
        for (int k = 0; k < n; k++) {
            r.provenance.add(new String[] {string(b), string(b)});
        }
        n = b.getInt();
        for (int i = 0; i < n; i++) {
            Tensor t = new Tensor();
            t.id = b.getInt();
            t.name = string(b);
            t.elementType = b.get() & 0xFF;
            t.bits = b.get() & 0xFF;
            t.shape = ints(b);
            t.axis = b.getInt();
            int g = b.getInt();
            t.zeroPoints = new int[g];
            for (int k = 0; k < g; k++) {
                t.zeroPoints[k] = b.getInt();
            }
            t.scales = new double[g];
            for (int k = 0; k < g; k++) {
                t.scales[k] = b.getDouble();
            }
            t.blobIndex = b.getInt();
            r.tensors.add(t);
        }
        n = b.getInt();
        for (int o = 0; o < n; o++) {
            Op op = new Op();
            op.type = string(b);
            op.version = r.formatVersion >= 2 ? b.getInt() & 0xFFFFFFFFL : 1;
            op.name = string(b);
            op.inputs = ints(b);
            op.outputs = ints(b);
            int ni = b.getInt();
            for (int k = 0; k < ni; k++) {
                String key = string(b);
                long[] v = new long[b.getInt()];
                for (int x = 0; x < v.length; x++) {
                    v[x] = b.getLong();
                }
                op.attributes.add(new Attribute(key, v, null));
            }
            int nr = b.getInt();
            for (int k = 0; k < nr; k++) {
                String key = string(b);
                double[] v = new double[b.getInt()];
                for (int x = 0; x < v.length; x++) {
                    v[x] = b.getDouble();
                }
                op.attributes.add(new Attribute(key, null, v));
            }
            r.ops.add(op);
        }
        r.graphInputs = ints(b);
        r.graphOutputs = ints(b);
        if (b.position() != ArtifactFormat.HEADER_SIZE + manifestLength) {
            throw new IllegalArgumentException("manifest ends at " + b.position() + ", header says " + manifestLength);
        }
        for (int j = 0; j < blobCount; j++) {
            long offset = b.getLong();
            long length = b.getLong();
            b.getInt();
            byte[] blob = new byte[(int) length];
            System.arraycopy(file, (int) offset, blob, 0, blob.length);
            r.blobs.add(blob);
        }
        return r;
    }

    /** @return the artifact's bytes, with every size, offset and checksum consistent */
    byte[] encode() {
        ByteBuffer m = ByteBuffer.allocate(manifestSize()).order(ByteOrder.LITTLE_ENDIAN);
        m.putInt(provenance.size());
        for (String[] p : provenance) {
            string(m, p[0]);
            string(m, p[1]);
        }
        m.putInt(tensors.size());
        for (Tensor t : tensors) {
            m.putInt(t.id);
            string(m, t.name);
            m.put((byte) t.elementType);
            m.put((byte) t.bits);
            ints(m, t.shape);
            m.putInt(t.axis);
            m.putInt(t.zeroPoints.length);
            for (int z : t.zeroPoints) {
                m.putInt(z);
            }
            for (double s : t.scales) {
                m.putDouble(s);
            }
            m.putInt(t.blobIndex);
        }
        m.putInt(ops.size());
        for (Op op : ops) {
            string(m, op.type);
            if (formatVersion >= 2) {
                m.putInt((int) op.version);
            }
            string(m, op.name);
            ints(m, op.inputs);
            ints(m, op.outputs);
            for (boolean integers : new boolean[] {true, false}) {
                List<Attribute> list = op.attributes.stream().filter(a -> (a.ints != null) == integers).toList();
                m.putInt(list.size());
                for (Attribute a : list) {
                    string(m, a.key);
                    m.putInt(a.count());
                    if (integers) {
                        for (long v : a.ints) {
                            m.putLong(v);
                        }
                    } else {
                        for (double v : a.reals) {
                            m.putDouble(v);
                        }
                    }
                }
            }
        }
        ints(m, graphInputs);
        ints(m, graphOutputs);
        byte[] manifest = m.array();
        long table = ArtifactFormat.HEADER_SIZE + (long) manifest.length;
        long[] offsets = new long[blobs.size()];
        long end = table + (long) ArtifactFormat.BLOB_ENTRY_SIZE * blobs.size();
        for (int j = 0; j < blobs.size(); j++) {
            offsets[j] = align(end);
            end = offsets[j] + blobs.get(j).length;
        }
        ByteBuffer f = ByteBuffer.allocate((int) end).order(ByteOrder.LITTLE_ENDIAN);
        f.put(ArtifactFormat.MAGIC.getBytes(StandardCharsets.US_ASCII));
        f.putShort((short) formatVersion);
        f.putShort((short) 0);
        f.putLong(manifest.length);
        f.putInt((int) crc(manifest));
        f.putInt(blobs.size());
        f.putInt((int) crc(java.util.Arrays.copyOf(f.array(), 28)));
        f.put(manifest);
        for (int j = 0; j < blobs.size(); j++) {
            f.putLong(offsets[j]);
            f.putLong(blobs.get(j).length);
            f.putInt((int) crc(blobs.get(j)));
        }
        for (int j = 0; j < blobs.size(); j++) {
            f.position((int) offsets[j]);
            f.put(blobs.get(j));
        }
        return f.array();
    }

    private int manifestSize() {
        int n = 4;
        for (String[] p : provenance) {
            n += 8 + utf8(p[0]) + utf8(p[1]);
        }
        n += 4;
        for (Tensor t : tensors) {
            n += 4 + 4 + utf8(t.name) + 2 + 4 + 4 * t.shape.length + 4 + 4 + 12 * t.zeroPoints.length + 4;
        }
        n += 4;
        for (Op op : ops) {
            n += 4 + utf8(op.type) + (formatVersion >= 2 ? 4 : 0) + 4 + utf8(op.name) + 8 + 4 * (op.inputs.length + op.outputs.length) + 8;
            for (Attribute a : op.attributes) {
                n += 4 + utf8(a.key) + 4 + 8 * a.count();
            }
        }
        return n + 8 + 4 * (graphInputs.length + graphOutputs.length);
    }

    private static long align(long offset) {
        return (offset + ArtifactFormat.BLOB_ALIGNMENT - 1) / ArtifactFormat.BLOB_ALIGNMENT * ArtifactFormat.BLOB_ALIGNMENT;
    }

    private static long crc(byte[] bytes) {
        CRC32C c = new CRC32C();
        c.update(bytes);
        return c.getValue();
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String string(ByteBuffer b) {
        byte[] s = new byte[b.getInt()];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private static void string(ByteBuffer b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        b.putInt(bytes.length);
        b.put(bytes);
    }

    private static int[] ints(ByteBuffer b) {
        int[] v = new int[b.getInt()];
        for (int k = 0; k < v.length; k++) {
            v[k] = b.getInt();
        }
        return v;
    }

    private static void ints(ByteBuffer b, int[] v) {
        b.putInt(v.length);
        for (int x : v) {
            b.putInt(x);
        }
    }
}
