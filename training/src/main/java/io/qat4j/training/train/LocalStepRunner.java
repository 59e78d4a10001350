package io.qat4j.training.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;

/** One optimizer step in this JVM: DL4J's {@code fit} on the minibatch. */
public final class LocalStepRunner implements StepRunner {

    @Override
    public double fit(ComputationGraph net, DataSet batch) {
        net.fit(batch);
        return net.score();
    }
}
