package io.qat4j.training.config.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Did-you-mean suggestions. */
class SuggestionsTest {

    /** The keys of the experiment's {@code training} section, as an example of a key list. */
    private static final List<String> KEYS = List.of("epochs", "batchSize", "optimizer",
            "lrSchedule", "checkpointEverySteps", "logEverySteps", "evaluateEveryEpochs");
    private static final List<String> OPTIMIZER_KEYS =
            List.of("type", "learningRate", "weightDecay", "momentum");
    private static final List<String> ROOT_KEYS =
            List.of("name", "seed", "dataset", "model", "quantization", "training", "output");

    @Test
    void distanceCountsTranspositionsAsOneEdit() {
        assertEquals(0, Suggestions.distance("epochs", "epochs"));
        assertEquals(1, Suggestions.distance("epohcs", "epochs"));
        assertEquals(1, Suggestions.distance("epoch", "epochs"));
        assertEquals(1, Suggestions.distance("epachs", "epochs"));
        assertEquals(3, Suggestions.distance("", "abc"));
        assertEquals(3, Suggestions.distance("kitten", "sitting"));
    }

    @Test
    void suggestsCloseKeys() {
        assertEquals(Optional.of("epochs"), Suggestions.closest("epohcs", KEYS));
        assertEquals(Optional.of("batchSize"), Suggestions.closest("batch_size", KEYS));
        assertEquals(Optional.of("batchSize"), Suggestions.closest("BatchSize", KEYS));
        assertEquals(Optional.of("logEverySteps"), Suggestions.closest("logEvery", KEYS));
        assertEquals(Optional.of("learningRate"),
                Suggestions.closest("learningrate", OPTIMIZER_KEYS));
    }

    @Test
    void doesNotSuggestUnrelatedKeys() {
        assertEquals(Optional.empty(), Suggestions.closest("colour", KEYS));
        assertEquals(Optional.empty(), Suggestions.closest("x", KEYS));
        assertEquals("", Suggestions.didYouMean("foo", ROOT_KEYS));
        assertEquals(" (did you mean `seed`?)",
                Suggestions.didYouMean("sede", ROOT_KEYS));
    }
}
