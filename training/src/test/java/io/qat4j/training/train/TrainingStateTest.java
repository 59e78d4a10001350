package io.qat4j.training.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import org.junit.jupiter.api.Test;

/** The JSON form of the training state: the current version round-trips exactly, version 1 still reads. */
class TrainingStateTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theEpochLossSumRoundTripsBitForBit() throws Exception {
        TrainingState s = new TrainingState(8, 1, 2, 0.1 + 0.2 + 2.302585092994046, 2, TrainingState.CURRENT_VERSION);
        TrainingState back = JSON.readValue(JSON.writeValueAsBytes(s), TrainingState.class);
        assertEquals(s, back);
        assertEquals(Double.doubleToLongBits(s.epochLossSum()), Double.doubleToLongBits(back.epochLossSum()));
    }

    @Test
    void versionOneStateReadsWithAnEmptyEpochLoss() throws Exception {
        TrainingState v1 = JSON.readValue("{\"step\":8,\"epoch\":1,\"batchInEpoch\":2,\"formatVersion\":1}", TrainingState.class);
        assertEquals(8, v1.step());
        assertEquals(0, v1.epochLossSteps());
        assertEquals(0.0, v1.epochLossSum());
    }

    @Test
    void unknownVersionsAndInconsistentLossesAreRejected() {
        ValueInstantiationException e = assertThrows(ValueInstantiationException.class, () -> JSON.readValue(
                "{\"step\":8,\"epoch\":1,\"batchInEpoch\":2,\"formatVersion\":3}", TrainingState.class));
        assertTrue(e.getMessage().contains("version 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TrainingState(8, 1, 2, 1.0, 3, TrainingState.CURRENT_VERSION));
        assertThrows(IllegalArgumentException.class, () -> new TrainingState(8, 1, 2, 1.0, -1, TrainingState.CURRENT_VERSION));
    }
}
