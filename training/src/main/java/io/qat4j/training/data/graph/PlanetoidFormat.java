package io.qat4j.training.data.graph;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qat4j.graph.data.GraphDataset;
import io.qat4j.graph.data.PlanetoidLoader;
import io.qat4j.training.config.DatasetConfig;
import io.qat4j.training.config.binding.Section;
import io.qat4j.training.data.DataOrigin;
import io.qat4j.training.data.DatasetFormat;
import io.qat4j.training.data.DatasetFormatSettings;
import io.qat4j.training.data.DatasetLocator;
import io.qat4j.training.data.NamedDataset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The {@code planetoid} dataset format: a citation graph in the LINQS format ({@code NAME.content},
 * {@code NAME.cites}; Sen et al., AI Magazine 2008) with an optional Planetoid split file (Yang,
 * Cohen, Salakhutdinov, ICML 2016), read by graph-models' {@link PlanetoidLoader} (which documents
 * the files and the edge cleaning), for full-batch node classification. Any LINQS dataset (Cora,
 * CiteSeer, ...) trains by giving its folder as {@code dataset.path}.
 *
 * <p>{@code dataset.normalizeFeatures} (default true) divides every node's features by their sum
 * (rows summing to 0 stay 0), as Kipf and Welling do for Cora (ICLR 2017, {@code preprocess_features}).
 * Without a split file the split is drawn from the run's seed ({@link PlanetoidSplits#draw}).
 */
public final class PlanetoidFormat implements DatasetFormat {

    /** The value of {@code dataset.format}. */
    public static final String NAME = "planetoid";

    /** The keys this format adds to {@code dataset}. */
    static final List<String> KEYS = List.of("normalizeFeatures");

    /**
     * The settings of a {@code planetoid} dataset.
     *
     * @param normalizeFeatures whether each node's features are divided by their sum
     */
    public record PlanetoidSettings(boolean normalizeFeatures) implements DatasetFormatSettings {
    }

    /** Creates the format (instantiated by {@link java.util.ServiceLoader}). */
    public PlanetoidFormat() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "LINQS citation graphs with a Planetoid split (node classification)";
    }

    @Override
    public List<String> keys() {
        return KEYS;
    }

    @Override
    public List<NamedDataset> namedDatasets() {
        return List.of();
    }

    @Override
    public DatasetFormatSettings bind(Section dataset) {
        Boolean normalize = dataset.boolOr("normalizeFeatures", true);
        return normalize == null ? null : new PlanetoidSettings(normalize);
    }

    @Override
    public void write(DatasetFormatSettings settings, ObjectNode out) {
        out.put("normalizeFeatures", ((PlanetoidSettings) settings).normalizeFeatures());
    }

    @Override
    public PlanetoidDataset load(DatasetLocator.Candidate location, DatasetConfig config) throws IOException {
        Path folder = location.path();
        GraphDataset d = new PlanetoidLoader().load(folder);
        List<DataOrigin.DataFile> read = new ArrayList<>();
        for (Path p : d.files()) {
            read.add(DataOrigin.DataFile.of(folder, p));
        }
        DataOrigin origin = new DataOrigin(config.describe(), Optional.of(folder), location.origin(), read,
                DataOrigin.splits(0, 0, 0), OptionalInt.of(d.classCount()));
        return new PlanetoidDataset(d, ((PlanetoidSettings) config.settings()).normalizeFeatures(), origin);
    }

    /** @return true: the split file names the validation nodes */
    @Override
    public boolean hasValidationSplit(DatasetConfig config) {
        return true;
    }
}
