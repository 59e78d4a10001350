package io.qat4j.training.train;

import io.qat4j.training.eval.TaskMetrics;
import io.qat4j.training.report.QuantReport;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The outcome of a training run.
 *
 * @param run the run's folder
 * @param network the trained network
 * @param test final scores on the test split (fake-quantized when quantization is on); null when
 *     the run stopped before its first evaluation
 * @param epochs per-epoch summaries of this invocation (a resumed run lists only the epochs it ran)
 * @param steps optimizer steps done in total
 * @param stoppedEarly the run stopped at its step limit ({@code --max-steps}) before its last epoch
 *     ended: its final network was not evaluated
 * @param report the comparison of the float, fake-quantized and int8 models, when the run made one
 */
public record TrainResult(RunDirectory run, ComputationGraph network, TaskMetrics test,
                          List<RunListener.EpochSummary> epochs, long steps, boolean stoppedEarly,
                          Optional<QuantReport> report) {

    /** @return the final test accuracy of a classification run; NaN without one */
    public double testAccuracy() {
        return test == null ? Double.NaN : test.accuracy();
    }

    /**
     * @return the result in one phrase: {@code "test acc 92.98% after 3752 steps"}, or
     *     {@code "stopped after 8 steps (--max-steps), not evaluated"}
     */
    public String summary() {
        if (stoppedEarly || test == null) {
            return "stopped after " + steps + " steps" + (stoppedEarly ? " (--max-steps)" : "") + ", not evaluated";
        }
        return "test " + test.summary() + " after " + steps + " steps";
    }
}
