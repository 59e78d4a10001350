package io.qat4j.graph.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The graphs of a dataset, read by a {@link GraphLoader} (the role of PyG's
 * {@code InMemoryDataset} with the {@code Planetoid} and {@code TUDataset} classes of Fey and
 * Lenssen, ICLR 2019 RLGM workshop), with what its task needs: the task, the
 * class names (classification) or target names (regression), the feature count, the splits the
 * format ships (Planetoid's train/validation/test nodes, k-fold graph index lists), the
 * {@link CleaningReport} of the load and the files read.
 *
 * <p>A dataset without a shipped split says so: {@link #nodeSplit()} is empty and {@link #folds()}
 * is empty, and the caller chooses one (a random split, its own folds).
 *
 * @param name the dataset's name, from its file names (e.g. {@code cora}, {@code MUTAG})
 * @param task what the graphs are labelled for
 * @param graphs the graphs, in file order; at least one
 * @param featureCount features per node, the same for every graph
 * @param classNames class {@code c}'s name at index {@code c} (classification); empty for regression
 * @param targetNames the names of the regression targets; empty for classification
 * @param nodeSplit the shipped node split (node classification), indices into the nodes of all
 *     graphs in order; empty when the dataset ships none
 * @param folds the shipped cross-validation folds (graph tasks), numbered 1..k; empty when none
 * @param cleaning what the load did to the edges, and its notes
 * @param files the data files read (the provenance of the dataset)
 */
public record GraphDataset(String name, GraphTask task, List<Graph> graphs, int featureCount,
                           List<String> classNames, List<String> targetNames, Optional<NodeSplit> nodeSplit,
                           List<Fold> folds, CleaningReport cleaning, List<Path> files) {

    /** Checks that graphs, names, splits and folds agree, and copies the lists. */
    public GraphDataset {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a dataset needs a name");
        }
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(nodeSplit, "nodeSplit");
        Objects.requireNonNull(cleaning, "cleaning");
        graphs = List.copyOf(graphs);
        classNames = List.copyOf(classNames);
        targetNames = List.copyOf(targetNames);
        folds = List.copyOf(folds);
        files = List.copyOf(files);
        if (graphs.isEmpty()) {
            throw new IllegalArgumentException(name + ": a dataset needs at least one graph");
        }
        boolean regression = task == GraphTask.GRAPH_REGRESSION;
        if (regression ? targetNames.isEmpty() || !classNames.isEmpty() : classNames.isEmpty() || !targetNames.isEmpty()) {
            throw new IllegalArgumentException(name + ": a " + task + " dataset has " + classNames.size()
                    + " class names and " + targetNames.size() + " target names");
        }
        long nodes = 0;
        for (int g = 0; g < graphs.size(); g++) {
            Graph graph = graphs.get(g);
            int width = regression ? graph.targetCount() : graph.classCount();
            int names = regression ? targetNames.size() : classNames.size();
            if (graph.task() != task || graph.featureCount() != featureCount || width != names) {
                throw new IllegalArgumentException(name + ": graph " + g + " (" + graph + ", " + width
                        + (regression ? " targets" : " classes") + ") does not fit the dataset (" + task + ", "
                        + featureCount + " features, " + names + (regression ? " targets)" : " classes)"));
            }
            nodes += graph.nodeCount();
        }
        if (nodeSplit.isPresent()) {
            if (task != GraphTask.NODE_CLASSIFICATION) {
                throw new IllegalArgumentException(name + ": a node split belongs to node classification, not " + task);
            }
            NodeSplit s = nodeSplit.get();
            for (int[] set : List.of(s.train(), s.validation(), s.test())) {
                if (set.length > 0 && set[set.length - 1] >= nodes) {
                    throw new IllegalArgumentException(name + ": split node " + set[set.length - 1]
                            + " is outside the dataset's " + nodes + " nodes");
                }
            }
        }
        for (int k = 0; k < folds.size(); k++) {
            Fold fold = folds.get(k);
            if (task == GraphTask.NODE_CLASSIFICATION || fold.number() != k + 1) {
                throw new IllegalArgumentException(name + ": fold " + fold.number() + " at position " + (k + 1)
                        + " of a " + task + " dataset (folds are of graphs, numbered 1..k)");
            }
            for (int[] set : List.of(fold.train(), fold.test())) {
                for (int g : set) {
                    if (g >= graphs.size()) {
                        throw new IllegalArgumentException(name + ": fold " + fold.number() + " names graph " + g
                                + " of " + graphs.size());
                    }
                }
            }
        }
    }

    /** @return the number of graphs */
    public int graphCount() {
        return graphs.size();
    }

    /** @return the number of nodes over all graphs */
    public long nodeCount() {
        long n = 0;
        for (Graph g : graphs) {
            n += g.nodeCount();
        }
        return n;
    }

    /** @return the number of classes, 0 for regression */
    public int classCount() {
        return classNames.size();
    }

    /**
     * @param indices graph indices, e.g. a {@link Fold}'s training graphs
     * @return those graphs, in that order
     */
    public List<Graph> graphs(int[] indices) {
        List<Graph> out = new ArrayList<>(indices.length);
        for (int g : indices) {
            out.add(graphs.get(g));
        }
        return out;
    }

    /** @return the line a load logs: {@link CleaningReport#logLine(String)} of this dataset */
    public String loadSummary() {
        return cleaning.logLine(name);
    }
}
