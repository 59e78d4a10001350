package io.qat4j.jobs;

import io.qat4j.executor.artifact.ArtifactFormat;
import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.ArtifactReader;
import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.artifact.ModelArtifact;
import io.qat4j.executor.artifact.OpNode;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.op.AttributeSpec;
import io.qat4j.executor.op.OpDefinition;
import io.qat4j.executor.op.OpRegistry;
import io.qat4j.executor.runtime.Int8Executor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code qat4j inspect ARTIFACT}: ops (with their definitions from {@link OpRegistry}), shapes, bit
 * widths, sizes, provenance, and whether the executor loads the artifact.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Print an artifact's operators and their definitions, tensors (shapes, bits, sizes), provenance, "
                + "and whether the int8 executor loads it.",
        footer = "%n" + ExitCodes.HELP)
final class InspectCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ARTIFACT", description = "artifact file")
    Path artifact;

    @Override
    public Integer call() throws Exception {
        LoadedArtifact read = ArtifactReader.read(ArtifactArgument.require(artifact));
        OpRegistry registry = OpRegistry.standard();
        LoadedArtifact a = registry.upgrade(read, artifact.toString());
        ModelArtifact m = a.model();
        int stored = read.model().formatVersion();
        System.out.printf(Locale.ROOT, "%s: format version %d%s, %d bytes, %d ops, %d tensors%n", artifact, stored,
                stored == ArtifactFormat.CURRENT_VERSION ? "" : " (converted to " + ArtifactFormat.CURRENT_VERSION + " on read)",
                Files.size(artifact), m.ops().size(), m.tensors().size());
        System.out.println("operators:");
        Map<String, Optional<OpDefinition>> used = new LinkedHashMap<>();
        for (OpNode op : m.ops()) {
            TensorInfo out = m.tensor(op.outputs()[0]).orElseThrow();
            String type = op.opType() + " v" + op.opVersion();
            used.computeIfAbsent(type, k -> registry.find(op.opType(), op.opVersion()));
            System.out.printf(Locale.ROOT, "  %-26s %-20s -> %s %s%n", type, op.name(), out.type(), Arrays.toString(out.shape()));
        }
        System.out.println("op definitions:");
        for (Map.Entry<String, Optional<OpDefinition>> e : used.entrySet()) {
            if (e.getValue().isEmpty()) {
                System.out.printf(Locale.ROOT, "  %s: unknown to this qat4j%n", e.getKey());
                continue;
            }
            System.out.printf(Locale.ROOT, "  %s: %s%n", e.getKey(), e.getValue().get().summary());
            for (AttributeSpec attribute : e.getValue().get().attributes()) {
                System.out.printf(Locale.ROOT, "      %s%n", attribute.describe());
            }
        }
        System.out.println("constants:");
        long total = 0;
        for (TensorInfo t : m.tensors()) {
            if (t.isConstant()) {
                long bytes = a.blobs().get(t.blobIndex()).length;
                total += bytes;
                System.out.printf(Locale.ROOT, "  %-28s %-12s %2d bits %-18s %8d B%n", t.name(), t.type(), t.bits(),
                        Arrays.toString(t.shape()), bytes);
            }
        }
        System.out.printf(Locale.ROOT, "  total constant bytes: %d%n", total);
        System.out.println("provenance:");
        for (Map.Entry<String, String> e : m.provenance().entries().entrySet()) {
            String v = e.getValue();
            System.out.printf("  %s: %s%n", e.getKey(), v.contains("\n") ? "(" + v.lines().count() + " lines)" : v);
        }
        try {
            Int8Executor ex = Int8Executor.of(read, artifact.toString());
            System.out.printf(Locale.ROOT, "executor: loads; inputs %s, outputs %s%n", ex.inputs().keySet(), ex.outputs().keySet());
        } catch (ArtifactFormatException e) {
            System.out.println("executor: does not load: " + e.getMessage());
        }
        return ExitCodes.OK;
    }
}
