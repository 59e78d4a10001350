package io.qat4j.training.data.graph;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qat4j.graph.data.GraphDataset;
import io.qat4j.graph.data.GraphLoader;
import io.qat4j.training.config.DatasetConfig;
import io.qat4j.training.config.binding.ConfigChoices;
import io.qat4j.training.config.binding.KeyPaths;
import io.qat4j.training.config.binding.Section;
import io.qat4j.training.config.binding.YamlNode;
import io.qat4j.training.config.binding.YamlNode.ListNode;
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
 * What the graph-level dataset formats ({@link TuFormat}, {@link GinTextFormat},
 * {@link SmilesCsvFormat}) share: graph classification or regression with k-fold
 * cross-validation ({@link GraphFolds}: {@code folds}, {@code fold}, {@code foldSeed}) and the node
 * features of {@link NodeFeatureMode} ({@code nodeFeatures}, {@code maxDegree}), read by one of
 * graph-models' loaders and trained as {@link GraphLevelDataset}. A subclass names the format,
 * its loader and any keys of its own.
 *
 * <pre>{@code
 * dataset:
 *   format: tu                 # or gin-text, smiles-csv
 *   path: data/MUTAG           # any dataset in the format
 *   folds: 10                  # k of the k-fold cross-validation, >= 3
 *   fold: 0                    # tested fold, 0..folds-1; validation = fold - 1 (fold 0: the last)
 *   foldSeed: 12345            # seed of the folds' shuffle, independent of the run's seed
 *   nodeFeatures: as-loaded    # or degree-normalized, degree-one-hot (with maxDegree)
 * }</pre>
 */
public abstract class GraphLevelFormat implements DatasetFormat {

    /** The keys every graph-level format adds to {@code dataset}. */
    static final List<String> KEYS = List.of("folds", "fold", "foldSeed", "nodeFeatures", "maxDegree");

    /** The largest {@code folds}. */
    static final int MAX_FOLDS = 1000;
    /** The largest {@code maxDegree}. */
    static final int MAX_DEGREE = 1 << 16;

    private static final ConfigChoices<NodeFeatureMode> FEATURES = ConfigChoices.of(NodeFeatureMode.values());

    /** For subclasses, instantiated by {@link java.util.ServiceLoader}. */
    protected GraphLevelFormat() {
    }

    /** @return the keys of this format besides {@link #KEYS} (none by default) */
    List<String> ownKeys() {
        return List.of();
    }

    /**
     * @param settings the bound settings
     * @return the loader of this format
     */
    abstract GraphLoader loader(GraphLevelSettings settings);

    @Override
    public final List<String> keys() {
        List<String> keys = new ArrayList<>(KEYS);
        keys.addAll(ownKeys());
        return keys;
    }

    /** Every fold validates on the previous fold's test graphs (camlsys/degree-quant's {@code train_eval.py}). */
    @Override
    public boolean hasValidationSplit(DatasetConfig config) {
        return true;
    }

    @Override
    public List<NamedDataset> namedDatasets() {
        return List.of();
    }

    @Override
    public DatasetFormatSettings bind(Section d) {
        int before = d.problems().size();
        Integer folds = d.intOr("folds", GraphLevelSettings.DEFAULT_FOLDS, 3, MAX_FOLDS);
        Integer fold = d.intOr("fold", 0, 0, MAX_FOLDS - 1);
        if (folds != null && fold != null && fold >= folds) {
            d.problem(d.valueLocation("fold"), "fold", "must be below `folds` (" + folds + "): folds are numbered"
                    + " 0.." + (folds - 1) + ", got " + fold);
        }
        Long foldSeed = d.longOr("foldSeed", GraphLevelSettings.DEFAULT_FOLD_SEED, Long.MIN_VALUE, Long.MAX_VALUE);
        NodeFeatureMode features = d.choiceOr("nodeFeatures", NodeFeatureMode.AS_LOADED, FEATURES);
        Integer maxDegree = d.intOr("maxDegree", 0, 0, MAX_DEGREE);
        if (features == NodeFeatureMode.DEGREE_ONE_HOT && d.value("maxDegree") == null) {
            d.required("maxDegree", ": `nodeFeatures: degree-one-hot` encodes in-degrees 0..maxDegree");
        } else if (features != NodeFeatureMode.DEGREE_ONE_HOT && d.value("maxDegree") != null) {
            d.problem(d.keyLocation("maxDegree"), "maxDegree", "is read with `nodeFeatures: degree-one-hot` only");
        }
        Optional<String> smiles = ownKeys().contains("smilesColumn") ? text(d, "smilesColumn") : Optional.empty();
        List<String> targets = ownKeys().contains("targetColumns") ? texts(d, "targetColumns") : List.of();
        if (smiles.isPresent() && targets.isEmpty() && d.value("targetColumns") == null) {
            d.required("targetColumns", ": with `smilesColumn` named, name the target columns too");
        } else if (smiles.isEmpty() && d.value("targetColumns") != null && d.value("smilesColumn") == null) {
            d.required("smilesColumn", ": with `targetColumns` named, name the SMILES column too");
        }
        if (d.problems().size() > before) {
            return null;
        }
        return new GraphLevelSettings(folds, fold, foldSeed, features, maxDegree, smiles, targets);
    }

    private static Optional<String> text(Section d, String key) {
        YamlNode n = d.value(key);
        String s = n == null ? null : d.reader().text(n, d.path(key));
        return Optional.ofNullable(s).map(String::strip);
    }

    /** @return the names written as a list or as one name; empty when absent */
    private static List<String> texts(Section d, String key) {
        YamlNode n = d.value(key);
        if (n == null) {
            return List.of();
        }
        List<YamlNode> items = n instanceof ListNode l ? l.items() : List.of(n);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String path = n instanceof ListNode ? KeyPaths.index(d.path(key), i) : d.path(key);
            String s = d.reader().text(items.get(i), path);
            if (s != null) {
                out.add(s.strip());
            }
        }
        if (n instanceof ListNode && items.isEmpty()) {
            d.problem(n.location(), key, "names at least one target column");
        }
        return out;
    }

    @Override
    public void write(DatasetFormatSettings settings, ObjectNode out) {
        GraphLevelSettings s = (GraphLevelSettings) settings;
        out.put("folds", s.folds());
        out.put("fold", s.fold());
        out.put("foldSeed", s.foldSeed());
        out.put("nodeFeatures", s.nodeFeatures().yamlName());
        if (s.nodeFeatures() == NodeFeatureMode.DEGREE_ONE_HOT) {
            out.put("maxDegree", s.maxDegree());
        } else {
            out.putNull("maxDegree");
        }
        if (ownKeys().contains("smilesColumn")) {
            if (s.smilesColumn().isPresent()) {
                out.put("smilesColumn", s.smilesColumn().get());
            } else {
                out.putNull("smilesColumn");
            }
        }
        if (ownKeys().contains("targetColumns")) {
            if (s.targetColumns().isEmpty()) {
                out.putNull("targetColumns");
            } else {
                ArrayNode a = out.putArray("targetColumns");
                s.targetColumns().forEach(a::add);
            }
        }
    }

    @Override
    public GraphLevelDataset load(DatasetLocator.Candidate location, DatasetConfig config) throws IOException {
        Path folder = location.path();
        GraphLevelSettings settings = (GraphLevelSettings) config.settings();
        GraphDataset d = loader(settings).load(folder);
        List<DataOrigin.DataFile> read = new ArrayList<>();
        for (Path p : d.files()) {
            read.add(DataOrigin.DataFile.of(folder, p));
        }
        DataOrigin origin = new DataOrigin(config.describe(), Optional.of(folder), location.origin(), read,
                DataOrigin.splits(0, 0, 0), d.classCount() == 0 ? OptionalInt.empty() : OptionalInt.of(d.classCount()));
        return new GraphLevelDataset(d, settings, origin);
    }
}
