package io.qat4j.training.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.ModelSelection;
import io.qat4j.training.config.TrainingConfig;
import io.qat4j.training.data.TaskData;
import io.qat4j.training.eval.TaskMetrics;
import io.qat4j.training.report.FiniteJson;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A run's {@code metrics.json}, written atomically by {@link RunLifecycle}: name, whether
 * quantized, steps, the data's origin, the final test scores ({@code testAccuracy} or
 * {@code testMae}/{@code testRmse}, and {@code testLoss}), the selected epoch
 * ({@value RunLifecycle#METRICS_SELECTED}) and per evaluated epoch its mean training loss, test and
 * validation scores with losses ({@code validationLoss}, {@code testLoss}) and training seconds.
 */
final class MetricsFile {

    private static final ObjectMapper JSON = new ObjectMapper();

    private MetricsFile() {
    }

    /**
     * @return {@value RunLifecycle#METRICS_SELECTED}: the rule and the epoch whose parameters the run kept (for
     *     {@code last}, the last epoch evaluated); null when none is known
     */
    static ObjectNode selection(TrainingConfig tc, List<RunListener.EpochSummary> history,
                                Optional<BestEpoch.Selected> best) {
        ObjectNode n = JSON.createObjectNode();
        n.put("rule", tc.select().yamlName());
        if (best.isPresent()) {
            n.put("epoch", best.get().epoch());
            n.put("step", best.get().step());
            n.put("validationLoss", best.get().validationLoss());
        } else if (tc.select() == ModelSelection.LAST && !history.isEmpty()) {
            n.put("epoch", history.get(history.size() - 1).epoch());
            n.put("step", history.get(history.size() - 1).step());
        } else {
            return null;
        }
        return n;
    }

    /** Writes {@code metrics.json} atomically; {@code selected} may be null (a run stopped early). */
    static void write(ExperimentConfig config, RunDirectory run, TaskData data, List<RunListener.EpochSummary> history,
                      long step, TaskMetrics test, ObjectNode selected)
            throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("name", config.name());
        root.put("quantized", config.quantization().enabled());
        root.put("steps", step);
        root.set(RunLifecycle.METRICS_DATA, data.origin().toJson());
        putMetrics(root, "test", test);
        if (selected != null) {
            root.set(RunLifecycle.METRICS_SELECTED, selected);
        }
        ArrayNode epochs = root.putArray("epochs");
        for (RunListener.EpochSummary e : history) {
            ObjectNode n = epochs.addObject();
            n.put("epoch", e.epoch());
            n.put("step", e.step());
            n.put("meanLoss", e.meanLoss());
            putMetrics(n, "test", e.test());
            putMetrics(n, "validation", e.validation());
            n.put("trainSeconds", e.seconds());
        }
        FiniteJson.write(run.metrics(), root);
    }

    /** Writes {@code <split><Name>} for every score of the task ({@code testAccuracy}, {@code testMae}, ...). */
    private static void putMetrics(ObjectNode n, String split, TaskMetrics m) {
        if (m == null) {
            return;
        }
        for (Map.Entry<String, Double> e : m.named().entrySet()) {
            String key = split + Character.toUpperCase(e.getKey().charAt(0)) + e.getKey().substring(1);
            n.put(key, e.getValue());
        }
    }
}
