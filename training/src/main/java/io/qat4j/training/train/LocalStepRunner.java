package io.qat4j.training.train;

import io.qat4j.quant.layers.InputScales;
import io.qat4j.training.data.TrainingBatch;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Optimizer steps in this JVM: DL4J's {@code fit} on each minibatch, one step per round. */
public final class LocalStepRunner implements StepRunner {

    @Override
    public double[] fit(ComputationGraph net, List<TrainingBatch> batches, long[] stepSeeds) {
        double[] losses = new double[batches.size()];
        InputScales.bind(net);
        for (int i = 0; i < losses.length; i++) {
            MultiDataSet step = batches.get(i).forStep(stepSeeds[i]);
            Nd4j.getRandom().setSeed(stepSeeds[i]);
            net.fit(step);
            losses[i] = net.score();
        }
        return losses;
    }
}
