package io.qat4j.training.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.quant.layers.InputScales;
import io.qat4j.training.data.FashionMnist;
import io.qat4j.training.data.ImageTaskData;
import io.qat4j.training.data.RequiresData;
import io.qat4j.training.data.TrainingBatches;
import io.qat4j.training.train.LocalTrainer;
import io.qat4j.training.train.LocalTrainerTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A state loaded with {@link NetworkBytes} into a network of the same configuration that has been
 * trained elsewhere (what a pooled network of {@link NetworkPool} is) behaves exactly like DL4J's
 * {@code ModelSerializer} restore of the original, on the local trainer's test CNN
 * ({@link LocalTrainerTest#config}: batch norm, dropout, 4-bit weights quantized from step 4, EMA
 * activation observers, batch norm frozen from step 12, observers from step 14).
 */
class NetworkBytesTest {

    private static ImageTaskData slice;

    @BeforeAll
    static void load() throws Exception {
        FashionMnist fm = FashionMnist.load(RequiresData.fashionMnist());
        slice = new ImageTaskData(fm.train().subset(0, 192), null, fm.test().subset(0, 100));
    }

    private static ComputationGraph trained(Path dir, String name, int steps) throws Exception {
        return new LocalTrainer(c -> slice).train(LocalTrainerTest.config(dir, name), LocalTrainerTest.quiet()
                .withMaxSteps(steps)).network();
    }

    private static ComputationGraph modelSerializerCopy(ComputationGraph net) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, out, true);
        return ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(out.toByteArray()), true);
    }

    /**
     * The original after 3 steps (float warm-up) is restored with ModelSerializer and loaded into a
     * network trained 9 steps (quantizing, observers running); both then train 12 more steps on the
     * same batches with the same seeds, across the quantization start, the batch-norm freeze and
     * the observer freeze, and hold the same state bit for bit after every step, and give the same
     * inference output.
     */
    @Test
    void aLoadedStateTrainsExactlyLikeAModelSerializerRestore(@TempDir Path dir) throws Exception {
        ComputationGraph original = trained(dir, "original", 3);
        ComputationGraph restored = modelSerializerCopy(original);
        ComputationGraph pooled = trained(dir, "pooled", 9);
        assertNotEquals(NetworkBytes.stateDigest(restored), NetworkBytes.stateDigest(pooled));

        NetworkBytes.of(original).applyTo(pooled);
        assertEquals(NetworkBytes.stateDigest(restored), NetworkBytes.stateDigest(pooled));
        assertEquals(3, pooled.getIterationCount());

        TrainingBatches batches = slice.training(32, 11, 0, 0);
        List<String> steps = new ArrayList<>();
        for (int t = 0; t < 12; t++) {
            if (!batches.hasNext()) {
                batches.nextEpoch();
            }
            MultiDataSet batch = batches.next().data();
            for (ComputationGraph net : List.of(restored, pooled)) {
                Nd4j.getRandom().setSeed(1000 + t);
                InputScales.bind(net); // a step of the runners is this bind, then fit
                net.fit(batch);
            }
            assertEquals(NetworkBytes.stateDigest(restored), NetworkBytes.stateDigest(pooled), "after step " + (t + 4));
            assertEquals(restored.score(), pooled.score(), "loss of step " + (t + 4));
            steps.add(NetworkBytes.stateDigest(pooled));
        }
        assertEquals(12, steps.stream().distinct().count(), "every step changes the state");
        assertEquals(15, pooled.getIterationCount());
        MultiDataSet test = slice.training(32, 3, 0, 0).next().data();
        assertEquals(restored.outputSingle(test.getFeatures()), pooled.outputSingle(test.getFeatures()));
    }

    /** A state of one configuration does not load into a network of another. */
    @Test
    void aStateOfAnotherShapeIsRefused(@TempDir Path dir) throws Exception {
        NetworkBytes state = NetworkBytes.of(trained(dir, "small", 0));
        ComputationGraph other = new LocalTrainer(c -> slice).train(LocalTrainerTest.config(dir, "wide",
                "model.layers[2].units=16"), LocalTrainerTest.quiet().withMaxSteps(0)).network();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> state.applyTo(other));
        assertTrue(e.getMessage().contains("parameters"), e.getMessage());
    }
}
