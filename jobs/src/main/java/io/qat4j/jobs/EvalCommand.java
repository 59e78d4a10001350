package io.qat4j.jobs;

import io.qat4j.executor.runtime.Int8Executor;
import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.ExperimentConfigLoader;
import io.qat4j.training.data.DatasetNotFoundException;
import io.qat4j.training.data.TaskData;
import io.qat4j.training.data.TaskDataLoader;
import io.qat4j.training.eval.EvaluationSet;
import io.qat4j.training.eval.TaskMetrics;
import io.qat4j.training.report.QuantReport;
import io.qat4j.training.report.RunExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code qat4j eval ARTIFACT}: runs the artifact on the test set of the dataset its provenance
 * names; inside a run folder (beside model.zip) it prints and writes the full comparison report.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate an int8 artifact on the int8 executor. Inside a run folder, also compare with the "
                + "FP32 and fake-quant models and write RUN/report.json.",
        footer = "%n" + ExitCodes.HELP)
final class EvalCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ARTIFACT", description = "artifact file, e.g. runs/fashion-mnist-w8a8/model.qat4j")
    Path artifact;

    @Option(names = "--data", paramLabel = "PATH", description = "dataset folder (default: found as the config says)")
    Path data;

    @Override
    public Integer call() throws Exception {
        Int8Executor ex = Int8Executor.load(ArtifactArgument.require(artifact));
        String yaml = ex.model().provenance().entries().get(io.qat4j.executor.artifact.Provenance.CONFIG_YAML);
        if (yaml == null) {
            throw new IllegalStateException(artifact + " records no config (provenance key config.yaml): cannot tell its dataset");
        }
        List<String> overrides = new ArrayList<>();
        if (data != null) {
            overrides.add("dataset.path=" + data);
        }
        ExperimentConfig cfg = ExperimentConfigLoader.parse(yaml, artifact + "#config.yaml", overrides);
        TaskData data;
        try {
            data = TaskDataLoader.load(cfg);
        } catch (DatasetNotFoundException e) {
            // the locator's advice is for train; eval takes the dataset folder as --data
            throw new DatasetNotFoundException(e.datasetName(), e.searched(), e.getMessage().replace("--set dataset.path=", "--data "));
        }
        System.out.println(data.origin().describe());
        EvaluationSet test = data.test();
        Path dir = artifact.toAbsolutePath().getParent();
        if (Files.exists(dir.resolve("model.zip")) && Files.exists(dir.resolve("config.yaml"))) {
            QuantReport r = QuantReport.measure(RunExport.load(dir), artifact, test, System.out::println);
            r.print(System.out);
            r.write(dir.resolve(QuantReport.FILE), data.origin());
            System.out.println("wrote " + dir.resolve(QuantReport.FILE));
        } else {
            TaskMetrics m = TaskMetrics.of(QuantReport.predictInt8(ex, test), test.truth());
            System.out.printf(Locale.ROOT, "int8 executor on %d test examples: %s%n", test.count(), m.summary());
        }
        return ExitCodes.OK;
    }
}
