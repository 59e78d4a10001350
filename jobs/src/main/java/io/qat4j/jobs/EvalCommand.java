package io.qat4j.jobs;

import io.qat4j.executor.artifact.ArtifactReader;
import io.qat4j.executor.runtime.Int8Executor;
import io.qat4j.jobs.onnx.OnnxAgreement;
import io.qat4j.quant.onnx.OnnxForm;
import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.ExperimentConfigLoader;
import io.qat4j.training.data.DatasetNotFoundException;
import io.qat4j.training.data.TaskData;
import io.qat4j.training.data.TaskDataLoader;
import io.qat4j.training.distributed.SparkMasters;
import io.qat4j.training.eval.EvaluationSet;
import io.qat4j.training.eval.TaskMetrics;
import io.qat4j.training.report.QuantReport;
import io.qat4j.training.report.RunExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code qat4j eval ARTIFACT}: runs the artifact on the test set of the dataset its provenance
 * names; inside a run folder (beside model.zip) it prints and writes the full comparison report.
 * With {@code --images} and {@code --labels} it scores those IDX files on Spark instead
 * ({@link SparkEval}): on {@code --master}, or under {@code spark-submit} on its master.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluate an int8 artifact on the int8 executor. Inside a run folder, also compare with the "
                + "FP32 and fake-quant models and write RUN/report.json.",
                "With --images and --labels: score those IDX files (any Hadoop FileSystem URI or local path) on Spark, "
                        + "the executor in each task; under spark-submit --master may be omitted."},
        footer = "%n" + ExitCodes.HELP)
final class EvalCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ARTIFACT", description = "artifact file, e.g. runs/fashion-mnist-w8a8/model.qat4j")
    Path artifact;

    @Option(names = "--data", paramLabel = "PATH", description = "dataset folder (default: found as the config says)")
    Path data;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master for --images/--labels: local[N], "
            + "spark://host:port, yarn, k8s://... (default: spark-submit's)")
    String master;

    @Option(names = "--images", paramLabel = "URI", description = "IDX image file to score on Spark, e.g. hdfs://nn:8020/data/images-idx3-ubyte")
    String images;

    @Option(names = "--labels", paramLabel = "URI", description = "IDX label file of --images")
    String labels;

    @Option(names = "--partitions", paramLabel = "N", description = "Spark tasks over plain IDX files (a gzip file is one task;"
            + " default: Spark's default parallelism)")
    Integer partitions;

    @Option(names = "--batch", paramLabel = "N", description = "examples per executor run in a Spark task (default: "
            + DEFAULT_BATCH + ")")
    Integer batch;

    /** Examples per executor run in a task unless {@code --batch} says otherwise. */
    static final int DEFAULT_BATCH = 256;

    @Option(names = "--predictions-out", paramLabel = "URI", description = "new folder for part-NNNNN files of index<TAB>predicted<TAB>label lines")
    String predictionsOut;

    @Option(names = "--onnx", arity = "0..1", fallbackValue = "onnx", paramLabel = "FORMAT", description = "also export the "
            + "artifact to ONNX (onnx: QLinearConv/MatMulInteger, the default; onnx-qdq: QuantizeLinear/DequantizeLinear pairs), run it "
            + "on ONNX Runtime (1 thread) over the test set and print its accuracy and its agreement with the int8 executor")
    String onnx;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Optional<String> sparkMaster = distributedMaster();
        if (sparkMaster.isPresent()) {
            SparkEval.run(sparkMaster.get(), ArtifactArgument.require(artifact), images, labels, Optional.ofNullable(partitions),
                    batch == null ? DEFAULT_BATCH : batch,
                    Optional.ofNullable(predictionsOut));
            return ExitCodes.OK;
        }
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
        if (onnx != null) {
            OnnxForm form = onnxForm();
            OnnxAgreement a = OnnxAgreement.measure(ArtifactReader.read(artifact), ex, test, form);
            System.out.println(a.summary(form));
        }
        return ExitCodes.OK;
    }

    private OnnxForm onnxForm() {
        try {
            return OnnxForm.ofFormat(onnx);
        } catch (IllegalArgumentException e) {
            throw usage("--onnx: " + e.getMessage());
        }
    }

    /** @return the Spark master when the distributed options are given; usage errors for incomplete or conflicting ones */
    private Optional<String> distributedMaster() {
        if (onnx != null) {
            onnxForm();
        }
        boolean distributed = images != null || labels != null || partitions != null || batch != null
                || predictionsOut != null;
        if (!distributed) {
            if (master != null) {
                throw usage("--master scores files on Spark: give them with --images and --labels");
            }
            return Optional.empty();
        }
        if (images == null || labels == null) {
            throw usage("scoring on Spark needs both --images and --labels");
        }
        if (data != null) {
            throw usage("--data is the local evaluation's dataset folder; on Spark give the files with --images and --labels");
        }
        if ((batch != null && batch < 1) || (partitions != null && partitions < 1)) {
            throw usage("--batch and --partitions must be at least 1");
        }
        Optional<String> m;
        try {
            m = SparkMasters.resolve(Optional.ofNullable(master), "--master");
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        if (m.isEmpty()) {
            throw usage("--images and --labels are scored on Spark: give --master (e.g. local[2]) or run under spark-submit");
        }
        return m;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
