package io.qat4j.training.data.graph;

import io.qat4j.training.data.DatasetFormatSettings;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code dataset} keys of the graph-level formats ({@link GraphLevelFormat}: {@code tu},
 * {@code gin-text}, {@code smiles-csv}).
 *
 * @param folds {@code dataset.folds}: the k of the k-fold cross-validation (default 10)
 * @param fold {@code dataset.fold}: the fold tested on, {@code 0..folds-1} (default 0)
 * @param foldSeed {@code dataset.foldSeed}: the seed of the folds' shuffle (default 12345, as
 *     camlsys/degree-quant's {@code StratifiedKFold(random_state=12345)})
 * @param nodeFeatures {@code dataset.nodeFeatures} (default {@code as-loaded})
 * @param maxDegree {@code dataset.maxDegree}: the largest in-degree of {@code degree-one-hot}
 *     (default 0: required with it)
 * @param smilesColumn {@code dataset.smilesColumn} (smiles-csv): the header name of the SMILES
 *     column; empty for the first column
 * @param targetColumns {@code dataset.targetColumns} (smiles-csv): the header names of the targets,
 *     in order; empty for the second column alone
 */
public record GraphLevelSettings(int folds, int fold, long foldSeed, NodeFeatureMode nodeFeatures, int maxDegree,
        Optional<String> smilesColumn, List<String> targetColumns) implements DatasetFormatSettings {

    /** Default {@code folds}. */
    public static final int DEFAULT_FOLDS = 10;
    /** Default {@code foldSeed}. */
    public static final long DEFAULT_FOLD_SEED = 12345;

    /** Checks the fold against the folds and copies the list. */
    public GraphLevelSettings {
        Objects.requireNonNull(nodeFeatures, "nodeFeatures");
        Objects.requireNonNull(smilesColumn, "smilesColumn");
        targetColumns = List.copyOf(targetColumns);
        if (folds < 3 || fold < 0 || fold >= folds) {
            throw new IllegalArgumentException("fold " + fold + " of " + folds + " folds");
        }
    }
}
