package io.qat4j.jobs;

import io.qat4j.executor.artifact.ArtifactReader;
import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.artifact.ModelArtifact;
import io.qat4j.executor.artifact.OpNode;
import io.qat4j.executor.artifact.TensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code qat4j inspect ARTIFACT}: ops, shapes, bit widths, sizes and provenance. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Print an artifact's operators, tensors (shapes, bits, sizes) and provenance.",
        footer = "%n" + ExitCodes.HELP)
final class InspectCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ARTIFACT", description = "artifact file")
    Path artifact;

    @Override
    public Integer call() throws Exception {
        LoadedArtifact a = ArtifactReader.read(artifact);
        ModelArtifact m = a.model();
        System.out.printf(Locale.ROOT, "%s: format version %d, %d bytes, %d ops, %d tensors%n", artifact, m.formatVersion(),
                Files.size(artifact), m.ops().size(), m.tensors().size());
        System.out.println("operators:");
        for (OpNode op : m.ops()) {
            TensorInfo out = m.tensor(op.outputs()[0]).orElseThrow();
            System.out.printf(Locale.ROOT, "  %-22s %-20s -> %s %s%n", op.opType(), op.name(), out.type(), Arrays.toString(out.shape()));
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
        return ExitCodes.OK;
    }
}
