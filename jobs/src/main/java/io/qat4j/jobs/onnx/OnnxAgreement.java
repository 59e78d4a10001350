package io.qat4j.jobs.onnx;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtEnvironment;
import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.runtime.Int8Executor;
import io.qat4j.quant.onnx.OnnxExporter;
import io.qat4j.quant.onnx.OnnxForm;
import io.qat4j.training.eval.EvaluationSet;
import io.qat4j.training.eval.Evaluator;
import io.qat4j.training.eval.Predictions;
import io.qat4j.training.eval.TaskMetrics;
import io.qat4j.training.report.QuantReport;
import java.io.UncheckedIOException;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An artifact's ONNX export run by ONNX Runtime on an evaluation set, against the int8 executor on
 * the same set: ONNX Runtime's metrics and the share of examples where both predict the same class.
 *
 * @param onnx ONNX Runtime's predictions
 * @param int8 the executor's predictions
 * @param metrics ONNX Runtime's metrics against the truth
 */
public record OnnxAgreement(Predictions onnx, Predictions int8, TaskMetrics metrics) {

    /**
     * @param artifact the artifact
     * @param ex the executor of that artifact
     * @param set examples with one float input (images)
     * @param form the ONNX form to export
     * @return the comparison
     * @throws Exception if the export or ONNX Runtime fails
     */
    public static OnnxAgreement measure(LoadedArtifact artifact, Int8Executor ex, EvaluationSet set, OnnxForm form) throws Exception {
        return measure(OnnxExporter.toBytes(artifact, form), ex, set);
    }

    /**
     * @param onnxModel the ONNX export of the executor's artifact
     * @param ex the executor
     * @param set examples with one float input (images)
     * @return the comparison
     * @throws Exception if ONNX Runtime fails
     */
    public static OnnxAgreement measure(byte[] onnxModel, Int8Executor ex, EvaluationSet set) throws Exception {
        String output = ex.model().tensor(ex.model().graphOutputs()[0]).orElseThrow().name();
        try (OnnxRuntimeModel m = new OnnxRuntimeModel(onnxModel, 1, output)) {
            Predictions onnx = Evaluator.predict(set, d -> {
                INDArray f = d.getFeatures(0);
                try {
                    float[] y = m.run(f.dup('c').data().asFloat(), f.shape());
                    return Nd4j.create(y, new long[] {f.size(0), y.length / f.size(0)}, 'c');
                } catch (OrtException e) {
                    throw new UncheckedIOException(new java.io.IOException("ONNX Runtime: " + e.getMessage(), e));
                }
            });
            return new OnnxAgreement(onnx, QuantReport.predictInt8(ex, set), TaskMetrics.of(onnx, set.truth()));
        }
    }

    /** @return the share of examples where ONNX Runtime and the executor predict the same */
    public double agreement() {
        return onnx.agreement(int8);
    }

    /**
     * @param form the form measured
     * @return one line: ONNX Runtime's version, form, metrics and agreement
     */
    public String summary(OnnxForm form) {
        return String.format(Locale.ROOT, "ONNX Runtime %s (%s, 1 thread) on %d test examples: %s; same prediction as the int8 "
                + "executor on %.2f%%", OrtEnvironment.getEnvironment().getVersion(), form.format(), onnx.count(), metrics.summary(),
                100 * agreement());
    }
}
