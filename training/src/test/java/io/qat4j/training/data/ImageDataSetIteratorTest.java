package io.qat4j.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class ImageDataSetIteratorTest {

    static final int N = 23;

    /**
     * {@code N} Fashion-MNIST-shaped images (1x28x28). Pixel 0 holds the image index, so that an
     * example can be identified in a batch; the others cover 0..255.
     */
    static ImageDataset data() {
        int size = 28 * 28;
        byte[] px = new byte[N * size];
        int[] labels = new int[N];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < size; j++) {
                px[i * size + j] = (byte) (j == 0 ? i : i * 7 + j * 13);
            }
            labels[i] = (i * 3) % 10;
        }
        return new ImageDataset(1, 28, 28, px, labels, 10, FashionMnist.CLASS_NAMES);
    }

    /** Image indices of a batch, read back from pixel 0. */
    static int[] ids(DataSet ds) {
        INDArray f = ds.getFeatures();
        int[] out = new int[(int) f.size(0)];
        for (int k = 0; k < out.length; k++) {
            out[k] = Math.round(f.getFloat(k, 0, 0, 0) * 255f);
        }
        return out;
    }

    /** Image indices of the remaining batches of the current epoch. */
    static List<int[]> drain(ImageDataSetIterator it) {
        List<int[]> out = new ArrayList<>();
        while (it.hasNext()) {
            out.add(ids(it.next()));
        }
        return out;
    }

    static int[] flat(List<int[]> batches) {
        return batches.stream().flatMapToInt(Arrays::stream).toArray();
    }

    @Test
    void shapesTypesAndPartialLastBatch() {
        ImageDataSetIterator it = new ImageDataSetIterator(data(), 5);
        List<Long> sizes = new ArrayList<>();
        while (it.hasNext()) {
            DataSet ds = it.next();
            long b = ds.getFeatures().size(0);
            sizes.add(b);
            assertArrayEquals(new long[] {b, 1, 28, 28}, ds.getFeatures().shape());
            assertArrayEquals(new long[] {b, 10}, ds.getLabels().shape());
            assertEquals(DataType.FLOAT, ds.getFeatures().dataType());
            assertEquals(DataType.FLOAT, ds.getLabels().dataType());
        }
        assertEquals(List.of(5L, 5L, 5L, 5L, 3L), sizes);
        assertEquals(5, it.batchesPerEpoch());
        assertEquals(5, it.batchInEpoch());
        assertThrows(NoSuchElementException.class, it::next);
    }

    @Test
    void pixelsScaledToUnitRangeAndLabelsOneHot() {
        ImageDataset d = data();
        ImageDataSetIterator it = new ImageDataSetIterator(d, 7);
        int base = 0;
        while (it.hasNext()) {
            DataSet ds = it.next();
            INDArray f = ds.getFeatures();
            INDArray l = ds.getLabels();
            for (int k = 0; k < f.size(0); k++) {
                int i = base + k;
                for (int y = 0; y < 28; y++) {
                    for (int x = 0; x < 28; x++) {
                        float expected = (float) d.pixel(i, 0, y, x) / 255f;
                        assertEquals(expected, f.getFloat(k, 0, y, x), 0f, "image " + i + " at " + y + "," + x);
                    }
                }
                for (int c = 0; c < 10; c++) {
                    assertEquals(c == d.label(i) ? 1f : 0f, l.getFloat(k, c), 0f);
                }
            }
            base += (int) f.size(0);
        }
        assertEquals(N, base);
        assertTrue(d.pixelBuffer().get(1) != 0); // sanity: the pattern is not all zero
    }

    @Test
    void fullRangeMapsToZeroAndOne() {
        byte[] px = new byte[28 * 28];
        px[1] = (byte) 255;
        px[2] = (byte) 128;
        ImageDataset d = new ImageDataset(1, 28, 28, px, new int[] {9}, 10, FashionMnist.CLASS_NAMES);
        INDArray f = new ImageDataSetIterator(d, 4).next().getFeatures();
        assertEquals(0f, f.getFloat(0, 0, 0, 0), 0f);
        assertEquals(1f, f.getFloat(0, 0, 0, 1), 0f);
        assertEquals(128f / 255f, f.getFloat(0, 0, 0, 2), 0f);
        assertEquals(1f, f.maxNumber().floatValue(), 0f);
    }

    @Test
    void describesItself() {
        ImageDataSetIterator it = new ImageDataSetIterator(data(), 8);
        assertEquals(784, it.inputColumns());
        assertEquals(10, it.totalOutcomes());
        assertEquals(8, it.batch());
        assertEquals(N, it.totalExamples());
        assertEquals(FashionMnist.CLASS_NAMES, it.getLabels());
        assertTrue(it.resetSupported());
        assertFalse(it.asyncSupported());
        assertFalse(it.isShuffled());
        assertEquals(FashionMnist.CLASS_NAMES, it.next().getLabelNamesList());
    }

    @Test
    void unshuffledEpochsVisitDatasetOrder() {
        ImageDataSetIterator it = new ImageDataSetIterator(data(), 4);
        int[] expected = java.util.stream.IntStream.range(0, N).toArray();
        assertArrayEquals(expected, flat(drain(it)));
        it.reset();
        assertEquals(1, it.epoch());
        assertArrayEquals(expected, flat(drain(it)));
    }

    @Test
    void shuffleIsReproducibleAndFollowsTheDocumentedSeeds() {
        long seed = 20240501L;
        ImageDataSetIterator a = new ImageDataSetIterator(data(), 4, seed);
        ImageDataSetIterator b = new ImageDataSetIterator(data(), 4, seed);
        List<int[]> epochs = new ArrayList<>();
        for (int e = 0; e < 3; e++) {
            assertEquals(e, a.epoch());
            int[] orderA = flat(drain(a));
            int[] orderB = flat(drain(b));
            assertArrayEquals(orderA, orderB, "same seed, same order in epoch " + e);
            assertArrayEquals(ImageDataset.shuffledIndices(N, ImageDataSetIterator.epochSeed(seed, e)), orderA);
            int[] sorted = orderA.clone();
            Arrays.sort(sorted);
            assertArrayEquals(java.util.stream.IntStream.range(0, N).toArray(), sorted, "each example once");
            epochs.add(orderA);
            a.reset();
            b.reset();
        }
        assertFalse(Arrays.equals(epochs.get(0), epochs.get(1)), "epochs are shuffled differently");
        int[] otherSeed = flat(drain(new ImageDataSetIterator(data(), 4, seed + 1)));
        assertFalse(Arrays.equals(epochs.get(0), otherSeed), "another seed gives another order");
        assertEquals(seed + 2 * 0x9E3779B97F4A7C15L, ImageDataSetIterator.epochSeed(seed, 2));
    }

    @Test
    void resetBeginsTheNextEpochOnlyOnceTheCurrentOneHasBegun() {
        ImageDataSetIterator it = new ImageDataSetIterator(data(), 5, 7L);
        it.reset();
        it.reset();
        assertEquals(0, it.epoch(), "reset before any batch does nothing");
        it.next();
        it.reset();
        assertEquals(1, it.epoch(), "reset mid-epoch begins the next epoch");
        assertEquals(0, it.batchInEpoch());
        assertEquals(0, it.cursor());
        drain(it);
        it.reset();
        it.reset();
        assertEquals(2, it.epoch());
    }

    @Test
    void resumesExactlyWhereACheckpointLeftOff() {
        long seed = 99L;
        // reference run: record every batch of epochs 0..2
        ImageDataSetIterator ref = new ImageDataSetIterator(data(), 4, seed);
        List<List<int[]>> epochs = new ArrayList<>();
        for (int e = 0; e < 3; e++) {
            epochs.add(drain(ref));
            ref.reset();
        }
        // a checkpoint taken after 2 batches of epoch 1
        ImageDataSetIterator resumed = new ImageDataSetIterator(data(), 4, true, seed, 1, 2);
        assertEquals(1, resumed.epoch());
        assertEquals(2, resumed.batchInEpoch());
        assertEquals(8, resumed.cursor());
        List<int[]> rest = drain(resumed);
        assertEquals(epochs.get(1).size() - 2, rest.size());
        for (int k = 0; k < rest.size(); k++) {
            assertArrayEquals(epochs.get(1).get(k + 2), rest.get(k), "batch " + (k + 2) + " of epoch 1");
        }
        resumed.reset();
        assertEquals(2, resumed.epoch());
        assertArrayEquals(flat(epochs.get(2)), flat(drain(resumed)));

        // skipBatches gives the same position
        ImageDataSetIterator skipped = new ImageDataSetIterator(data(), 4, true, seed, 1, 0);
        assertEquals(2, skipped.skipBatches(2));
        assertArrayEquals(flat(rest), flat(drain(skipped)));
        assertEquals(0, skipped.skipBatches(3), "nothing left to skip");

        // a checkpoint at the end of an epoch: the next reset begins the following epoch
        ImageDataSetIterator atEnd = new ImageDataSetIterator(data(), 4, true, seed, 0, 6);
        assertFalse(atEnd.hasNext());
        atEnd.reset();
        assertEquals(1, atEnd.epoch());
        assertArrayEquals(flat(epochs.get(1)), flat(drain(atEnd)));
    }

    @Test
    void rejectsInvalidArguments() {
        ImageDataset d = data();
        assertThrows(IllegalArgumentException.class, () -> new ImageDataSetIterator(d, 0));
        assertThrows(IllegalArgumentException.class, () -> new ImageDataSetIterator(d, 4, true, 1, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new ImageDataSetIterator(d, 4, true, 1, 0, 7));
        assertThrows(IllegalArgumentException.class, () -> new ImageDataSetIterator(d, 4, true, 1, 0, -1));
        ImageDataSetIterator it = new ImageDataSetIterator(d, 4);
        assertThrows(IllegalArgumentException.class, () -> it.skipBatches(-1));
        assertThrows(IllegalArgumentException.class, () -> it.next(0));
    }

    @Test
    void nextWithExplicitSizeAndPreProcessor() {
        ImageDataSetIterator it = new ImageDataSetIterator(data(), 4);
        it.setPreProcessor(ds -> ds.getFeatures().muli(2));
        DataSet ds = it.next(10);
        assertEquals(10, ds.getFeatures().size(0));
        assertEquals(2f * data().pixel(3, 0, 0, 1) / 255f, ds.getFeatures().getFloat(3, 0, 0, 1), 1e-6f);
        assertEquals(1, it.batchInEpoch());
        assertEquals(10, it.cursor());
        assertTrue(it.getPreProcessor() != null);
        assertEquals(13, it.next(100).getFeatures().size(0));
    }

    @Test
    void dl4jFitCountsEpochsThroughReset() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(1)
                .updater(new Sgd(0.01))
                .list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(28, 28, 1))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        ImageDataSetIterator it = new ImageDataSetIterator(data(), 8, 5L);
        net.fit(it, 3);
        assertEquals(2, it.epoch(), "three epochs: 0, 1, 2");
        assertFalse(it.hasNext());
        assertEquals(9, net.getIterationCount(), "3 batches per epoch");
        assertNotEquals(0, net.params().sumNumber().doubleValue());
    }
}
