package io.qat4j.training.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.qat4j.executor.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Atomic checkpoints: {@code ckpt-<step>.zip} (network with updater state, DL4J ModelSerializer),
 * {@code ckpt-<step>.json} ({@link TrainingState}) and the pointer file {@code LATEST}, each
 * written atomically and in that order, so that {@code LATEST} only ever names a complete
 * checkpoint. Keeps the newest {@code keep} checkpoints. The temporary files of writes that a
 * killed process interrupted are removed by {@link #removeStaleTemporaries()} when a run starts or
 * resumes. An optional {@link SaveListener} runs after every complete save (the run folder's
 * mirror pushes the new checkpoint).
 */
public final class Checkpoints {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Name of the pointer file that names the newest complete checkpoint; written last. */
    public static final String LATEST = "LATEST";

    private final Path dir;
    private final int keep;
    private final SaveListener afterSave;

    /** Runs after every complete save: the checkpoint, its state, {@code LATEST} and the pruning. */
    @FunctionalInterface
    public interface SaveListener {
        /** @throws IOException naming what failed */
        void saved() throws IOException;
    }

    /**
     * @param dir checkpoint folder
     * @param keep how many checkpoints to keep, at least 1
     */
    public Checkpoints(Path dir, int keep) {
        this(dir, keep, () -> { });
    }

    /**
     * @param dir checkpoint folder
     * @param keep how many checkpoints to keep, at least 1
     * @param afterSave runs after every complete save
     */
    public Checkpoints(Path dir, int keep, SaveListener afterSave) {
        this.dir = dir;
        this.keep = Math.max(1, keep);
        this.afterSave = afterSave;
    }

    /** A loaded checkpoint. @param network the network @param state where training stands */
    public record Loaded(ComputationGraph network, TrainingState state) {
    }

    /**
     * Saves a checkpoint.
     *
     * @param net the network
     * @param state where training stands after the last completed step
     * @throws IOException naming the file on failure, or what the {@link SaveListener} reports
     */
    public void save(ComputationGraph net, TrainingState state) throws IOException {
        Files.createDirectories(dir);
        String base = String.format("ckpt-%09d", state.step());
        AtomicFiles.writePath(dir.resolve(base + ".zip"), tmp -> ModelSerializer.writeModel(net, tmp.toFile(), true));
        AtomicFiles.write(dir.resolve(base + ".json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(state));
        AtomicFiles.write(dir.resolve(LATEST), (base + "\n").getBytes(StandardCharsets.UTF_8));
        prune(base);
        afterSave.saved();
    }

    /**
     * Loads the checkpoint {@code LATEST} names.
     *
     * @return the checkpoint, or empty when the folder has none
     * @throws IOException with the file and the problem when a checkpoint is unreadable
     */
    public Optional<Loaded> loadLatest() throws IOException {
        Optional<String> latest = latestBase();
        if (latest.isEmpty()) {
            return Optional.empty();
        }
        String base = latest.get();
        Path zip = dir.resolve(base + ".zip");
        TrainingState state = state(base);
        ComputationGraph net;
        try {
            net = ModelSerializer.restoreComputationGraph(zip.toFile(), true);
        } catch (IOException | RuntimeException e) {
            throw new IOException(zip + ": unreadable checkpoint: " + e.getMessage(), e);
        }
        if (net.getIterationCount() != state.step()) {
            throw new IOException(zip + ": network iteration count " + net.getIterationCount()
                    + " does not match the training state's step " + state.step());
        }
        return Optional.of(new Loaded(net, state));
    }

    /**
     * Where the newest checkpoint stands, without loading its network.
     *
     * @return the training state of the checkpoint {@code LATEST} names, or empty when the folder has none
     * @throws IOException with the file and the problem when the state is unreadable
     */
    public Optional<TrainingState> latestState() throws IOException {
        Optional<String> latest = latestBase();
        return latest.isEmpty() ? Optional.empty() : Optional.of(state(latest.get()));
    }

    /** @return the checkpoint {@code LATEST} names, {@code ckpt-<step>}, or empty without one */
    private Optional<String> latestBase() throws IOException {
        Path pointer = dir.resolve(LATEST);
        if (!Files.exists(pointer)) {
            return Optional.empty();
        }
        String base = Files.readString(pointer, StandardCharsets.UTF_8).trim();
        pointerStep(base, pointer.toString());
        return Optional.of(base);
    }

    private TrainingState state(String base) throws IOException {
        Path json = dir.resolve(base + ".json");
        try {
            return JSON.readValue(json.toFile(), TrainingState.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException(json + ": unreadable training state: " + e.getMessage(), e);
        }
    }

    /**
     * @param pointer the content of a {@link #LATEST} file, trimmed: {@code ckpt-<step, 9 digits>}
     * @param where the file it was read from, for the error message
     * @return the step of the checkpoint it names
     * @throws IOException when it is not a checkpoint name
     */
    public static long pointerStep(String pointer, String where) throws IOException {
        if (!pointer.matches("ckpt-\\d{9}")) {
            throw new IOException(where + ": malformed checkpoint pointer '" + pointer + "'");
        }
        return Long.parseLong(pointer.substring("ckpt-".length()));
    }

    /**
     * Removes what interrupted checkpoint writes left behind (a process killed while writing):
     * temporary files of {@link AtomicFiles} in the checkpoint folder, e.g.
     * {@code .ckpt-000000500.zip.8127394.tmp}. Complete checkpoints are never touched.
     *
     * @return the files removed
     * @throws IOException when the folder cannot be listed or a file cannot be removed
     */
    public List<Path> removeStaleTemporaries() throws IOException {
        return AtomicFiles.removeTemporaries(dir);
    }

    private void prune(String newest) throws IOException {
        List<String> bases = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("ckpt-\\d{9}\\.zip"))
                    .map(n -> n.substring(0, n.length() - 4))
                    .sorted()
                    .forEach(bases::add);
        }
        for (int i = 0; i < bases.size() - keep; i++) {
            if (!bases.get(i).equals(newest)) {
                Files.deleteIfExists(dir.resolve(bases.get(i) + ".zip"));
                Files.deleteIfExists(dir.resolve(bases.get(i) + ".json"));
            }
        }
    }
}
