package io.qat4j.training.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The summary's throughput figures, checked against hand computations. */
class ThroughputTest {

    @Test
    void totalRateAndMedianRoundRate() {
        Throughput t = new Throughput();
        t.addRound(128, 2.0);   // a slow first round: 64 examples/s
        t.addRound(128, 0.25);  // 512
        t.addRound(128, 0.2);   // 640
        assertEquals(512.0, t.medianRoundRate(), 0, "odd count: the middle rate");
        t.addRound(256, 0.5);   // 512
        assertEquals(512.0, t.medianRoundRate(), 0, "even count: the mean of the two middle rates (512, 512)");
        t.addRound(100, 0.1);   // 1000
        t.addRound(100, 0.1);   // 1000
        assertEquals((512.0 + 640.0) / 2, t.medianRoundRate(), 0);
        assertEquals("throughput: 266.7 examples/s (840 examples in 3.150 s of training steps; median round 576.0"
                + " examples/s)", t.line());
    }

    @Test
    void manyRoundsAndNone() {
        assertEquals(0.0, new Throughput().medianRoundRate(), 0);
        assertEquals("throughput: 0.0 examples/s (0 examples in 0.000 s of training steps; median round 0.0 examples/s)",
                new Throughput().line());
        Throughput t = new Throughput();
        for (int i = 1; i <= 1001; i++) {
            t.addRound(i, 1.0);
        }
        assertEquals(501.0, t.medianRoundRate(), 0);
    }
}
