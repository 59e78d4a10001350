package io.qat4j.training.data;

import io.qat4j.training.eval.EvaluationSet;
import io.qat4j.training.eval.Predictions;
import io.qat4j.training.eval.TaskKind;
import io.qat4j.training.model.NetworkBuilder;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Image classification data (Fashion-MNIST and any IDX dataset): training images shuffled per
 * epoch by {@link ImageDataSetIterator}, served as {@link RowBatch}es, and test and validation
 * images scored in dataset order; the images are the network's one input,
 * {@link NetworkBuilder#INPUT}.
 *
 * @param train training images
 * @param validationImages held-out training images, or null
 * @param testImages test images
 * @param origin where the images came from
 */
public record ImageTaskData(ImageDataset train, ImageDataset validationImages, ImageDataset testImages, DataOrigin origin)
        implements TaskData {

    /** Checks that the training and test images and the origin are present. */
    public ImageTaskData {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(testImages, "testImages");
        Objects.requireNonNull(origin, "origin");
    }

    /**
     * Images a caller built in memory (e.g. a subset of a dataset), with an origin that says so.
     *
     * @param train training images
     * @param validationImages held-out training images, or null
     * @param testImages test images
     */
    public ImageTaskData(ImageDataset train, ImageDataset validationImages, ImageDataset testImages) {
        this(train, validationImages, testImages, DataOrigin.inMemory("images", DataOrigin.splits(train.count(),
                validationImages == null ? 0 : validationImages.count(), testImages.count()),
                OptionalInt.of(train.numClasses())));
    }

    @Override
    public TaskKind kind() {
        return TaskKind.CLASSIFICATION;
    }

    @Override
    public int batchesPerEpoch(int batchSize) {
        return new ImageDataSetIterator(train, batchSize).batchesPerEpoch();
    }

    @Override
    public TrainingBatches training(int batchSize, long seed, int epoch, int batchInEpoch) {
        ImageDataSetIterator it = new ImageDataSetIterator(train, batchSize, true, seed, epoch, batchInEpoch);
        return new TrainingBatches() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public TrainingBatch next() {
                return RowBatch.of(it.next());
            }

            @Override
            public int batchInEpoch() {
                return it.batchInEpoch();
            }

            @Override
            public void nextEpoch() {
                it.reset();
            }
        };
    }

    @Override
    public EvaluationSet test() {
        return evaluationSet(testImages);
    }

    @Override
    public Optional<EvaluationSet> validation() {
        return Optional.ofNullable(validationImages).map(ImageTaskData::evaluationSet);
    }

    @Override
    public String describe() {
        return train.count() + " training, " + (validationImages == null ? "" : validationImages.count() + " validation, ")
                + testImages.count() + " test images of " + train.channels() + "x" + train.height() + "x" + train.width()
                + ", " + train.numClasses() + " classes";
    }

    /**
     * @param images labelled images
     * @return the images as a classification set, in dataset order
     */
    public static EvaluationSet evaluationSet(ImageDataset images) {
        return new EvaluationSet() {
            @Override
            public TaskKind kind() {
                return TaskKind.CLASSIFICATION;
            }

            @Override
            public int count() {
                return images.count();
            }

            @Override
            public Predictions truth() {
                return Predictions.ofClasses(images.labels());
            }

            @Override
            public List<String> inputNames() {
                return List.of(NetworkBuilder.INPUT);
            }

            @Override
            public Iterable<MultiDataSet> batches(int batchSize) {
                return () -> {
                    ImageDataSetIterator it = new ImageDataSetIterator(images, batchSize);
                    return new Iterator<>() {
                        @Override
                        public boolean hasNext() {
                            return it.hasNext();
                        }

                        @Override
                        public MultiDataSet next() {
                            return RowBatch.of(it.next()).data();
                        }
                    };
                };
            }
        };
    }
}
