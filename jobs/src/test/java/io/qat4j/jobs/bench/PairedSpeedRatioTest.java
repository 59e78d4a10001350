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
        PairedSpeedRatio.Result r = new PairedSpeedRatio(5, 20, 1, 50).measure(() -> busy(1), () -> busy(3));
        assertTrue(r.millisB() >= 3, r.toString());
        assertTrue(r.millisA() >= 1, r.toString());
        assertTrue(r.speedOfA() > 1, r.toString());
        assertTrue(r.lowerQuartile() <= r.speedOfA() && r.speedOfA() <= r.upperQuartile(), r.toString());
    }

    /**
     * An engine 20 times slower for its first 300 ms (as the executor's Java path runs before C2
     * has compiled it) is measured at its later speed: the fixed warm-up round (20 ms per engine)
     * is far shorter than its slow start, and the warm-up until steady runs past it.
     */
    @Test
    void aSlowStartIsWarmedUpBeforeTheMeasuredRounds() throws Exception {
        long slowUntil = System.nanoTime() + 300_000_000L;
        PairedSpeedRatio.Result r = new PairedSpeedRatio(5, 20, 1, 200).measure(() -> busy(System.nanoTime() < slowUntil ? 20 : 1),
                () -> busy(2));
        assertTrue(r.warmupA() >= PairedSpeedRatio.STEADY_WINDOW, r.toString());
        assertTrue(r.millisA() < 2, "A measured at its speed after the slow start: " + r);
        assertTrue(r.speedOfA() > 1, r.toString());
        assertTrue(r.toString().contains("A steady after " + r.warmupA() + " rounds alone"), r.toString());
    }

    /**
     * An engine whose calls keep slowing down (0.5 ms doubling every 40 ms: the medians of any three
     * consecutive rounds of 20 ms, the first and the last at least 40 ms apart, differ by a factor
     * near 2) never counts as steady, and the result says so.
     */
    @Test
    void anEngineThatNeverSettlesIsReported() throws Exception {
        long start = System.nanoTime();
        PairedSpeedRatio.Result r = new PairedSpeedRatio(2, 20, 0, 6).measure(
                () -> busyMicros((long) (500 * Math.pow(2, (System.nanoTime() - start) / 40e6))), () -> busy(1));
        assertEquals(-1, r.warmupA(), r.toString());
        assertTrue(r.toString().contains("A NOT steady"), r.toString());
        assertTrue(r.warmupB() >= PairedSpeedRatio.STEADY_WINDOW, r.toString());
    }

    @Test
    void steadinessIsTheSpreadOfTheWindow() {
        assertTrue(PairedSpeedRatio.steady(new double[] {1.0, 1.05, 1.1}));
        assertTrue(!PairedSpeedRatio.steady(new double[] {1.0, 1.05, 1.11}));
        assertTrue(!PairedSpeedRatio.steady(new double[] {9.0, 1.0, 1.0}));
    }

    @Test
    void badDesignsAndSilentEnginesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PairedSpeedRatio(0, 10, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> new PairedSpeedRatio(1, 0, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> new PairedSpeedRatio(1, 10, -1, 10));
        assertThrows(IllegalArgumentException.class, () -> new PairedSpeedRatio(1, 10, 0, PairedSpeedRatio.STEADY_WINDOW - 1));
        assertThrows(IllegalStateException.class, () -> new PairedSpeedRatio(1, 1, 0, 10).measure(() -> null, () -> 1));
    }

    private static Long busy(long millis) {
        return busyMicros(1000 * millis);
    }

    private static Long busyMicros(long micros) {
        long end = System.nanoTime() + micros * 1_000L;
        long now;
        do {
            now = System.nanoTime();
        } while (now < end);
        return now;
    }
}
