package io.qat4j.training.family.cnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The keys of the {@code cnn} family's schema. */
class CnnSchemaTest {

    @ParameterizedTest
    @EnumSource(LayerType.class)
    void everyLayerTypeHasKeys(LayerType type) {
        assertEquals("type", CnnSchema.LAYER_KEYS.get(type).get(0));
    }

    @ParameterizedTest
    @EnumSource(LayerType.class)
    void layerKeysAreUnique(LayerType type) {
        List<String> keys = CnnSchema.LAYER_KEYS.get(type);
        assertEquals(keys.size(), keys.stream().distinct().count(), keys::toString);
        assertTrue(new CnnFamily().keys().containsAll(List.of("input", "layers")));
    }
}
