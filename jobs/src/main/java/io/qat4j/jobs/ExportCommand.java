package io.qat4j.jobs;

import io.qat4j.training.report.RunExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code qat4j export RUN}: writes the run's integer-only artifact. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export a trained run (config.yaml + model.zip) to the int8 artifact RUN/model.qat4j.",
        footer = "%n" + ExitCodes.HELP)
final class ExportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RUN", description = "run folder, e.g. runs/fashion-mnist-w8a8")
    Path run;

    @Override
    public Integer call() throws Exception {
        Path a = RunExport.export(RunExport.load(run));
        System.out.println("wrote " + a + " (" + Files.size(a) + " bytes)");
        return ExitCodes.OK;
    }
}
