package io.qat4j.training.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qat4j.executor.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

/**
 * The parameters of the epoch with the lowest validation loss so far, for
 * {@code training.select: best-validation-loss} (the model selection of camlsys/degree-quant's
 * {@code train_eval.py}, Tailor et al., ICLR 2021: the test score reported is the one at the epoch
 * of the lowest validation loss). Kept next to the checkpoints as {@code best-<epoch>.zip} (the
 * network, DL4J ModelSerializer, without updater state) and {@value #STATE}, which names it, each
 * written atomically and in that order, so {@value #STATE} only ever names a complete file; older
 * {@code best-*.zip} files are removed afterwards. A resumed run reads {@value #STATE} and keeps
 * comparing against it. Ties keep the earlier epoch, as the reference's strict {@code <}. Under a
 * quantization schedule with a float warm-up ({@code quantization.schedule.fp32Warmup}), only epochs
 * that end with fake quantization on are offered: the selected network is one that trained quantized.
 */
final class BestEpoch {

    /** File that names the selected parameters, in the checkpoint folder. */
    static final String STATE = "best.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The selected epoch.
     *
     * @param epoch the epoch, from 0
     * @param step optimizer steps done at its end
     * @param validationLoss its mean validation loss
     * @param file the network file in the checkpoint folder
     */
    record Selected(@JsonProperty("epoch") int epoch, @JsonProperty("step") long step,
                    @JsonProperty("validationLoss") double validationLoss, @JsonProperty("file") String file) {
    }

    private final Path dir;
    private Selected selected;

    private BestEpoch(Path dir, Selected selected) {
        this.dir = dir;
        this.selected = selected;
    }

    /**
     * @param checkpoints the run's checkpoint folder
     * @param resume whether the run resumes (and keeps what the folder selected so far)
     * @return the selection so far: empty for a new run
     * @throws IOException naming the file when the stored selection is unreadable
     */
    static BestEpoch open(Path checkpoints, boolean resume) throws IOException {
        Path state = checkpoints.resolve(STATE);
        if (!resume || !Files.exists(state)) {
            return new BestEpoch(checkpoints, null);
        }
        Selected s;
        try {
            s = JSON.readValue(state.toFile(), Selected.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException(state + ": unreadable selected epoch: " + e.getMessage(), e);
        }
        if (s.file() == null || !s.file().matches("best-\\d{6,}\\.zip") || !Files.exists(checkpoints.resolve(s.file()))) {
            throw new IOException(state + ": names '" + s.file() + "', which is not a network file of "
                    + checkpoints);
        }
        return new BestEpoch(checkpoints, s);
    }

    /** @return the epoch selected so far */
    Optional<Selected> selected() {
        return Optional.ofNullable(selected);
    }

    /**
     * Keeps the network's parameters when its validation loss is below the best so far.
     *
     * @param net the network at the end of the epoch
     * @param epoch the epoch, from 0
     * @param step optimizer steps done
     * @param validationLoss the epoch's mean validation loss (NaN is never selected)
     * @return whether this epoch is now the selected one
     * @throws IOException naming the file that could not be written
     */
    boolean offer(ComputationGraph net, int epoch, long step, double validationLoss) throws IOException {
        if (Double.isNaN(validationLoss) || (selected != null && !(validationLoss < selected.validationLoss()))) {
            return false;
        }
        Files.createDirectories(dir);
        String file = String.format("best-%06d.zip", epoch);
        AtomicFiles.writePath(dir.resolve(file), tmp -> ModelSerializer.writeModel(net, tmp.toFile(), false));
        Selected s = new Selected(epoch, step, validationLoss, file);
        AtomicFiles.write(dir.resolve(STATE), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(s));
        selected = s;
        List<Path> older;
        try (Stream<Path> files = Files.list(dir)) {
            older = files.filter(p -> p.getFileName().toString().matches("best-\\d{6,}\\.zip")
                    && !p.getFileName().toString().equals(file)).toList();
        }
        for (Path p : older) {
            Files.deleteIfExists(p);
        }
        return true;
    }

    /**
     * Sets the network's parameters (weights, observer and batch-norm state: everything in its
     * parameter view) to those of the selected epoch.
     *
     * @param net a network of the run
     * @throws IOException naming the file when it is unreadable or holds another network
     * @throws IllegalStateException when no epoch was selected
     */
    void restoreInto(ComputationGraph net) throws IOException {
        if (selected == null) {
            throw new IllegalStateException("no epoch selected in " + dir);
        }
        Path zip = dir.resolve(selected.file());
        ComputationGraph best;
        try {
            best = ModelSerializer.restoreComputationGraph(zip.toFile(), false);
        } catch (IOException | RuntimeException e) {
            throw new IOException(zip + ": unreadable selected network: " + e.getMessage(), e);
        }
        if (best.params().length() != net.params().length()) {
            throw new IOException(zip + ": holds " + best.params().length() + " parameters, the run's network "
                    + net.params().length());
        }
        net.setParams(best.params());
    }
}
