package io.qat4j.executor.artifact;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The manifest of an integer-only model artifact (DESIGN.md section 5): provenance, tensors,
 * ops in execution order, and the graph's input and output tensors. The constant data lives in
 * the blobs beside it ({@link LoadedArtifact}).
 *
 * <p>Invariants (checked by the constructor): the format version is one this code reads; at
 * most {@link ArtifactFormat#MAX_COUNT} tensors and ops; tensor ids are unique; ops are in
 * execution order: every op input is a constant, a graph input or an output of an earlier op,
 * and every op output is an activation produced by no other op and not a graph input; every
 * activation is a graph input or produced by an op; graph inputs are unique activations; graph
 * outputs are unique existing tensors, at least one; a format-1 manifest holds only version-1 ops
 * and element types of format 1 (no INT16). The blob references of constants are checked
 * against the blobs by {@link ArtifactWriter} and {@link ArtifactReader}.
 *
 * @param formatVersion the format version the artifact was read from or will be written as
 * @param provenance where the model came from
 * @param tensors every tensor (copied)
 * @param ops every op, in execution order (copied)
 * @param graphInputs ids of the tensors the caller provides (copied)
 * @param graphOutputs ids of the tensors the model returns (copied)
 */
public record ModelArtifact(int formatVersion, Provenance provenance, List<TensorInfo> tensors, List<OpNode> ops,
        int[] graphInputs, int[] graphOutputs) {

    /** Checks the invariants stated in the class documentation and copies the lists and arrays. */
    public ModelArtifact {
        if (formatVersion < 1 || formatVersion > ArtifactFormat.CURRENT_VERSION) {
            throw new InvariantViolation("formatVersion", "format version " + formatVersion + " is not one this qat4j reads ("
                    + ArtifactFormat.readableVersions() + ")");
        }
        Checks.nonNull(provenance, "provenance");
        Checks.nonNull(tensors, "tensors");
        Checks.nonNull(ops, "ops");
        Checks.nonNull(graphInputs, "graphInputs");
        Checks.nonNull(graphOutputs, "graphOutputs");
        Checks.count(tensors.size(), "tensors");
        Checks.count(ops.size(), "ops");
        Checks.arrayLength(graphInputs.length, "graphInputs");
        Checks.arrayLength(graphOutputs.length, "graphOutputs");
        tensors = Collections.unmodifiableList(new ArrayList<>(tensors));
        ops = Collections.unmodifiableList(new ArrayList<>(ops));
        graphInputs = graphInputs.clone();
        graphOutputs = graphOutputs.clone();
        checkGraph(tensors, ops, graphInputs, graphOutputs);
        checkRepresentable(formatVersion, tensors, ops);
    }

    /** Format version 1 stores no op version and knows no element type added later. */
    private static void checkRepresentable(int formatVersion, List<TensorInfo> tensors, List<OpNode> ops) {
        for (int i = 0; i < tensors.size(); i++) {
            ElementType type = tensors.get(i).type();
            if (type.sinceFormatVersion() > formatVersion) {
                throw new InvariantViolation("tensors[" + i + "].elementType", describe(tensors.get(i)) + " is " + type
                        + ", which format version " + formatVersion + " does not store (since version " + type.sinceFormatVersion() + ")");
            }
        }
        if (formatVersion == 1) {
            for (int o = 0; o < ops.size(); o++) {
                if (ops.get(o).opVersion() != 1) {
                    throw new InvariantViolation("ops[" + o + "].opVersion", describe(ops.get(o)) + " has version "
                            + ops.get(o).opVersion() + ", but format version 1 stores version-1 ops only");
                }
            }
        }
    }

    /**
     * @param newFormatVersion a version this code reads
     * @param newOps the ops, in execution order, over the same tensors
     * @return this model with another format version and other ops (e.g. converted from version 1)
     */
    public ModelArtifact withOps(int newFormatVersion, List<OpNode> newOps) {
        return new ModelArtifact(newFormatVersion, provenance, tensors, newOps, graphInputs, graphOutputs);
    }

    /**
     * @param provenance where the model came from
     * @param tensors every tensor
     * @param ops every op, in execution order
     * @param graphInputs ids of the input tensors
     * @param graphOutputs ids of the output tensors
     * @return a manifest of {@link ArtifactFormat#CURRENT_VERSION}
     */
    public static ModelArtifact of(Provenance provenance, List<TensorInfo> tensors, List<OpNode> ops, int[] graphInputs,
            int[] graphOutputs) {
        return new ModelArtifact(ArtifactFormat.CURRENT_VERSION, provenance, tensors, ops, graphInputs, graphOutputs);
    }

    private static void checkGraph(List<TensorInfo> tensors, List<OpNode> ops, int[] graphInputs, int[] graphOutputs) {
        Map<Integer, Integer> index = new HashMap<>(Math.max(16, tensors.size() * 2));
        for (int i = 0; i < tensors.size(); i++) {
            TensorInfo t = tensors.get(i);
            if (t == null) {
                throw new InvariantViolation("tensors[" + i + "]", "is null");
            }
            Integer previous = index.putIfAbsent(t.id(), i);
            if (previous != null) {
                throw new InvariantViolation("tensors[" + i + "].id", "duplicate tensor id " + t.id() + " ('" + t.name()
                        + "'; tensors[" + previous + "] '" + tensors.get(previous).name() + "' has it too)");
            }
        }
        boolean[] available = new boolean[tensors.size()];
        boolean[] graphInput = new boolean[tensors.size()];
        for (int i = 0; i < tensors.size(); i++) {
            available[i] = tensors.get(i).isConstant();
        }
        for (int k = 0; k < graphInputs.length; k++) {
            int i = lookup(index, graphInputs[k], "graphInputs", k, "graph input");
            if (tensors.get(i).isConstant()) {
                throw new InvariantViolation("graphInputs[" + k + "]", "graph input " + describe(tensors.get(i)) + " is a constant");
            }
            if (graphInput[i]) {
                throw new InvariantViolation("graphInputs[" + k + "]", "graph input " + describe(tensors.get(i)) + " is listed twice");
            }
            graphInput[i] = true;
            available[i] = true;
        }
        for (int o = 0; o < ops.size(); o++) {
            OpNode op = ops.get(o);
            if (op == null) {
                throw new InvariantViolation("ops[" + o + "]", "is null");
            }
            for (int k = 0; k < op.inputCount(); k++) {
                Integer i = index.get(op.input(k));
                if (i == null) {
                    throw new InvariantViolation("ops[" + o + "].inputs[" + k + "]", describe(op) + " input refers to tensor id "
                            + op.input(k) + ", which does not exist");
                }
                if (!available[i]) {
                    throw new InvariantViolation("ops[" + o + "].inputs[" + k + "]", describe(op) + " reads " + describe(tensors.get(i))
                            + ", which is not a constant, a graph input or an output of an earlier op");
                }
            }
            for (int k = 0; k < op.outputCount(); k++) {
                Integer i = index.get(op.output(k));
                if (i == null) {
                    throw new InvariantViolation("ops[" + o + "].outputs[" + k + "]", describe(op) + " output refers to tensor id "
                            + op.output(k) + ", which does not exist");
                }
                TensorInfo t = tensors.get(i);
                String problem = t.isConstant() ? " writes the constant " + describe(t)
                        : graphInput[i] ? " writes the graph input " + describe(t)
                        : available[i] ? " writes " + describe(t) + ", which an earlier op (or this one) already writes"
                        : null;
                if (problem != null) {
                    throw new InvariantViolation("ops[" + o + "].outputs[" + k + "]", describe(op) + problem);
                }
                available[i] = true;
            }
        }
        for (int i = 0; i < tensors.size(); i++) {
            if (!available[i]) {
                throw new InvariantViolation("tensors[" + i + "]", "activation " + describe(tensors.get(i))
                        + " is neither a graph input nor written by any op");
            }
        }
        if (graphOutputs.length == 0) {
            throw new InvariantViolation("graphOutputs", "the graph has no output");
        }
        boolean[] graphOutput = new boolean[tensors.size()];
        for (int k = 0; k < graphOutputs.length; k++) {
            int i = lookup(index, graphOutputs[k], "graphOutputs", k, "graph output");
            if (graphOutput[i]) {
                throw new InvariantViolation("graphOutputs[" + k + "]", "graph output " + describe(tensors.get(i)) + " is listed twice");
            }
            graphOutput[i] = true;
        }
    }

    private static int lookup(Map<Integer, Integer> index, int id, String list, int k, String role) {
        Integer i = index.get(id);
        if (i == null) {
            throw new InvariantViolation(list + "[" + k + "]", role + " refers to tensor id " + id + ", which does not exist");
        }
        return i;
    }

    private static String describe(OpNode op) {
        return "op '" + op.name() + "' (" + op.opType() + ")";
    }

    private static String describe(TensorInfo t) {
        return "tensor " + t.id() + " '" + t.name() + "'";
    }

    /**
     * @param id a tensor id
     * @return the tensor with that id, if any (a linear search)
     */
    public Optional<TensorInfo> tensor(int id) {
        for (TensorInfo t : tensors) {
            if (t.id() == id) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** @return a copy of the graph input ids */
    @Override
    public int[] graphInputs() {
        return graphInputs.clone();
    }

    /** @return a copy of the graph output ids */
    @Override
    public int[] graphOutputs() {
        return graphOutputs.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelArtifact m && formatVersion == m.formatVersion && provenance.equals(m.provenance)
                && tensors.equals(m.tensors) && ops.equals(m.ops) && Arrays.equals(graphInputs, m.graphInputs)
                && Arrays.equals(graphOutputs, m.graphOutputs);
    }

    @Override
    public int hashCode() {
        int h = formatVersion;
        h = 31 * h + provenance.hashCode();
        h = 31 * h + tensors.hashCode();
        h = 31 * h + ops.hashCode();
        h = 31 * h + Arrays.hashCode(graphInputs);
        return 31 * h + Arrays.hashCode(graphOutputs);
    }

    @Override
    public String toString() {
        return "ModelArtifact[formatVersion=" + formatVersion + ", provenance=" + provenance + ", tensors=" + tensors
                + ", ops=" + ops + ", graphInputs=" + Arrays.toString(graphInputs) + ", graphOutputs="
                + Arrays.toString(graphOutputs) + "]";
    }
}
