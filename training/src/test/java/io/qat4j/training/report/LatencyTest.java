package io.qat4j.training.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Latency figures: nearest-rank percentiles of many timed runs, taken after a warm-up, interleaved. */
class LatencyTest {

    @Test
    void percentilesAreNearestRankOfTheSortedSamples() {
        double[] samples = new double[100];
        for (int i = 0; i < 100; i++) {
            samples[i] = 100 - i; // 100, 99, ..., 1: order does not matter
        }
        Latency l = Latency.of(samples);
        // nearest rank: the ceil(p * n)-th smallest value
        assertEquals(10.0, l.p10());
        assertEquals(50.0, l.median());
        assertEquals(90.0, l.p90());
        assertEquals(100, l.runs());
        Latency one = Latency.of(new double[] {3.5});
        assertEquals(3.5, one.p10());
        assertEquals(3.5, one.p90());
        assertThrows(IllegalArgumentException.class, () -> Latency.of(new double[0]));
    }

    @Test
    void twoTasksAreWarmedUpAndTimedAlternately() {
        AtomicInteger a = new AtomicInteger();
        AtomicInteger b = new AtomicInteger();
        StringBuilder order = new StringBuilder();
        Latency[] both = Latency.interleaved(() -> {
            a.incrementAndGet();
            order.append('a');
        }, () -> {
            b.incrementAndGet();
            order.append('b');
        }, 3, 20);
        assertEquals(23, a.get());
        assertEquals(23, b.get());
        assertEquals("ab".repeat(23), order.toString());
        assertEquals(20, both[0].runs());
        assertEquals(20, both[1].runs());
        assertTrue(both[0].p10() >= 0 && both[0].p10() <= both[0].median() && both[0].median() <= both[0].p90());
    }

    @Test
    void aTimeBudgetCutsTheRunsOfSlowTasksButKeepsTheMinimumAndTheMaximum() {
        AtomicInteger slow = new AtomicInteger();
        // each pair takes >= 20 ms, so a 100 ms budget allows at most 5 runs: the minimum, 8, wins
        Latency[] cut = Latency.interleavedWithin(() -> {
            slow.incrementAndGet();
            sleep(10);
        }, () -> sleep(10), 8, 300, 100);
        assertEquals(8, cut[0].runs());
        assertEquals(1 + 8, slow.get(), "the probe run, no warm-up below 20 runs, the timed runs");
        Latency[] fast = Latency.interleavedWithin(() -> { }, () -> { }, 8, 30, 60_000);
        assertEquals(30, fast[0].runs());
        assertEquals(30, fast[1].runs());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
