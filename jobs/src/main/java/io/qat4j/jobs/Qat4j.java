package io.qat4j.jobs;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code qat4j} command.
 */
@Command(name = "qat4j", mixinStandardHelpOptions = true, versionProvider = Qat4j.Version.class,
        description = "Quantization-aware training on the JVM.",
        subcommands = {TrainCommand.class, SweepCommand.class, ExportCommand.class, EvalCommand.class, InspectCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class},
        footer = "%n" + ExitCodes.HELP)
public final class Qat4j {

    /**
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /**
     * Runs the command without exiting the JVM.
     *
     * @param args arguments
     * @param out standard output
     * @param err standard error
     * @return the exit code
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Qat4j());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(new ErrorHandler());
        int code = cl.execute(args);
        return code == CommandLine.ExitCode.USAGE ? ExitCodes.USAGE : code;
    }

    /** The version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Qat4j.class.getPackage().getImplementationVersion();
            return new String[] {"qat4j " + (v == null ? "(development build)" : v)};
        }
    }
}
