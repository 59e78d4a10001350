package io.qat4j.jobs;

import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.training.config.binding.ConfigException;
import io.qat4j.training.data.DatasetNotFoundException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * Maps exceptions of a command to a clear message on standard error and an exit code, without a
 * stack trace for the errors a user can fix (config, missing data, files).
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parseResult) {
        var err = cl.getErr();
        if (ex instanceof ConfigException) {
            err.println("invalid config:");
            err.println(ex.getMessage());
            return ExitCodes.USAGE;
        }
        if (ex instanceof DatasetNotFoundException) {
            err.println(ex.getMessage());
            return ExitCodes.DATA_NOT_FOUND;
        }
        if (ex instanceof ArtifactFormatException) {
            err.println("invalid artifact: " + ex.getMessage());
            return ExitCodes.IO_ERROR;
        }
        if (ex instanceof FileNotFoundException) {
            err.println(ex.getMessage());
            return ExitCodes.IO_ERROR;
        }
        if (ex instanceof IOException || ex instanceof UncheckedIOException) {
            err.println("I/O error: " + ex.getMessage());
            return ExitCodes.IO_ERROR;
        }
        if (ex instanceof IllegalStateException) {
            err.println(ex.getMessage());
            return ExitCodes.RUN_STATE;
        }
        err.println("qat4j: the run failed: " + ex);
        ex.printStackTrace(err);
        return ExitCodes.RUN_FAILED;
    }
}
