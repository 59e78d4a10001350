package io.qat4j.executor.artifact;

import io.qat4j.executor.arith.QuantizedMultiplier;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32C;

/**
 * Models for the artifact tests, and an independent walker of the documented layout (versions 1 and 2)
 * that finds the byte offset of every field (to patch fields in malformed-input tests and to aim
 * the fuzzer's inflations), plus CRC repair.
 */
final class TestArtifacts {

    private TestArtifacts() {
    }

    static final String CONFIG_YAML = "# Modèle de démonstration — Fashion-MNIST\n"
            + "model:\n  name: tiny-cnn   # 小さな畳み込み網\n  bits: {weights: 8, fc: 4}\n"
            + "notes: \"Größe ≤ 1 KiB, emoji 😀\"\n";

    static Provenance provenance() {
        return Provenance.builder()
                .put(Provenance.CONFIG_YAML, CONFIG_YAML)
                .put(Provenance.DATASET, "fashion-mnist")
                .put(Provenance.SEED, "42")
                .put(Provenance.METRICS_JSON, "{\"fp32_accuracy\":0.9012,\"int8_accuracy\":0.8987,\"agreement\":0.993}")
                .put(Provenance.GIT_COMMIT, "0123456789abcdef0123456789abcdef01234567")
                .put(Provenance.QAT4J_VERSION, "0.1.0-SNAPSHOT")
                .put(Provenance.CREATED, "2024-01-01T00:00:00Z")
                .build();
    }

    /**
     * A realistic small model: int8 conv 3x3 (per-channel INT8 weights, INT32 bias) with a fused
     * ReLU clamp, max pool, flatten, fully connected with per-channel INT4_PACKED weights (an odd
     * element count, 5 x 27) and INT32 bias, argmax. Deterministic.
     */
    static LoadedArtifact convFc() {
        return convFc(ArtifactFormat.CURRENT_VERSION);
    }

    /** {@link #convFc()} as a manifest of the given format version (the v1 fixture pins version 1). */
    static LoadedArtifact convFc(int formatVersion) {
        Random r = new Random(42);
        double sIn = 1.0 / 255;
        double[] sConv = {0.011, 0.02, 0.0075};
        double sConvOut = 0.05;
        double[] sFc = {0.1, 0.12, 0.09, 0.11, 0.13};
        double sLogits = 0.1;

        List<TensorInfo> t = new ArrayList<>();
        t.add(TensorInfo.activation(0, "input", ElementType.INT8, new int[] {1, 5, 5, 1}, 8, QuantInfo.perTensor(sIn, -128)));
        t.add(TensorInfo.constant(1, "conv.weight", ElementType.INT8, new int[] {3, 3, 3, 1}, 8,
                QuantInfo.symmetricPerAxis(0, sConv), 0));
        double[] sBias = new double[3];
        for (int c = 0; c < 3; c++) {
            sBias[c] = sIn * sConv[c];
        }
        t.add(TensorInfo.constant(2, "conv.bias", ElementType.INT32, new int[] {3}, 32, QuantInfo.symmetricPerAxis(0, sBias), 1));
        t.add(TensorInfo.activation(3, "conv.out", ElementType.INT8, new int[] {1, 3, 3, 3}, 8, QuantInfo.perTensor(sConvOut, -128)));
        t.add(TensorInfo.activation(4, "pool.out", ElementType.INT8, new int[] {1, 3, 3, 3}, 8, QuantInfo.perTensor(sConvOut, -128)));
        t.add(TensorInfo.activation(5, "flatten.out", ElementType.INT8, new int[] {1, 27}, 8, QuantInfo.perTensor(sConvOut, -128)));
        t.add(TensorInfo.constant(6, "fc.weight", ElementType.INT4_PACKED, new int[] {5, 27}, 4, QuantInfo.symmetricPerAxis(0, sFc), 2));
        double[] sFcBias = new double[5];
        for (int c = 0; c < 5; c++) {
            sFcBias[c] = sConvOut * sFc[c];
        }
        t.add(TensorInfo.constant(7, "fc.bias", ElementType.INT32, new int[] {5}, 32, QuantInfo.symmetricPerAxis(0, sFcBias), 3));
        t.add(TensorInfo.activation(8, "logits", ElementType.INT8, new int[] {1, 5}, 8, QuantInfo.perTensor(sLogits, 3)));
        t.add(TensorInfo.activation(9, "class", ElementType.INT32, new int[] {1}, 32, QuantInfo.perTensor(1.0, 0)));

        byte[] convW = new byte[27];
        for (int k = 0; k < convW.length; k++) {
            convW[k] = (byte) (r.nextInt(255) - 127);
        }
        byte[] convB = int32s(r, 3, 5000);
        byte[] fcW = new byte[68]; // ceil(135 / 2)
        for (int k = 0; k < 135; k++) {
            int v = r.nextInt(15) - 7;
            fcW[k / 2] |= (byte) ((k % 2 == 0 ? v & 0xF : (v & 0xF) << 4));
        }
        byte[] fcB = int32s(r, 5, 20000);

        List<OpNode> ops = new ArrayList<>();
        ops.add(new OpNode("conv2d", "features.0", new int[] {0, 1, 2}, new int[] {3}, Attributes.builder()
                .putInts("stride", 2, 2).putInts("padding", 1, 1, 1, 1).putInts("dilation", 1, 1).putInts("groups", 1)
                .putInts("input_offset", 128).putInts("output_offset", -128)
                .put("output_multiplier", multipliers(sIn, sConv, sConvOut, true))
                .put("output_shift", multipliers(sIn, sConv, sConvOut, false))
                .putInts("activation_min", -128).putInts("activation_max", 127)
                .putReal("effective_scale", sIn * sConv[0] / sConvOut, sIn * sConv[1] / sConvOut, sIn * sConv[2] / sConvOut)
                .build()));
        ops.add(new OpNode("max_pool2d", "features.1", new int[] {3}, new int[] {4}, Attributes.builder()
                .putInts("kernel", 3, 3).putInts("stride", 1, 1).putInts("padding", 1, 1, 1, 1)
                .putInts("activation_min", -128).putInts("activation_max", 127).build()));
        ops.add(new OpNode("flatten", "flatten", new int[] {4}, new int[] {5}, Attributes.EMPTY));
        ops.add(new OpNode("fully_connected", "classifier", new int[] {5, 6, 7}, new int[] {8}, Attributes.builder()
                .putInts("input_offset", 128).putInts("output_offset", 3)
                .put("output_multiplier", multipliers(sConvOut, sFc, sLogits, true))
                .put("output_shift", multipliers(sConvOut, sFc, sLogits, false))
                .putInts("activation_min", -128).putInts("activation_max", 127)
                .putReal("input_scale", sConvOut).build()));
        ops.add(new OpNode("argmax", "argmax", new int[] {8}, new int[] {9}, Attributes.builder().putInts("axis", 1).build()));

        ModelArtifact m = new ModelArtifact(formatVersion, provenance(), t, ops, new int[] {0}, new int[] {8, 9});
        return new LoadedArtifact(m, List.of(convW, convB, fcW, fcB));
    }

    /** One input, one relu, no constants, no blobs, no provenance. */
    static LoadedArtifact minimal() {
        List<TensorInfo> t = List.of(
                TensorInfo.activation(10, "x", ElementType.INT8, new int[] {4}, 8, QuantInfo.perTensor(0.5, 0)),
                TensorInfo.activation(11, "", ElementType.INT8, new int[] {4}, 8, QuantInfo.perTensor(0.5, 0)));
        List<OpNode> ops = List.of(new OpNode("relu", "", new int[] {10}, new int[] {11},
                Attributes.builder().putInts("activation_min", 0).putInts("activation_max", 127).build()));
        return new LoadedArtifact(ModelArtifact.of(Provenance.EMPTY, t, ops, new int[] {10}, new int[] {11}), List.of());
    }

    /**
     * Low bit widths in every container, odd counts, scalars, group-wise scales, UINT8, and
     * blobs whose lengths are not multiples of 8.
     */
    static LoadedArtifact lowBits() {
        Random r = new Random(7);
        List<TensorInfo> t = new ArrayList<>();
        List<byte[]> blobs = new ArrayList<>();
        t.add(TensorInfo.activation(0, "in", ElementType.UINT8, new int[] {2, 3}, 6, QuantInfo.perTensor(0.25, 17)));
        // INT8 container, 4-bit values, group-wise: 6 rows in 3 groups
        t.add(TensorInfo.constant(1, "w4in8", ElementType.INT8, new int[] {6, 3}, 4,
                QuantInfo.symmetricPerAxis(0, new double[] {0.1, 0.2, 0.3}), 0));
        blobs.add(values(r, 18, -7, 7));
        // INT4_PACKED, 3-bit values, odd count 7
        t.add(TensorInfo.constant(2, "w3", ElementType.INT4_PACKED, new int[] {7}, 3, QuantInfo.perTensor(0.5, 0), 1));
        blobs.add(packInt4(valuesInt(r, 7, -3, 3)));
        // INT4_PACKED, 2-bit values, scalar
        t.add(TensorInfo.constant(3, "s2", ElementType.INT4_PACKED, new int[] {}, 2, QuantInfo.perTensor(1.5, -1), 2));
        blobs.add(packInt4(new int[] {-2}));
        // UINT8, 5-bit values
        t.add(TensorInfo.constant(4, "u5", ElementType.UINT8, new int[] {3, 1, 3}, 5,
                QuantInfo.perAxis(2, new int[] {0, 3, 31}, new double[] {1, 2, 3}), 3));
        blobs.add(values(r, 9, 0, 31));
        t.add(TensorInfo.activation(5, "out", ElementType.INT8, new int[] {2, 6}, 2, QuantInfo.perTensor(3.0, -2)));
        List<OpNode> ops = List.of(new OpNode("custom_mix", "mix", new int[] {0, 1, 2, 3, 4, 0}, new int[] {5},
                Attributes.builder().put("big", Long.MIN_VALUE, Long.MAX_VALUE, 0).putReal("neg_zero", -0.0, 1e-300, -1e300)
                        .put("empty").build()));
        Provenance p = Provenance.builder().put("k", "").put("ключ", "значение\u0000\n\t").build();
        return new LoadedArtifact(ModelArtifact.of(p, t, ops, new int[] {0}, new int[] {5, 3}), blobs);
    }

    static byte[] values(Random r, int n, int lo, int hi) {
        byte[] b = new byte[n];
        for (int k = 0; k < n; k++) {
            b[k] = (byte) (lo + r.nextInt(hi - lo + 1));
        }
        return b;
    }

    static int[] valuesInt(Random r, int n, int lo, int hi) {
        int[] v = new int[n];
        for (int k = 0; k < n; k++) {
            v[k] = lo + r.nextInt(hi - lo + 1);
        }
        return v;
    }

    static byte[] packInt4(int[] v) {
        byte[] b = new byte[(v.length + 1) / 2];
        for (int k = 0; k < v.length; k++) {
            b[k / 2] |= (byte) (k % 2 == 0 ? v[k] & 0xF : (v[k] & 0xF) << 4);
        }
        return b;
    }

    private static byte[] int32s(Random r, int n, int bound) {
        ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < n; k++) {
            b.putInt(r.nextInt(2 * bound + 1) - bound);
        }
        return b.array();
    }

    private static long[] multipliers(double sIn, double[] sW, double sOut, boolean mantissa) {
        long[] v = new long[sW.length];
        for (int c = 0; c < sW.length; c++) {
            QuantizedMultiplier q = QuantizedMultiplier.of(sIn * sW[c] / sOut);
            v[c] = mantissa ? q.multiplier() : q.shift();
        }
        return v;
    }

    // ---------------------------------------------------------------------------------------
    // Independent walker of the documented layout

    /** A field of the file: name, absolute offset, width in bytes, and whether it is a size/count/offset. */
    record Field(String name, int offset, int width, boolean size) {
    }

    /**
     * Walks a valid artifact and returns every field, keyed by the names the reader uses in its
     * messages (e.g. {@code "tensors[1].shape[0]"}, {@code "blobs[2].offset"}).
     */
    static Map<String, Field> fields(byte[] a) {
        Map<String, Field> f = new LinkedHashMap<>();
        ByteBuffer b = ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN);
        f.put("formatVersion", new Field("formatVersion", 8, 2, false));
        f.put("flags", new Field("flags", 10, 2, false));
        f.put("manifestLength", new Field("manifestLength", 12, 8, true));
        f.put("manifestCrc32c", new Field("manifestCrc32c", 20, 4, false));
        f.put("blobCount", new Field("blobCount", 24, 4, true));
        f.put("headerCrc32c", new Field("headerCrc32c", 28, 4, false));
        int version = b.getShort(8);
        int manifestLength = (int) b.getLong(12);
        int blobCount = b.getInt(24);
        int[] p = {32};
        int nProv = u32(f, b, p, "provenanceCount", true);
        for (int k = 0; k < nProv; k++) {
            string(f, b, p, "provenance[" + k + "].key");
            string(f, b, p, "provenance[" + k + "].value");
        }
        int nTensors = u32(f, b, p, "tensorCount", true);
        for (int i = 0; i < nTensors; i++) {
            String t = "tensors[" + i + "]";
            u32(f, b, p, t + ".id", false);
            string(f, b, p, t + ".name");
            f.put(t + ".elementType", new Field(t + ".elementType", p[0], 1, false));
            f.put(t + ".bits", new Field(t + ".bits", p[0] + 1, 1, false));
            p[0] += 2;
            int rank = u32(f, b, p, t + ".shape.count", true);
            for (int d = 0; d < rank; d++) {
                u32(f, b, p, t + ".shape[" + d + "]", false);
            }
            u32(f, b, p, t + ".quant.axis", false);
            int g = u32(f, b, p, t + ".quant.count", true);
            for (int k = 0; k < g; k++) {
                u32(f, b, p, t + ".quant.zeroPoints[" + k + "]", false);
            }
            for (int k = 0; k < g; k++) {
                f.put(t + ".quant.scales[" + k + "]", new Field(t + ".quant.scales[" + k + "]", p[0], 8, false));
                p[0] += 8;
            }
            u32(f, b, p, t + ".blobIndex", false);
        }
        int nOps = u32(f, b, p, "opCount", true);
        for (int o = 0; o < nOps; o++) {
            String op = "ops[" + o + "]";
            string(f, b, p, op + ".opType");
            if (version >= 2) {
                u32(f, b, p, op + ".opVersion", false);
            }
            string(f, b, p, op + ".name");
            ids(f, b, p, op + ".inputs");
            ids(f, b, p, op + ".outputs");
            int ni = u32(f, b, p, op + ".intAttrCount", true);
            for (int k = 0; k < ni; k++) {
                string(f, b, p, op + ".ints[" + k + "].key");
                int n = u32(f, b, p, op + ".ints[" + k + "].count", true);
                p[0] += 8 * n;
            }
            int nr = u32(f, b, p, op + ".realAttrCount", true);
            for (int k = 0; k < nr; k++) {
                string(f, b, p, op + ".reals[" + k + "].key");
                int n = u32(f, b, p, op + ".reals[" + k + "].count", true);
                p[0] += 8 * n;
            }
        }
        ids(f, b, p, "graphInputs");
        ids(f, b, p, "graphOutputs");
        if (p[0] != 32 + manifestLength) {
            throw new AssertionError("walker ended the manifest at " + p[0] + ", header says " + (32 + manifestLength));
        }
        for (int j = 0; j < blobCount; j++) {
            int e = p[0] + 20 * j;
            f.put("blobs[" + j + "].offset", new Field("blobs[" + j + "].offset", e, 8, true));
            f.put("blobs[" + j + "].length", new Field("blobs[" + j + "].length", e + 8, 8, true));
            f.put("blobs[" + j + "].crc32c", new Field("blobs[" + j + "].crc32c", e + 16, 4, false));
        }
        return f;
    }

    private static int u32(Map<String, Field> f, ByteBuffer b, int[] p, String name, boolean size) {
        f.put(name, new Field(name, p[0], 4, size));
        int v = b.getInt(p[0]);
        p[0] += 4;
        return v;
    }

    private static void string(Map<String, Field> f, ByteBuffer b, int[] p, String name) {
        int n = u32(f, b, p, name + ".length", true);
        p[0] += n;
    }

    private static void ids(Map<String, Field> f, ByteBuffer b, int[] p, String name) {
        int n = u32(f, b, p, name + ".count", true);
        for (int k = 0; k < n; k++) {
            u32(f, b, p, name + "[" + k + "]", false);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Patching

    static void put(byte[] a, int offset, long value, int width) {
        for (int k = 0; k < width; k++) {
            a[offset + k] = (byte) (value >>> (8 * k));
        }
    }

    static long get(byte[] a, int offset, int width) {
        long v = 0;
        for (int k = 0; k < width; k++) {
            v |= (a[offset + k] & 0xFFL) << (8 * k);
        }
        return v;
    }

    /** Sets a field of a copy of {@code a}, then repairs every CRC, so only the field is wrong. */
    static byte[] patch(byte[] a, String field, long value) {
        Field f = fields(a).get(field);
        if (f == null) {
            throw new AssertionError("no field " + field);
        }
        byte[] c = a.clone();
        put(c, f.offset(), value, f.width());
        repairCrcs(c);
        return c;
    }

    private static long crc(byte[] a, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(a, off, len);
        return c.getValue();
    }

    /**
     * Recomputes the header, manifest and blob CRCs wherever the declared sizes lie inside the
     * array, so that mutations reach the checks behind the checksums.
     */
    static void repairCrcs(byte[] a) {
        if (a.length < 32) {
            return;
        }
        long manifestLength = get(a, 12, 8);
        if (manifestLength >= 0 && manifestLength <= a.length - 32) {
            put(a, 20, crc(a, 32, (int) manifestLength), 4);
            long n = get(a, 24, 4);
            long table = 32 + manifestLength;
            for (long j = 0; j < n && table + 20 * (j + 1) <= a.length; j++) {
                int e = (int) (table + 20 * j);
                long off = get(a, e, 8);
                long len = get(a, e + 8, 8);
                if (off >= 0 && len >= 0 && off <= a.length && len <= a.length - off) {
                    put(a, e + 16, crc(a, (int) off, (int) len), 4);
                }
            }
        }
        put(a, 28, crc(a, 0, 28), 4);
    }
}
