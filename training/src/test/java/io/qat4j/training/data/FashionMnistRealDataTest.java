package io.qat4j.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The real Fashion-MNIST files (Xiao et al. 2017), e.g. from Debian's
 * {@code dataset-fashion-mnist}; skipped when absent unless {@code QAT4J_REQUIRE_DATA=1}.
 */
class FashionMnistRealDataTest {

    @Test
    void loadsTheOfficialSplitsWithBalancedClasses() throws IOException {
        Path dir = RequiresData.fashionMnist();
        FashionMnist fm = FashionMnist.load(dir);

        ImageDataset train = fm.train();
        ImageDataset test = fm.test();
        assertEquals(FashionMnist.OFFICIAL_TRAIN_COUNT, train.count());
        assertEquals(FashionMnist.OFFICIAL_TEST_COUNT, test.count());
        assertEquals(60_000 * 784, train.pixelBuffer().remaining());
        assertEquals(10_000 * 784, test.pixelBuffer().remaining());

        int[] trainCounts = new int[10];
        Arrays.fill(trainCounts, 6000);
        int[] testCounts = new int[10];
        Arrays.fill(testCounts, 1000);
        assertArrayEquals(trainCounts, train.labelCounts());
        assertArrayEquals(testCounts, test.labelCounts());

        // first labels of the published files: train starts with an ankle boot, T-shirt, T-shirt, dress
        assertArrayEquals(new int[] {9, 0, 0, 3, 0, 2, 7, 2, 5, 5}, Arrays.copyOf(train.labels(), 10));
        assertArrayEquals(new int[] {9, 2, 1, 1, 6, 1, 4, 6, 5, 7}, Arrays.copyOf(test.labels(), 10));

        // pixels use the full unsigned range
        int min = 255;
        int max = 0;
        for (byte b : test.pixels()) {
            min = Math.min(min, b & 0xFF);
            max = Math.max(max, b & 0xFF);
        }
        assertEquals(0, min);
        assertEquals(255, max);

        DataSet batch = new ImageDataSetIterator(test, 64).next();
        assertArrayEquals(new long[] {64, 1, 28, 28}, batch.getFeatures().shape());
        assertEquals(9, batch.getLabels().getRow(0).argMax().getInt(0));
    }
}
