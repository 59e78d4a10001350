package io.qat4j.training.data.graph;

import io.qat4j.graph.data.GraphLoader;
import io.qat4j.graph.data.TuLoader;

/**
 * The {@code tu} dataset format: graph classification (or regression) datasets of the TUDataset
 * collection (Morris et al., ICML 2020 GRL+ workshop) such as MUTAG, PROTEINS and ENZYMES, read by
 * graph-models' {@link TuLoader}, which documents the files; the dataset's name is found from the
 * {@code DS_A.txt} of the folder, so any TU dataset trains by giving its folder as
 * {@code dataset.path}. The folds are drawn ({@link GraphFolds}); the other keys are
 * {@link GraphLevelFormat}'s.
 */
public final class TuFormat extends GraphLevelFormat {

    /** Creates the format (instantiated by {@link java.util.ServiceLoader}). */
    public TuFormat() {
    }

    @Override
    public String name() {
        return TuLoader.FORMAT;
    }

    @Override
    public String description() {
        return "TUDataset graph classification files (Morris et al. 2020), k-fold cross-validation";
    }

    @Override
    GraphLoader loader(GraphLevelSettings settings) {
        return new TuLoader();
    }
}
