package io.qat4j.training.train;

import java.io.PrintStream;
import java.util.List;

/**
 * How a run is carried out, beyond what its config says.
 *
 * @param resume continue from the run folder's newest checkpoint
 * @param console where progress, the data summary and the report go; null for none
 * @param interactiveProgress redraw the progress bar in place
 * @param extraListeners further listeners
 * @param maxSteps stop after this many steps in total (tests and smoke runs); negative: no limit
 * @param report after a quantized run that finished all its epochs, export the int8 artifact, run it
 *     on the int8 executor and write (and print) the comparison report
 */
public record RunOptions(boolean resume, PrintStream console, boolean interactiveProgress,
                         List<RunListener> extraListeners, long maxSteps, boolean report) {

    /** Copies the listener list. */
    public RunOptions {
        extraListeners = List.copyOf(extraListeners);
    }

    /** @return a fresh run printing plain progress lines to standard output, with the report */
    public static RunOptions defaults() {
        return new RunOptions(false, System.out, ProgressBar.stdoutIsTerminal(), List.of(), -1, true);
    }

    /**
     * @param r resume or not
     * @return these options with {@code resume} set
     */
    public RunOptions withResume(boolean r) {
        return new RunOptions(r, console, interactiveProgress, extraListeners, maxSteps, report);
    }

    /**
     * @param n step limit
     * @return these options with a step limit
     */
    public RunOptions withMaxSteps(long n) {
        return new RunOptions(resume, console, interactiveProgress, extraListeners, n, report);
    }

    /**
     * @param r export and report after a quantized run, or not
     * @return these options with {@code report} set
     */
    public RunOptions withReport(boolean r) {
        return new RunOptions(resume, console, interactiveProgress, extraListeners, maxSteps, r);
    }

    /**
     * @param l listeners added to the run's own
     * @return these options with those listeners
     */
    public RunOptions withListeners(List<RunListener> l) {
        return new RunOptions(resume, console, interactiveProgress, l, maxSteps, report);
    }
}
