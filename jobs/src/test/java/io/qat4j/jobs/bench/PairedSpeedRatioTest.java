package io.qat4j.jobs.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@link PairedSpeedRatio}: the order statistics it reports, and its orientation on two engines
 * whose calls take at least 1 and at least 3 ms (busy waits on the same clock it reads): B's median
 * call is then at least 3 ms, and A's exceeds 1 ms only by what the host takes from the waiting
 * thread, so the ratio B / A is above 1 unless the host stalls A for most of a round.
 */
class PairedSpeedRatioTest {

    @Test
    void quantilesAreOrderStatisticsOfTheSortedValues() {
        double[] v = {5, 1, 4, 2, 3};
        assertEquals(3, PairedSpeedRatio.median(v));
        assertEquals(2, PairedSpeedRatio.quantile(v, 0.25));
        assertEquals(4, PairedSpeedRatio.quantile(v, 0.75));
        assertEquals(1, PairedSpeedRatio.quantile(v, 0));
        assertEquals(5, PairedSpeedRatio.quantile(v, 1));
        assertEquals(2, PairedSpeedRatio.median(new double[] {4, 2, 3, 1}), "the lower median of an even count");
        assertEquals(5, v[0], "the values are not reordered");
    }

    @Test
    void theFasterEngineHasTheLargerSpeed() throws Exception {
        PairedSpeedRatio.Result r = new PairedSpeedRatio(5, 20, 1).measure(() -> busy(1), () -> busy(3));
        assertTrue(r.millisB() >= 3, r.toString());
        assertTrue(r.millisA() >= 1, r.toString());
        assertTrue(r.speedOfA() > 1, r.toString());
        assertTrue(r.lowerQuartile() <= r.speedOfA() && r.speedOfA() <= r.upperQuartile(), r.toString());
    }

    @Test
    void badDesignsAndSilentEnginesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PairedSpeedRatio(0, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> new PairedSpeedRatio(1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new PairedSpeedRatio(1, 10, -1));
        assertThrows(IllegalStateException.class, () -> new PairedSpeedRatio(1, 1, 0).measure(() -> null, () -> 1));
    }

    private static Long busy(long millis) {
        long end = System.nanoTime() + millis * 1_000_000L;
        long now;
        do {
            now = System.nanoTime();
        } while (now < end);
        return now;
    }
}
