package io.qat4j.training.train;

import io.qat4j.quant.spec.QuantSchedule;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Optional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * A terminal progress bar: epoch, step, the phase of the quantization schedule ({@link QuantPhase}),
 * loss, examples per second and ETA. On a terminal the bar is redrawn in place, and closing the bar
 * ends its line so that what follows starts on a line of its own; otherwise (CI logs, pipes) one
 * line is printed every {@code everySteps}.
 */
public final class ProgressBar implements RunListener {

    private static final int WIDTH = 24;

    private final PrintStream out;
    private final boolean interactive;
    private final int everySteps;
    private double emaSecondsPerStep = Double.NaN;
    private double emaExamplesPerSecond = Double.NaN;
    private long lastDrawNanos;
    private boolean linePending;
    private Optional<QuantSchedule> schedule;

    /**
     * @param out where to print
     * @param interactive redraw in place ({@code \r}) rather than print lines
     * @param everySteps print a line every this many steps when not interactive
     */
    public ProgressBar(PrintStream out, boolean interactive, int everySteps) {
        this.out = out;
        this.interactive = interactive;
        this.everySteps = Math.max(1, everySteps);
    }

    /** @return whether standard output is a terminal */
    public static boolean stdoutIsTerminal() {
        return System.console() != null;
    }

    @Override
    public void onStep(Step s, ComputationGraph net, MultiDataSet batch) {
        double a = 0.05;
        emaSecondsPerStep = Double.isNaN(emaSecondsPerStep) ? s.seconds() : emaSecondsPerStep + a * (s.seconds() - emaSecondsPerStep);
        double eps = s.examples() / Math.max(1e-9, s.seconds());
        emaExamplesPerSecond = Double.isNaN(emaExamplesPerSecond) ? eps : emaExamplesPerSecond + a * (eps - emaExamplesPerSecond);
        long now = System.nanoTime();
        boolean last = s.batchInEpoch() == s.batchesPerEpoch();
        if (schedule == null && net != null) {
            schedule = QuantPhase.of(net);
        }
        // the phase of the step just done, which ran at iteration step - 1
        String phase = schedule == null || schedule.isEmpty() ? null : QuantPhase.at(schedule.get(), s.step() - 1);
        if (interactive) {
            if (last || now - lastDrawNanos > 200_000_000L) {
                lastDrawNanos = now;
                out.print("\r" + line(s, phase));
                out.flush();
                linePending = true;
            }
        } else if (s.step() % everySteps == 0 || last) {
            out.println(line(s, phase));
        }
    }

    /** Ends a line redrawn in place, so that the next output starts on its own line. */
    @Override
    public void close() {
        endLine();
    }

    private void endLine() {
        if (linePending) {
            out.println();
            out.flush();
            linePending = false;
        }
    }

    @Override
    public void onEpoch(EpochSummary e, ComputationGraph net) {
        endLine();
        String val = e.validation() == null ? "" : "  validation " + e.validation().summary();
        String test = e.test() == null ? "" : "  test " + e.test().summary();
        out.printf(Locale.ROOT, "epoch %d done: mean loss %.4f%s%s  (%.1f s)%n", e.epoch() + 1, e.meanLoss(), test, val,
                e.seconds());
        out.flush();
    }

    String line(Step s, String phase) {
        int filled = (int) Math.round(WIDTH * (double) s.batchInEpoch() / s.batchesPerEpoch());
        String bar = "=".repeat(Math.max(0, filled - 1)) + (filled > 0 ? ">" : "") + " ".repeat(WIDTH - filled);
        long remaining = s.totalSteps() - s.step();
        long eta = Math.round(remaining * emaSecondsPerStep);
        return String.format(Locale.ROOT, "epoch %d/%d [%s] %d/%d  step %d  %sloss %.4f  %.0f ex/s  ETA %s",
                s.epoch() + 1, s.epochs(), bar, s.batchInEpoch(), s.batchesPerEpoch(), s.step(),
                phase == null ? "" : phase + "  ", s.loss(), emaExamplesPerSecond, hms(eta));
    }

    static String hms(long seconds) {
        return String.format(Locale.ROOT, "%02d:%02d:%02d", seconds / 3600, (seconds / 60) % 60, seconds % 60);
    }
}
