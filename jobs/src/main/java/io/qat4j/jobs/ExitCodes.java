package io.qat4j.jobs;

/**
 * Exit codes of the {@code qat4j} command, documented in its {@code --help} and the README.
 */
public final class ExitCodes {

    private ExitCodes() {
    }

    /** Success. */
    public static final int OK = 0;
    /** The run failed at run time (an exception during training). */
    public static final int RUN_FAILED = 1;
    /** Bad command line or invalid config: nothing was started. */
    public static final int USAGE = 2;
    /** A dataset was not found. */
    public static final int DATA_NOT_FOUND = 3;
    /** A file could not be read or written (data files, checkpoints, run folder). */
    public static final int IO_ERROR = 4;
    /** The run folder is in a state that does not allow the request (e.g. resume without checkpoint). */
    public static final int RUN_STATE = 5;

    /** Text for {@code --help}. */
    public static final String HELP = """
            Exit codes:
              0  success
              1  the run failed while running
              2  bad command line or invalid config (nothing started)
              3  dataset not found
              4  a file could not be read or written
              5  the run folder does not allow this (e.g. --resume without a checkpoint)""";
}
