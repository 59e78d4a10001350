package io.qat4j.training.data.graph;

import io.qat4j.graph.GraphInputs;
import io.qat4j.graph.data.Graph;
import io.qat4j.graph.data.GraphBatch;
import io.qat4j.graph.layers.DegreeQuantMask;
import io.qat4j.training.data.DataOrigin;
import io.qat4j.training.data.TaskData;
import io.qat4j.training.data.TrainingBatch;
import io.qat4j.training.data.TrainingBatches;
import io.qat4j.training.eval.EvaluationSet;
import io.qat4j.training.eval.Predictions;
import io.qat4j.training.eval.TaskKind;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.SplittableRandom;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Graph classification or regression on one fold of a k-fold cross-validation
 * ({@link GraphFolds}): minibatches of whole graphs ({@link GraphMinibatch}) in an order shuffled
 * anew every epoch (PyG's {@code DataLoader(shuffle=True)}; the last minibatch of an epoch holds the
 * remainder), the previous fold's test graphs as validation set and the fold's test graphs as
 * test set, evaluated without protection in batches of at most the evaluation batch size in
 * graphs and {@value #MAX_EVALUATION_NODES} nodes (a larger graph goes alone), so that memory stays
 * bounded whatever the dataset.
 *
 * <p>The order of epoch {@code e} is a Fisher-Yates shuffle of the training graphs by a
 * {@link SplittableRandom} seeded {@link TrainingBatch#exampleSeed}{@code (seed, e)}: it depends on
 * the run's seed and the epoch only, so a resumed run sees the batches an uninterrupted one would.
 */
final class GraphLevelData implements TaskData {

    /** The most nodes of an evaluation batch holding more than one graph. */
    static final int MAX_EVALUATION_NODES = 1 << 17;

    private final List<Graph> graphs;
    private final GraphFolds folds;
    private final TaskKind kind;
    private final DegreeQuantMask mask;
    private final DataOrigin origin;
    private final String name;

    /**
     * @param name the dataset's name, for the log line
     * @param graphs the dataset's graphs, labelled per graph
     * @param folds the run's training, validation and test graphs
     * @param kind classification or regression
     * @param mask Degree-Quant's protection probabilities, or null when Degree-Quant is off
     * @param origin where the data came from
     */
    GraphLevelData(String name, List<Graph> graphs, GraphFolds folds, TaskKind kind, DegreeQuantMask mask,
            DataOrigin origin) {
        this.name = name;
        this.graphs = List.copyOf(graphs);
        this.folds = folds;
        this.kind = kind;
        this.mask = mask;
        this.origin = origin;
    }

    @Override
    public TaskKind kind() {
        return kind;
    }

    @Override
    public int batchesPerEpoch(int batchSize) {
        return (folds.train().length + batchSize - 1) / batchSize;
    }

    /**
     * @param seed the run's seed
     * @param epoch the epoch
     * @return the training graphs in the order of that epoch
     */
    int[] epochOrder(long seed, int epoch) {
        int[] order = folds.train();
        GraphFolds.shuffle(order, 0, order.length, new SplittableRandom(TrainingBatch.exampleSeed(seed, epoch)));
        return order;
    }

    @Override
    public TrainingBatches training(int batchSize, long seed, int epoch, int batchInEpoch) {
        int batches = batchesPerEpoch(batchSize);
        return new TrainingBatches() {
            private int e = epoch;
            private int served = batchInEpoch;
            private int[] order = epochOrder(seed, epoch);

            @Override
            public boolean hasNext() {
                return served < batches;
            }

            @Override
            public TrainingBatch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("epoch " + e + " has " + batches + " minibatches, all served");
                }
                int from = served * batchSize;
                List<Graph> b = new ArrayList<>(batchSize);
                for (int i = from; i < Math.min(order.length, from + batchSize); i++) {
                    b.add(graphs.get(order[i]));
                }
                served++;
                return new GraphMinibatch(b, 0, mask);
            }

            @Override
            public int batchInEpoch() {
                return served;
            }

            @Override
            public void nextEpoch() {
                e++;
                served = 0;
                order = epochOrder(seed, e);
            }
        };
    }

    @Override
    public EvaluationSet test() {
        return evaluationSet(folds.test());
    }

    @Override
    public Optional<EvaluationSet> validation() {
        return Optional.of(evaluationSet(folds.validation()));
    }

    @Override
    public String describe() {
        Graph g = graphs.get(0);
        return name + ": " + folds.train().length + " training, " + folds.validation().length + " validation, "
                + folds.test().length + " test graphs, " + g.featureCount() + " node features, "
                + (kind == TaskKind.REGRESSION ? g.targetCount() + " targets" : g.classCount() + " classes")
                + (mask == null ? "" : "; Degree-Quant protection p in [" + mask.pMin() + ", " + mask.pMax() + "]");
    }

    @Override
    public DataOrigin origin() {
        return origin;
    }

    private EvaluationSet evaluationSet(int[] indices) {
        List<Graph> set = new ArrayList<>(indices.length);
        for (int g : indices) {
            set.add(graphs.get(g));
        }
        return new GraphEvaluationSet(kind, set);
    }

    /** Graphs scored in a fixed order, in batches bounded in graphs and nodes. */
    record GraphEvaluationSet(TaskKind kind, List<Graph> graphs) implements EvaluationSet {

        @Override
        public int count() {
            return graphs.size();
        }

        @Override
        public Predictions truth() {
            if (kind == TaskKind.CLASSIFICATION) {
                return Predictions.ofClasses(graphs.stream().mapToInt(Graph::label).toArray());
            }
            int t = graphs.get(0).targetCount();
            double[] values = new double[graphs.size() * t];
            for (int g = 0; g < graphs.size(); g++) {
                float[] y = graphs.get(g).targets();
                for (int j = 0; j < t; j++) {
                    values[g * t + j] = y[j];
                }
            }
            return Predictions.ofValues(t, values);
        }

        @Override
        public List<String> inputNames() {
            return GraphInputs.ORDER;
        }

        @Override
        public Iterable<MultiDataSet> batches(int batchSize) {
            return () -> new Iterator<>() {
                private int next;

                @Override
                public boolean hasNext() {
                    return next < graphs.size();
                }

                @Override
                public MultiDataSet next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    int from = next;
                    long nodes = graphs.get(next++).nodeCount();
                    while (next < graphs.size() && next - from < batchSize
                            && nodes + graphs.get(next).nodeCount() <= MAX_EVALUATION_NODES) {
                        nodes += graphs.get(next++).nodeCount();
                    }
                    return GraphMinibatch.inputsAndLabels(GraphBatch.of(graphs.subList(from, next)));
                }
            };
        }
    }
}
