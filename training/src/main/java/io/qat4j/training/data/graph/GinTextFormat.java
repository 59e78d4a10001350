package io.qat4j.training.data.graph;

import io.qat4j.graph.data.GinTextLoader;
import io.qat4j.graph.data.GraphLoader;

/**
 * The {@code gin-text} dataset format: graph classification datasets in the text format of DGCNN
 * and GIN (Zhang et al., AAAI 2018; Xu et al., ICLR 2019) such as REDDIT-BINARY, read by
 * graph-models' {@link GinTextLoader}, which documents the file. When the folder ships
 * {@code 10fold_idx/test_idx-K.txt}, fold {@code i} tests on file {@code K = i + 1} and
 * {@code dataset.folds} must be their number; otherwise the folds are drawn ({@link GraphFolds}).
 * REDDIT-BINARY has no node features (one tag): camlsys/degree-quant gives it
 * {@code nodeFeatures: degree-normalized}. The other keys are {@link GraphLevelFormat}'s.
 */
public final class GinTextFormat extends GraphLevelFormat {

    /** Creates the format (instantiated by {@link java.util.ServiceLoader}). */
    public GinTextFormat() {
    }

    @Override
    public String name() {
        return GinTextLoader.FORMAT;
    }

    @Override
    public String description() {
        return "DGCNN/GIN text graph classification files with optional 10-fold indices (Xu et al. 2019)";
    }

    @Override
    GraphLoader loader(GraphLevelSettings settings) {
        return new GinTextLoader();
    }
}
