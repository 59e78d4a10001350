package io.qat4j.training.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qat4j.executor.artifact.ArtifactWriter;
import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.artifact.Provenance;
import io.qat4j.executor.io.AtomicFiles;
import io.qat4j.quant.export.Int8Exporter;
import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.ExperimentConfigLoader;
import io.qat4j.training.train.RunDirectory;
import io.qat4j.training.train.RunLifecycle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Exports a finished run ({@code config.yaml} and {@code model.zip}) to {@code model.qat4j} with
 * provenance: the effective config, dataset, where the data came from (folder, files and their
 * SHA-256, from {@code metrics.json}), seed, metrics, source commit and qat4j version.
 */
public final class RunExport {

    /** File name of the artifact inside a run folder. */
    public static final String ARTIFACT = "model.qat4j";

    private RunExport() {
    }

    /**
     * A loaded run.
     *
     * @param run the folder
     * @param config its effective config
     * @param network the trained network
     */
    public record Run(RunDirectory run, ExperimentConfig config, ComputationGraph network) {
    }

    /**
     * @param dir a run folder
     * @return the run
     * @throws IOException when config or model are missing or unreadable
     */
    public static Run load(Path dir) throws IOException {
        RunDirectory run = new RunDirectory(dir);
        if (!Files.exists(run.config()) || !Files.exists(run.model())) {
            throw new IOException(dir + " is not a finished run: it needs config.yaml and model.zip (train it first)");
        }
        ExperimentConfig config = ExperimentConfigLoader.load(run.config());
        ComputationGraph net = ModelSerializer.restoreComputationGraph(run.model().toFile(), false);
        return new Run(run, config, net);
    }

    /**
     * Exports the run's network and writes it atomically to {@code <run>/model.qat4j}, after
     * removing the temporary files of exports that a killed process interrupted.
     *
     * @param r a loaded run
     * @return the artifact written
     * @throws IOException when writing fails
     */
    public static Path export(Run r) throws IOException {
        LoadedArtifact a = Int8Exporter.export(r.network(), r.config().model().exampleShape(), provenance(r));
        Path target = r.run().root().resolve(ARTIFACT);
        AtomicFiles.removeTemporariesOf(target);
        ArtifactWriter.write(a, target);
        return target;
    }

    private static Provenance provenance(Run r) throws IOException {
        Provenance.Builder b = Provenance.builder()
                .put(Provenance.CONFIG_YAML, r.config().toYaml())
                .put(Provenance.DATASET, r.config().dataset().describe())
                .put(Provenance.SEED, Long.toString(r.config().seed()))
                .put(Provenance.GIT_COMMIT, gitCommit())
                .put(Provenance.QAT4J_VERSION, version())
                .put(Provenance.CREATED, Instant.now().toString());
        if (Files.exists(r.run().metrics())) {
            String metrics = Files.readString(r.run().metrics(), StandardCharsets.UTF_8);
            JsonNode data;
            try {
                data = new ObjectMapper().readTree(metrics).get(RunLifecycle.METRICS_DATA);
            } catch (JsonProcessingException e) {
                throw new IOException(r.run().metrics() + ": not valid JSON: " + e.getOriginalMessage(), e);
            }
            if (data != null) {
                b.put(Provenance.DATA_ORIGIN, data.toString());
            }
            b.put(Provenance.METRICS_JSON, metrics);
        }
        return b.build();
    }

    /** @return the qat4j version from the jar manifest, or "development" */
    public static String version() {
        String v = RunExport.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    /** @return the commit of the working directory's git checkout, or "unknown" */
    static String gitCommit() {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 && out.matches("[0-9a-f]{40}") ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
