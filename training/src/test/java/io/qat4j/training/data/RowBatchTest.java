package io.qat4j.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Row batches: the shards of a batch are its contiguous rows, every array cut alike, as the Spark
 * runner cut a DL4J {@code DataSet} before batches were {@code MultiDataSet}s, and what a Spark task
 * receives grows by no more than the batch type's class descriptor.
 */
class RowBatchTest {

    /** A batch of two inputs, labels and both kinds of masks, row {@code r} holding {@code r} in every array. */
    private static RowBatch numbered(int rows) {
        INDArray ids = Nd4j.arange(rows).castTo(DataType.FLOAT).reshape(rows, 1);
        INDArray images = ids.reshape(rows, 1, 1, 1).repeat(1, 2).reshape(rows, 2, 1, 1).dup();
        return new RowBatch(new MultiDataSet(new INDArray[] {images, ids.mul(10)}, new INDArray[] {ids.mul(100)},
                new INDArray[] {null, ids.add(1)}, new INDArray[] {ids.add(2)}));
    }

    /** Every array of a batch holds row r's value in row r, so the first column names the rows. */
    private static int[] rowIds(RowBatch b) {
        int[] ids = new int[b.examples()];
        for (int r = 0; r < ids.length; r++) {
            ids[r] = (int) b.data().getLabels(0).getDouble(r, 0) / 100;
            assertEquals(ids[r], b.data().getFeatures(0).getDouble(r, 1, 0, 0));
            assertEquals(ids[r] * 10, b.data().getFeatures(1).getDouble(r, 0));
            assertEquals(ids[r] + 1, b.data().getFeaturesMaskArray(1).getDouble(r, 0));
            assertEquals(ids[r] + 2, b.data().getLabelsMaskArray(0).getDouble(r, 0));
        }
        assertNull(b.data().getFeaturesMaskArray(0));
        return ids;
    }

    @Test
    void shardsAreContiguousRowsOfEveryArrayAsEqualAsTheRowsAllow() {
        RowBatch b = numbered(7);
        List<TrainingBatch> shards = b.shards(3);
        // floor(7 s / 3): rows [0, 2), [2, 4), [4, 7)
        int[][] expected = {{0, 1}, {2, 3}, {4, 5, 6}};
        for (int s = 0; s < 3; s++) {
            assertArrayEquals(expected[s], rowIds((RowBatch) shards.get(s)), "shard " + s);
            assertEquals(expected[s].length, shards.get(s).examples());
        }
        List<Integer> all = new ArrayList<>();
        for (int n = 1; n <= 7; n++) {
            all.clear();
            for (TrainingBatch s : b.shards(n)) {
                for (int id : rowIds((RowBatch) s)) {
                    all.add(id);
                }
            }
            assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), all, n + " shards");
        }
        assertEquals(2, RowBatch.shardStart(7, 1, 3));
        assertEquals(7, RowBatch.shardStart(7, 3, 3));
    }

    @Test
    void shardsAreCopiesAndOneShardIsTheBatchItself() {
        RowBatch b = numbered(4);
        assertSame(b, b.shards(1).get(0));
        RowBatch first = (RowBatch) b.shards(2).get(0);
        first.data().getFeatures(1).putScalar(0, 0, -5);
        assertEquals(0, b.data().getFeatures(1).getDouble(0, 0), "a shard must not write through to its batch");
        assertNotSame(b.data().getLabels(0), first.data().getLabels(0));
    }

    @Test
    void outOfRangeShardCountsAndRaggedArraysAreRefused() {
        RowBatch b = numbered(3);
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> b.shards(0));
        assertTrue(zero.getMessage().contains("1 to 3"), zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.shards(4));
        IllegalArgumentException ragged = assertThrows(IllegalArgumentException.class, () -> new RowBatch(
                new MultiDataSet(Nd4j.zeros(DataType.FLOAT, 3, 2), Nd4j.zeros(DataType.FLOAT, 4, 2))));
        assertTrue(ragged.getMessage().contains("labels array 0"), ragged.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RowBatch(new MultiDataSet(new INDArray[0], new INDArray[0])));
    }

    @Test
    void aDataSetBecomesAOneInputBatchOfTheSameArrays() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 5, 3);
        INDArray y = Nd4j.rand(DataType.FLOAT, 5, 2);
        RowBatch b = RowBatch.of(new DataSet(x, y));
        assertEquals(1, b.data().numFeatureArrays());
        assertSame(x, b.data().getFeatures(0));
        assertSame(y, b.data().getLabels(0));
        assertNull(b.data().getFeaturesMaskArrays());
        assertNull(b.data().getLabelsMaskArrays());
        assertEquals(5, b.examples());
        assertSame(b.data(), b.forStep(42), "a row batch has no per-step inputs");
    }

    @Test
    void aShardSurvivesJavaSerialization() throws Exception {
        RowBatch shard = (RowBatch) numbered(6).shards(2).get(1);
        RowBatch back = (RowBatch) new ObjectInputStream(new ByteArrayInputStream(bytes(shard))).readObject();
        assertEquals(shard.data(), back.data());
        assertArrayEquals(new int[] {3, 4, 5}, rowIds(back));
    }

    /**
     * What one Spark task of a round of the test CNN receives (its shard of each of k global
     * minibatches of 32 Fashion-MNIST-shaped images, 2 workers: 16 images per shard, in one Java
     * serialization stream, as Spark's {@code ParallelCollectionPartition} writes them with Java
     * serialization), as {@code RowBatch}es against the {@code DataSet}s the runner shipped before.
     * Java serialization writes a class's descriptor once per stream and a 5-byte handle afterwards
     * (Java Object Serialization Specification, section 6.4), so the record costs exactly its
     * descriptor once per task, 99 bytes ({@code TC_CLASSDESC}, the 31-character class name, the
     * serial version UID, flags, the field count, one field {@code data} of the 42-character type
     * {@code Lorg/nd4j/linalg/dataset/api/MultiDataSet;}, the end marker, no superclass), plus a
     * {@code TC_OBJECT} byte, and 6 bytes (a {@code TC_OBJECT} and a handle) for each further shard
     * of the task. The {@code MultiDataSet} inside writes the same {@code INDArray}s as the
     * {@code DataSet} did, in ND4J's own serialized form, with containers of its own: those are
     * measured and printed, and a task may grow by no more than the record's 6 bytes for each
     * shard beyond its first.
     */
    @Test
    void aTaskReceivesTheBatchTypesDescriptorOnceAndAFewBytesPerFurtherShard() throws Exception {
        INDArray images = Nd4j.rand(DataType.FLOAT, 32, 1, 28, 28);
        INDArray labels = Nd4j.eye(10).getRows(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5,
                6, 7, 8, 9, 0, 1).castTo(DataType.FLOAT);
        DataSet global = new DataSet(images, labels);
        int firstGrowth = 0;
        for (int k = 1; k <= 4; k++) {
            ArrayList<Serializable> before = new ArrayList<>();
            ArrayList<Serializable> contents = new ArrayList<>();
            ArrayList<Serializable> after = new ArrayList<>();
            for (int step = 0; step < k; step++) {
                // shard 1 of 2, cut the old way (DataSet rows, copied) and the new way
                before.add(new DataSet(images.get(NDArrayIndex.interval(16, 32)).dup(),
                        labels.get(NDArrayIndex.interval(16, 32)).dup()));
                TrainingBatch shard = RowBatch.of(global).shards(2).get(1);
                after.add(shard);
                contents.add(shard.data());
            }
            int growth = bytes(after).length - bytes(before).length;
            System.out.printf("a task of %d shard(s) of 16 images: %d bytes as DataSets, %d as RowBatches (%+d: %+d the"
                    + " MultiDataSets, %+d the records)%n", k, bytes(before).length, bytes(after).length, growth,
                    bytes(contents).length - bytes(before).length, bytes(after).length - bytes(contents).length);
            assertEquals(100 + 6 * (k - 1), bytes(after).length - bytes(contents).length, "the record's own bytes");
            if (k == 1) {
                firstGrowth = growth;
            } else {
                assertTrue(growth - firstGrowth <= 6 * (k - 1), "a task of " + k + " shards grew by " + growth
                        + " bytes, one shard's by " + firstGrowth);
            }
        }
    }

    private static byte[] bytes(Object o) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(buf)) {
            out.writeObject(o);
        }
        return buf.toByteArray();
    }
}
