package io.qat4j.training.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.quant.spec.QuantSchedule;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The progress bar's lines, its phase names and its last line. */
class ProgressBarTest {

    private static RunListener.Step step(long step, int batchInEpoch) {
        return new RunListener.Step(step, 100, 0, 1, batchInEpoch, 100, 0.5, 1e-3, 32, 0.01);
    }

    @Test
    void anInterrupedInteractiveBarEndsItsLineSoTheNextOutputStartsOnItsOwn() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        ProgressBar bar = new ProgressBar(out, true, 10);
        bar.onStep(step(3, 3), null, null);
        bar.close();
        out.println("stopped");
        String text = buf.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("\r") && text.endsWith("\nstopped\n"), text);
        assertEquals(2, text.split("\n").length, text);
    }

    @Test
    void aClosedBarWithNothingPendingPrintsNothing() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(buf, true, StandardCharsets.UTF_8), false, 10);
        bar.onStep(step(10, 10), null, null);
        bar.close();
        assertTrue(buf.toString(StandardCharsets.UTF_8).endsWith("\n"));
        assertEquals(1, buf.toString(StandardCharsets.UTF_8).split("\n").length);
    }

    @Test
    void phaseNamesTheStateOfQuantizationAtAnIteration() {
        QuantSchedule s = new QuantSchedule(4, 14, 12);
        assertEquals("float warm-up", QuantPhase.at(s, 3));
        assertEquals("quantizing", QuantPhase.at(s, 4));
        assertEquals("quantizing, BN frozen", QuantPhase.at(s, 12));
        assertEquals("quantizing, observers + BN frozen", QuantPhase.at(s, 14));
        assertEquals("quantizing, observers frozen", QuantPhase.at(new QuantSchedule(0, 5, -1), 5));
        assertEquals("FP32 (quantization off)", QuantPhase.at(QuantSchedule.NEVER, 5));
    }
}
