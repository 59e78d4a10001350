package io.qat4j.training.train;

import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The outcome of a training run.
 *
 * @param run the run's folder
 * @param network the trained network
 * @param testAccuracy final top-1 accuracy on the test set (fake-quantized when quantization is on)
 * @param epochs per-epoch summaries of this invocation (a resumed run lists only the epochs it ran)
 * @param steps optimizer steps done in total
 */
public record TrainResult(RunDirectory run, ComputationGraph network, double testAccuracy,
                          List<RunListener.EpochSummary> epochs, long steps) {
}
