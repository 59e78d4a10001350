package io.qat4j.executor.runtime;

import io.qat4j.executor.op.AttributeSpec;
import io.qat4j.executor.op.OpDefinition;
import io.qat4j.executor.op.OpRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/**
 * Semantic mutations of a valid artifact (issue 8, Found 1): one field of the decoded manifest
 * changes, everything else stays valid, and the checksums are recomputed ({@link RawArtifact}).
 * The field is drawn uniformly from every field of every op (type, version, name, inputs, outputs,
 * each attribute's key, kind, count and values, added and removed attributes), of every tensor
 * entry (id, name, element type, bits, rank and each dimension, quantization axis, count, zero
 * points and scales, blob index), of the graph inputs and outputs, and the format version;
 * values come from lists of extremes (powers of two and their neighbours, the int8, int32 and
 * int64 limits, the original value plus or minus one, twice it), so that every range check and
 * every size product is reached.
 */
final class SemanticMutator {

    /** Integer attribute values and dimensions worth trying: limits, powers of two, neighbours. */
    private static final long[] EXTREMES = {0, 1, -1, 2, 3, -2, 7, 8, 15, 16, 31, 32, 33, 63, 64, 127, 128, -127, -128, -129, 255, 256,
        1 << 15, 1 << 16, 46341, 65536, 1 << 20, (1 << 20) + 1, 1 << 28, Integer.MAX_VALUE, Integer.MIN_VALUE, 1L << 31, -(1L << 31) - 1,
        1L << 32, 1L << 40, -(1L << 40), Long.MAX_VALUE, Long.MIN_VALUE, 1 << 30, (1 << 30) + 1};
    private static final double[] REAL_EXTREMES = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0,
        Double.MIN_VALUE, -1, 1e-300, 1e300, Double.MAX_VALUE, 1.0, 0.5};

    private final List<String> opTypes;
    private final List<String> attributeKeys;

    SemanticMutator() {
        TreeSet<String> types = new TreeSet<>();
        TreeSet<String> keys = new TreeSet<>();
        for (OpDefinition d : OpRegistry.standard().definitions()) {
            types.add(d.name());
            for (AttributeSpec a : d.attributes()) {
                keys.add(a.name());
            }
        }
        keys.add("add_params");
        this.opTypes = List.copyOf(types);
        this.attributeKeys = List.copyOf(keys);
    }

    /**
     * Applies one mutation.
     *
     * @param seed a valid artifact
     * @param r the random source
     * @param how receives a description of the mutation
     * @return the mutated artifact
     */
    RawArtifact mutate(RawArtifact seed, Random r, StringBuilder how) {
        RawArtifact a = seed.copy();
        int fields = 1 + 9 * a.ops.size() + 10 * a.tensors.size() + 2;
        int pick = r.nextInt(fields);
        if (pick == 0) {
            a.formatVersion = a.formatVersion == 1 ? 2 : 1;
            how.append("formatVersion := ").append(a.formatVersion);
        } else if ((pick -= 1) < 9 * a.ops.size()) {
            mutateOp(a, a.ops.get(pick / 9), pick / 9, pick % 9, r, how);
        } else if ((pick -= 9 * a.ops.size()) < 10 * a.tensors.size()) {
            mutateTensor(a, a.tensors.get(pick / 10), pick / 10, pick % 10, r, how);
        } else {
            boolean inputs = pick - 10 * a.tensors.size() == 0;
            how.append(inputs ? "graphInputs" : "graphOutputs");
            int[] ids = ids(a, inputs ? a.graphInputs : a.graphOutputs, r, how);
            if (inputs) {
                a.graphInputs = ids;
            } else {
                a.graphOutputs = ids;
            }
        }
        return a;
    }

    private void mutateOp(RawArtifact a, RawArtifact.Op op, int o, int field, Random r, StringBuilder how) {
        how.append("ops[").append(o).append("] '").append(op.type).append("' ");
        switch (field) {
            case 0 -> {
                op.type = r.nextInt(4) == 0 ? (r.nextBoolean() ? "" : op.type.toUpperCase()) : opTypes.get(r.nextInt(opTypes.size()));
                how.append("type := '").append(op.type).append('\'');
            }
            case 1 -> {
                long[] v = {0, 2, 3, Integer.MAX_VALUE, 1L << 31, 0xFFFFFFFFL};
                op.version = v[r.nextInt(v.length)];
                how.append("version := ").append(op.version);
            }
            case 2 -> {
                op.name = r.nextBoolean() ? "" : a.ops.get(r.nextInt(a.ops.size())).name;
                how.append("name := '").append(op.name).append('\'');
            }
            case 3 -> {
                how.append("inputs");
                op.inputs = ids(a, op.inputs, r, how);
            }
            case 4 -> {
                how.append("outputs");
                op.outputs = ids(a, op.outputs, r, how);
            }
            default -> mutateAttributes(op, field - 5, r, how);
        }
    }

    private void mutateAttributes(RawArtifact.Op op, int field, Random r, StringBuilder how) {
        if (op.attributes.isEmpty() || field == 3 && r.nextBoolean()) {
            String key = attributeKeys.get(r.nextInt(attributeKeys.size()));
            long[] v = new long[r.nextInt(5)];
            for (int k = 0; k < v.length; k++) {
                v[k] = EXTREMES[r.nextInt(EXTREMES.length)];
            }
            op.attributes.add(new RawArtifact.Attribute(key, v, null));
            how.append("add attribute ").append(key).append(" = ").append(Arrays.toString(v));
            return;
        }
        int k = r.nextInt(op.attributes.size());
        RawArtifact.Attribute at = op.attributes.get(k);
        how.append("attribute '").append(at.key).append("' ");
        switch (field) {
            case 0 -> { // key
                String old = at.key;
                int c = r.nextInt(4);
                at.key = c == 0 ? old + "_" : c == 1 ? old.toUpperCase() : attributeKeys.get(r.nextInt(attributeKeys.size()));
                if (op.attributes.stream().filter(x -> x.key.equals(at.key)).count() > 1) {
                    at.key = old + "2"; // the reader rejects duplicates; reach the definitions instead
                }
                how.append("key := '").append(at.key).append('\'');
            }
            case 1 -> { // kind or removal
                if (r.nextBoolean()) {
                    op.attributes.remove(k);
                    how.append("removed");
                } else if (at.ints != null) {
                    at.reals = Arrays.stream(at.ints).asDoubleStream().toArray();
                    at.ints = null;
                    how.append("kind := real");
                } else {
                    at.ints = Arrays.stream(at.reals).mapToLong(d -> (long) d).toArray();
                    at.reals = null;
                    how.append("kind := integer");
                }
            }
            case 2 -> { // count
                int n = at.count();
                int[] counts = {0, 1, n - 1, n + 1, 2 * n, 3, 4, 1 << 12};
                int m = Math.max(0, counts[r.nextInt(counts.length)]);
                if (at.ints != null) {
                    long[] v = Arrays.copyOf(at.ints, m);
                    for (int x = n; x < m; x++) {
                        v[x] = n == 0 ? 1 : at.ints[x % n];
                    }
                    at.ints = v;
                } else {
                    double[] v = Arrays.copyOf(at.reals, m);
                    for (int x = n; x < m; x++) {
                        v[x] = n == 0 ? 1 : at.reals[x % n];
                    }
                    at.reals = v;
                }
                how.append("count := ").append(m);
            }
            default -> { // a value
                if (at.count() == 0) {
                    how.append("(no values)");
                    return;
                }
                int x = r.nextInt(at.count());
                if (at.ints != null) {
                    long old = at.ints[x];
                    long[] v = {old + 1, old - 1, 2 * old, -old};
                    at.ints[x] = r.nextInt(3) == 0 ? v[r.nextInt(v.length)] : EXTREMES[r.nextInt(EXTREMES.length)];
                    how.append("values[").append(x).append("] := ").append(at.ints[x]);
                } else {
                    at.reals[x] = REAL_EXTREMES[r.nextInt(REAL_EXTREMES.length)];
                    how.append("values[").append(x).append("] := ").append(at.reals[x]);
                }
            }
        }
    }

    private static void mutateTensor(RawArtifact a, RawArtifact.Tensor t, int i, int field, Random r, StringBuilder how) {
        how.append("tensors[").append(i).append("] '").append(t.name).append("' ");
        switch (field) {
            case 0 -> {
                int[] v = {-1, 1 << 30, Integer.MAX_VALUE, a.tensors.get(r.nextInt(a.tensors.size())).id, t.id + 1, t.id - 1};
                t.id = v[r.nextInt(v.length)];
                how.append("id := ").append(t.id);
            }
            case 1 -> {
                t.name = r.nextBoolean() ? "" : a.tensors.get(r.nextInt(a.tensors.size())).name;
                how.append("name := '").append(t.name).append('\'');
            }
            case 2 -> {
                t.elementType = r.nextInt(8) == 0 ? 255 : r.nextInt(7);
                how.append("elementType := ").append(t.elementType);
            }
            case 3 -> {
                int[] v = {0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 255};
                t.bits = v[r.nextInt(v.length)];
                how.append("bits := ").append(t.bits);
            }
            case 4 -> {
                int rank = t.shape.length;
                int[] v = {0, 1, rank - 1, rank + 1, 8, 9};
                int n = Math.max(0, v[r.nextInt(v.length)]);
                int[] s = Arrays.copyOf(t.shape, n);
                for (int d = rank; d < n; d++) {
                    s[d] = 1 + r.nextInt(3);
                }
                t.shape = s;
                how.append("shape := ").append(Arrays.toString(s));
            }
            case 5 -> {
                if (t.shape.length == 0) {
                    how.append("(rank 0)");
                    return;
                }
                int d = r.nextInt(t.shape.length);
                long old = t.shape[d];
                long[] v = {old + 1, old - 1, 2 * old, 0, -1, 1, 46341, 65536, 1 << 20, 1 << 30, Integer.MAX_VALUE, Integer.MIN_VALUE};
                t.shape[d] = (int) v[r.nextInt(v.length)];
                how.append("shape[").append(d).append("] := ").append(t.shape[d]);
            }
            case 6 -> {
                int[] v = {-2, -1, 0, 1, t.shape.length - 1, t.shape.length, Integer.MAX_VALUE};
                t.axis = v[r.nextInt(v.length)];
                how.append("quant.axis := ").append(t.axis);
            }
            case 7 -> {
                int n = t.zeroPoints.length;
                int[] v = {0, 1, n - 1, n + 1, 2 * n, 3};
                int m = Math.max(0, v[r.nextInt(v.length)]);
                t.zeroPoints = Arrays.copyOf(t.zeroPoints, m);
                double[] s = Arrays.copyOf(t.scales, m);
                for (int k = n; k < m; k++) {
                    s[k] = n == 0 ? 1 : t.scales[0];
                }
                t.scales = s;
                how.append("quant.count := ").append(m);
            }
            case 8 -> {
                int k = r.nextInt(t.zeroPoints.length == 0 ? 1 : t.zeroPoints.length);
                if (t.zeroPoints.length == 0) {
                    how.append("(no quantization slices)");
                } else if (r.nextBoolean()) {
                    t.zeroPoints[k] = (int) EXTREMES[r.nextInt(EXTREMES.length)];
                    how.append("quant.zeroPoints[").append(k).append("] := ").append(t.zeroPoints[k]);
                } else {
                    t.scales[k] = REAL_EXTREMES[r.nextInt(REAL_EXTREMES.length)];
                    how.append("quant.scales[").append(k).append("] := ").append(t.scales[k]);
                }
            }
            default -> {
                int[] v = {-1, -2, 0, 1, a.blobs.size(), a.blobs.size() - 1, Integer.MAX_VALUE, t.blobIndex + 1};
                t.blobIndex = v[r.nextInt(v.length)];
                how.append("blobIndex := ").append(t.blobIndex);
            }
        }
    }

    /** Replaces, adds or removes one id of a list of tensor ids. */
    private static int[] ids(RawArtifact a, int[] ids, Random r, StringBuilder how) {
        List<Integer> v = new ArrayList<>(Arrays.stream(ids).boxed().toList());
        int c = r.nextInt(3);
        int id = r.nextInt(5) == 0 ? (r.nextBoolean() ? -1 : 1 << 20) : a.tensors.get(r.nextInt(a.tensors.size())).id;
        if (c == 0 && !v.isEmpty()) {
            int k = r.nextInt(v.size());
            v.set(k, id);
            how.append('[').append(k).append("] := ").append(id);
        } else if (c == 1 && !v.isEmpty()) {
            int k = r.nextInt(v.size());
            v.remove(k);
            how.append(" remove [").append(k).append(']');
        } else {
            v.add(id);
            how.append(" add ").append(id);
        }
        return v.stream().mapToInt(Integer::intValue).toArray();
    }
}
