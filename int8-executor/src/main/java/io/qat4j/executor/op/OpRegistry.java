package io.qat4j.executor.op;

import io.qat4j.executor.artifact.ArtifactFormat;
import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.artifact.ModelArtifact;
import io.qat4j.executor.artifact.OpNode;
import io.qat4j.executor.artifact.TensorInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The op definitions known to the exporter, the executor and {@code qat4j inspect}, by name and
 * version. {@link #standard()} discovers them with {@link ServiceLoader} from every
 * {@code META-INF/services/io.qat4j.executor.op.OpDefinition} on the class path, so adding an op
 * is one class plus one registration line and no central switch (TFLite's {@code OpResolver}).
 *
 * <p>Loading an artifact through the registry: {@link #upgrade} converts a format-1 manifest to the
 * current format (its ops are version-1 ops; definitions convert their old attributes), then
 * {@link #prepare} checks every op against its definition and prepares it, failing with an
 * {@link ArtifactFormatException} naming the op index, type and name on an unknown op type or
 * version and on any malformed attribute or tensor.
 */
public final class OpRegistry {

    /**
     * Default bound on the memory one executor reserves at load, 512 MiB: every op's scratch per
     * thread plus every activation per example (so a run of batch {@code n} allocates at most
     * about {@code n} times the activations of the budget).
     */
    public static final long DEFAULT_SCRATCH_LIMIT = 512L << 20;

    /**
     * The bound an executor loads under by default: {@link #DEFAULT_SCRATCH_LIMIT}, or an eighth of
     * the maximum heap when that is smaller, so that a run of a few examples fits the heap of the
     * JVM that loaded the artifact (64 MiB with {@code -Xmx512m}); a crafted artifact that would
     * exhaust it is rejected at load instead of running out of memory.
     *
     * @return bytes of scratch per thread and activations per example
     */
    public static long defaultMemoryLimit() {
        return Math.min(DEFAULT_SCRATCH_LIMIT, Runtime.getRuntime().maxMemory() / 8);
    }

    private static final class Standard {
        static final OpRegistry INSTANCE = load(OpRegistry.class.getClassLoader());
    }

    private final Map<String, TreeMap<Integer, OpDefinition>> byName;

    private OpRegistry(Map<String, TreeMap<Integer, OpDefinition>> byName) {
        this.byName = byName;
    }

    /** @return the definitions registered on the class path of this library (loaded once) */
    public static OpRegistry standard() {
        return Standard.INSTANCE;
    }

    /**
     * @param loader where to look for registrations
     * @return the definitions registered there
     * @throws IllegalStateException if a registration cannot be instantiated or two definitions
     *     claim the same name and version
     */
    public static OpRegistry load(ClassLoader loader) {
        List<OpDefinition> found = new ArrayList<>();
        try {
            ServiceLoader.load(OpDefinition.class, loader).forEach(found::add);
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("cannot load an op definition: " + e.getMessage(), e);
        }
        return of(found);
    }

    /**
     * @param definitions op definitions
     * @return a registry of exactly these
     * @throws IllegalStateException if two definitions claim the same name and version
     */
    public static OpRegistry of(List<? extends OpDefinition> definitions) {
        Map<String, TreeMap<Integer, OpDefinition>> m = new HashMap<>();
        for (OpDefinition d : definitions) {
            if (d.name() == null || d.name().isEmpty() || d.version() < 1) {
                throw new IllegalStateException(d.getClass().getName() + " declares op '" + d.name() + "' version " + d.version()
                        + "; an op needs a non-empty name and a version >= 1");
            }
            OpDefinition previous = m.computeIfAbsent(d.name(), k -> new TreeMap<>()).putIfAbsent(d.version(), d);
            if (previous != null) {
                throw new IllegalStateException("op '" + d.name() + "' version " + d.version() + " is defined twice: by "
                        + previous.getClass().getName() + " and by " + d.getClass().getName());
            }
        }
        return new OpRegistry(m);
    }

    /**
     * @param name op type
     * @param version op version
     * @return its definition, if registered
     */
    public Optional<OpDefinition> find(String name, int version) {
        TreeMap<Integer, OpDefinition> versions = byName.get(name);
        return versions == null ? Optional.empty() : Optional.ofNullable(versions.get(version));
    }

    /** @return every definition, by name then version */
    public List<OpDefinition> definitions() {
        List<OpDefinition> all = new ArrayList<>();
        new TreeMap<>(byName).values().forEach(v -> all.addAll(v.values()));
        return Collections.unmodifiableList(all);
    }

    /**
     * @param op an op being loaded
     * @return its definition
     * @throws ArtifactFormatException if no definition has the op's name, or none its version
     */
    public OpDefinition require(OpContext op) throws ArtifactFormatException {
        OpNode n = op.node();
        TreeMap<Integer, OpDefinition> versions = byName.get(n.opType());
        if (versions == null) {
            throw op.error("opType", "unknown op type '" + n.opType() + "' (this executor knows " + String.join(", ", new TreeMap<>(byName).keySet())
                    + ")");
        }
        OpDefinition d = versions.get(n.opVersion());
        if (d == null) {
            throw op.error("opVersion", "unknown version " + n.opVersion() + " of op '" + n.opType() + "' (this executor knows version"
                    + (versions.size() == 1 ? " " : "s ") + versions.keySet() + "; the artifact may come from a newer qat4j)");
        }
        return d;
    }

    /**
     * Converts an artifact of an older format version to the current one: format-1 ops become
     * version-1 ops with their attributes converted by their definitions. Ops of unknown types are
     * kept as they are ({@link #prepare} rejects them). A current artifact is returned unchanged.
     *
     * @param artifact a read artifact
     * @param source file name for messages, or {@code null}
     * @return the artifact in format {@link ArtifactFormat#CURRENT_VERSION}
     * @throws ArtifactFormatException if a definition rejects the old attributes
     */
    public LoadedArtifact upgrade(LoadedArtifact artifact, String source) throws ArtifactFormatException {
        ModelArtifact m = artifact.model();
        if (m.formatVersion() == ArtifactFormat.CURRENT_VERSION) {
            return artifact;
        }
        Map<Integer, TensorInfo> tensors = index(m);
        List<OpNode> ops = new ArrayList<>(m.ops().size());
        for (int i = 0; i < m.ops().size(); i++) {
            OpNode n = m.ops().get(i);
            Optional<OpDefinition> d = find(n.opType(), n.opVersion());
            OpContext op = new OpContext(source, i, n, tensors, artifact, new ScratchBudget(0));
            try {
                ops.add(d.isPresent() ? n.withAttributes(d.get().fromFormatVersion1(op)) : n);
            } catch (RuntimeException e) {
                // a safety net for definitions that miss a check, as in prepare
                throw op.error("", "malformed format-1 op (unexpected " + e + ")");
            }
        }
        // the ops keep their positions, so the locations of the file still apply
        return new LoadedArtifact(m.withOps(ArtifactFormat.CURRENT_VERSION, ops), artifact.blobs(), artifact.locations());
    }

    /**
     * Checks every op of a current-format artifact against its definition and prepares it.
     *
     * @param artifact an artifact of format {@link ArtifactFormat#CURRENT_VERSION} ({@link #upgrade})
     * @param source file name for messages, or {@code null}
     * @param scratchLimit bytes of scratch per thread and activations per example the ops may reserve together
     * @return one prepared op per op, in graph order
     * @throws ArtifactFormatException naming the op and the attribute or tensor on any problem
     */
    public List<PreparedOp> prepare(LoadedArtifact artifact, String source, long scratchLimit) throws ArtifactFormatException {
        ModelArtifact m = artifact.model();
        if (m.formatVersion() != ArtifactFormat.CURRENT_VERSION) {
            throw new IllegalArgumentException("prepare a format-" + ArtifactFormat.CURRENT_VERSION + " artifact; upgrade it first");
        }
        Map<Integer, TensorInfo> tensors = index(m);
        ScratchBudget budget = new ScratchBudget(scratchLimit);
        int[] graphInputs = m.graphInputs();
        for (int k = 0; k < graphInputs.length; k++) {
            // a graph without ops still allocates its inputs: they count like op outputs
            TensorInfo in = tensors.get(graphInputs[k]);
            String problem = budget.reserve(in.byteLength());
            if (problem != null) {
                String field = "graphInputs[" + k + "]";
                throw new ArtifactFormatException(source, field, artifact.locations().of(field), "graph input tensor " + in.id() + " '"
                        + in.name() + "' per example needs " + in.byteLength() + " bytes; " + problem);
            }
        }
        List<PreparedOp> prepared = new ArrayList<>(m.ops().size());
        for (int i = 0; i < m.ops().size(); i++) {
            OpContext op = new OpContext(source, i, m.ops().get(i), tensors, artifact, budget);
            OpDefinition d = require(op);
            op.rejectUndeclaredAttributes(d.attributes());
            for (int k = 0; k < op.node().outputCount(); k++) {
                TensorInfo out = op.output(k);
                op.reserve(out.byteLength(), "output tensor " + out.id() + " '" + out.name() + "' per example");
            }
            try {
                prepared.add(d.prepare(op));
            } catch (RuntimeException e) {
                // a safety net for definitions that miss a check; the built-in ones are tested not to get here
                throw op.error("", "malformed op (unexpected " + e + ")");
            }
        }
        return List.copyOf(prepared);
    }

    private static Map<Integer, TensorInfo> index(ModelArtifact m) {
        Map<Integer, TensorInfo> tensors = new HashMap<>(Math.max(16, 2 * m.tensors().size()));
        m.tensors().forEach(t -> tensors.put(t.id(), t));
        return tensors;
    }
}
