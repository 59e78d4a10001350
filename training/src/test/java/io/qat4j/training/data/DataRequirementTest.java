package io.qat4j.training.data;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DataRequirementTest {

    private static boolean required(String value) {
        return DataRequirement.dataMustBePresent(Map.of(DataRequirement.REQUIRE_DATA_ENV, value));
    }

    @Test
    void oneAndTrueRequireData() {
        assertTrue(required("1"));
        assertTrue(required("true"));
        assertTrue(required("TRUE"));
        assertTrue(required(" true "));
    }

    @Test
    void anythingElseAllowsSkipping() {
        assertFalse(DataRequirement.dataMustBePresent(Map.of()));
        assertFalse(required(""));
        assertFalse(required("0"));
        assertFalse(required("false"));
        assertFalse(required("yes-please"));
    }
}
