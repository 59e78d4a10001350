package io.qat4j.executor.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class QuantRangeTest {

    @Test
    void signedUnsignedAndNarrowRanges() {
        assertEquals(new QuantRange(-128, 127), QuantRange.of(8, true, false));
        assertEquals(new QuantRange(-127, 127), QuantRange.of(8, true, true));
        assertEquals(new QuantRange(-7, 7), QuantRange.of(4, true, true));
        assertEquals(new QuantRange(-8, 7), QuantRange.of(4, true, false));
        assertEquals(new QuantRange(0, 255), QuantRange.of(8, false, false));
        assertEquals(new QuantRange(-1, 1), QuantRange.of(2, true, true));
        assertEquals(new QuantRange(-2, 1), QuantRange.of(2, true, false));
    }

    @Test
    void rejectsUnsupportedBitWidths() {
        assertThrows(IllegalArgumentException.class, () -> QuantRange.of(1, true, false));
        assertThrows(IllegalArgumentException.class, () -> QuantRange.of(9, true, false));
        assertThrows(IllegalArgumentException.class, () -> new QuantRange(3, 3));
    }

    @Test
    void clampSaturatesLongs() {
        QuantRange r = QuantRange.of(8, true, false);
        assertEquals(-128, r.clamp(Long.MIN_VALUE));
        assertEquals(127, r.clamp(Long.MAX_VALUE));
        assertEquals(5, r.clamp(5));
    }
}
