package io.qat4j.jobs;

import io.qat4j.quant.onnx.OnnxExporter;
import io.qat4j.quant.onnx.OnnxForm;
import io.qat4j.training.report.RunExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code qat4j export RUN [--format qat4j|onnx|onnx-qdq|onnx-float]}: writes the run's integer-only artifact, or its ONNX form. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Export a trained run (config.yaml + model.zip) to the int8 artifact RUN/model.qat4j.",
                "--format onnx also writes RUN/model.onnx (QLinearConv, MatMulInteger; uint8 activations), --format onnx-qdq "
                        + "RUN/model.qdq.onnx (QuantizeLinear/DequantizeLinear pairs), for ONNX Runtime, TensorRT and OpenVINO; "
                        + "--format onnx-float RUN/model.float.onnx, the float network they quantize (a speed reference). "
                        + "RUN may also be a .qat4j artifact, for the ONNX formats."},
        footer = "%n" + ExitCodes.HELP)
final class ExportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RUN", description = "run folder, e.g. runs/fashion-mnist-w8a8")
    Path run;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "qat4j",
            description = "qat4j (default), onnx, onnx-qdq or onnx-float")
    String format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        OnnxForm onnx = null;
        if (!format.equals("qat4j")) {
            try {
                onnx = OnnxForm.ofFormat(format);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--format: unknown format '" + format
                        + "'; expected qat4j, onnx, onnx-qdq or onnx-float");
            }
        }
        Path artifact;
        if (Files.isRegularFile(run) && onnx != null) {
            artifact = ArtifactArgument.require(run);
        } else {
            artifact = RunExport.export(RunExport.load(run));
            spec.commandLine().getOut().println("wrote " + artifact + " (" + Files.size(artifact) + " bytes)");
        }
        if (onnx != null) {
            Path m = OnnxExporter.write(artifact, onnx);
            spec.commandLine().getOut().println("wrote " + m + " (" + Files.size(m) + " bytes, ONNX opset " + OnnxExporter.OPSET + ", " + onnx.format() + ")");
        }
        return ExitCodes.OK;
    }
}
