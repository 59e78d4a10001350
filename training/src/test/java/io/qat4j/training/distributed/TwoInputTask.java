package io.qat4j.training.distributed;

import io.qat4j.training.data.DataOrigin;
import io.qat4j.training.data.RowBatch;
import io.qat4j.training.data.TaskData;
import io.qat4j.training.data.TrainingBatch;
import io.qat4j.training.data.TrainingBatches;
import io.qat4j.training.eval.EvaluationSet;
import io.qat4j.training.eval.Predictions;
import io.qat4j.training.eval.TaskKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A toy task of a network with several inputs, as graph networks have: examples with two feature
 * arrays {@code a} (3 values) and {@code b} (2 values), the class {@code 1} when
 * {@code a0 + a1 - a2 + 2 (b0 - b1) > 0} (examples with {@code |score| < 0.3} are drawn again, a
 * margin), and a labels mask that scores every other example, as node-level tasks score the nodes
 * of a split. The unscored examples carry the opposite class: a trainer or evaluator that ignored
 * the mask would see every region of the input space with both classes equally often. Optionally a third input {@code keep} (one value per example) is drawn at every
 * training step, 0 or 1, as Degree-Quant's protective mask is, from the step's seed and the
 * example's index in the global batch ({@link TrainingBatch#exampleSeed}), and is 0 when scored.
 */
final class TwoInputTask implements TaskData {

    /** Examples per minibatch. */
    static final int BATCH = 32;

    /** What {@link Batch#forStep} drew, by step seed: the {@code keep} value of each example of the global batch. */
    static final Map<Long, float[]> DRAWS = new ConcurrentHashMap<>();

    private final RowBatch train;
    private final RowBatch test;
    private final boolean drawsKeep;

    /**
     * @param seed the seed of the examples
     * @param trainExamples training examples, a multiple of {@link #BATCH}
     * @param testExamples test examples
     * @param drawsKeep whether the examples have the drawn input {@code keep}
     */
    TwoInputTask(long seed, int trainExamples, int testExamples, boolean drawsKeep) {
        Random rnd = new Random(seed);
        this.train = examples(rnd, trainExamples);
        this.test = examples(rnd, testExamples);
        this.drawsKeep = drawsKeep;
    }

    private static RowBatch examples(Random rnd, int n) {
        float[][] a = new float[n][3];
        float[][] b = new float[n][2];
        float[][] y = new float[n][2];
        float[][] mask = new float[n][1];
        for (int i = 0; i < n; i++) {
            double score;
            do {
                for (int j = 0; j < 3; j++) {
                    a[i][j] = (float) (2 * rnd.nextDouble() - 1);
                }
                for (int j = 0; j < 2; j++) {
                    b[i][j] = (float) (2 * rnd.nextDouble() - 1);
                }
                score = a[i][0] + a[i][1] - a[i][2] + 2 * (b[i][0] - b[i][1]);
            } while (Math.abs(score) < 0.3);
            boolean scored = i % 2 == 0;
            int cls = (score > 0) == scored ? 1 : 0;
            y[i][cls] = 1;
            mask[i][0] = scored ? 1 : 0;
        }
        return new RowBatch(new org.nd4j.linalg.dataset.MultiDataSet(
                new INDArray[] {Nd4j.createFromArray(a), Nd4j.createFromArray(b)},
                new INDArray[] {Nd4j.createFromArray(y)}, null, new INDArray[] {Nd4j.createFromArray(mask)}));
    }

    /**
     * @param withKeep whether the network takes the drawn input {@code keep}
     * @return the network: inputs {@code a}, {@code b} (and {@code keep}) merged, a dense layer of 8
     *     tanh units, a softmax output of 2 classes, Adam
     */
    static ComputationGraph network(boolean withKeep) {
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER).updater(new Adam(0.03)).graphBuilder();
        if (withKeep) {
            g.addInputs("a", "b", "keep").addVertex("merged", new MergeVertex(), "a", "b", "keep");
        } else {
            g.addInputs("a", "b").addVertex("merged", new MergeVertex(), "a", "b");
        }
        g.addLayer("hidden", new DenseLayer.Builder().nIn(withKeep ? 6 : 5).nOut(8).activation(Activation.TANH).build(),
                "merged");
        g.addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(2)
                .activation(Activation.SOFTMAX).build(), "hidden");
        ComputationGraph net = new ComputationGraph(g.setOutputs("output").build());
        net.init();
        return net;
    }

    /**
     * Rows of the task, where they sit in the global batch, and the per-step input.
     *
     * @param rows the rows
     * @param offset the index of the first row in the global batch
     * @param drawsKeep whether a third input {@code keep} is drawn per step
     */
    record Batch(RowBatch rows, int offset, boolean drawsKeep) implements TrainingBatch {

        @Override
        public MultiDataSet data() {
            return drawsKeep ? withKeep(Nd4j.zeros(DataType.FLOAT, examples(), 1)) : rows.data();
        }

        @Override
        public MultiDataSet forStep(long stepSeed) {
            if (!drawsKeep) {
                return rows.data();
            }
            float[] keep = new float[examples()];
            float[] global = DRAWS.computeIfAbsent(stepSeed, s -> new float[BATCH]);
            for (int r = 0; r < keep.length; r++) {
                keep[r] = new SplittableRandom(TrainingBatch.exampleSeed(stepSeed, offset + r)).nextInt(2);
                global[offset + r] = keep[r];
            }
            return withKeep(Nd4j.createFromArray(keep).reshape(keep.length, 1));
        }

        private MultiDataSet withKeep(INDArray keep) {
            MultiDataSet d = rows.data();
            return new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {d.getFeatures(0), d.getFeatures(1), keep},
                    d.getLabels(), null, d.getLabelsMaskArrays());
        }

        @Override
        public int examples() {
            return rows.examples();
        }

        @Override
        public List<TrainingBatch> shards(int n) {
            List<TrainingBatch> out = new ArrayList<>(n);
            int examples = examples();
            for (int s = 0; s < n; s++) {
                int from = RowBatch.shardStart(examples, s, n);
                out.add(new Batch(rows.rows(from, RowBatch.shardStart(examples, s + 1, n)), offset + from, drawsKeep));
            }
            return out;
        }
    }

    @Override
    public TaskKind kind() {
        return TaskKind.CLASSIFICATION;
    }

    @Override
    public int batchesPerEpoch(int batchSize) {
        return train.examples() / batchSize;
    }

    /** The same order every epoch (a function of nothing, so of the seed and epoch too). */
    @Override
    public TrainingBatches training(int batchSize, long seed, int epoch, int batchInEpoch) {
        return new TrainingBatches() {
            private int next = batchInEpoch;

            @Override
            public boolean hasNext() {
                return next < batchesPerEpoch(batchSize);
            }

            @Override
            public TrainingBatch next() {
                next++;
                return new Batch(train.rows((next - 1) * batchSize, next * batchSize), 0, drawsKeep);
            }

            @Override
            public int batchInEpoch() {
                return next;
            }

            @Override
            public void nextEpoch() {
                next = 0;
            }
        };
    }

    /**
     * A classification set of one batch.
     *
     * @param batch the batch
     * @param truth the classes of its scored examples
     * @param inputNames the names of its features arrays
     */
    private record OneBatchSet(MultiDataSet batch, Predictions truth, List<String> inputNames) implements EvaluationSet {

        @Override
        public TaskKind kind() {
            return TaskKind.CLASSIFICATION;
        }

        @Override
        public int count() {
            return truth.count();
        }

        @Override
        public Iterable<MultiDataSet> batches(int batchSize) {
            return List.of(batch);
        }
    }

    private List<String> inputNames() {
        return drawsKeep ? List.of("a", "b", "keep") : List.of("a", "b");
    }

    /** The test examples, every other one scored (its labels mask), with {@code keep} 0. */
    @Override
    public EvaluationSet test() {
        int[] classes = test.data().getLabels(0).argMax(1).toIntVector();
        int[] scored = new int[(classes.length + 1) / 2];
        for (int i = 0; i < scored.length; i++) {
            scored[i] = classes[2 * i];
        }
        return new OneBatchSet(new Batch(test, 0, drawsKeep).data(), Predictions.ofClasses(scored), inputNames());
    }

    /**
     * @return the test set with its labels mask removed, so that every example is scored: the
     *     unscored ones with the opposite of their class
     */
    EvaluationSet testWithoutMask() {
        MultiDataSet d = new Batch(test, 0, drawsKeep).data();
        return new OneBatchSet(new org.nd4j.linalg.dataset.MultiDataSet(d.getFeatures(), d.getLabels()),
                Predictions.ofClasses(test.data().getLabels(0).argMax(1).toIntVector()), inputNames());
    }

    @Override
    public Optional<EvaluationSet> validation() {
        return Optional.empty();
    }

    @Override
    public String describe() {
        return train.examples() + " training, " + test.examples() + " test examples of two inputs, 2 classes";
    }

    @Override
    public DataOrigin origin() {
        return DataOrigin.inMemory("two-input toy", DataOrigin.splits(train.examples(), 0, test.examples()),
                OptionalInt.of(2));
    }
}
