package io.qat4j.training.distributed;

import io.qat4j.executor.artifact.ArtifactWriter;
import io.qat4j.executor.artifact.Provenance;
import io.qat4j.quant.export.Int8Exporter;
import io.qat4j.training.model.NetworkBuilder;
import io.qat4j.training.train.LocalTrainerTest;
import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * Small int8 artifacts of 28x28 one-channel classifiers for the distributed evaluation tests: the
 * test CNN of {@code LocalTrainerTest} (4-bit weights, quantizing from step 4), trained on the
 * given batches and exported.
 */
final class EvalArtifacts {

    private EvalArtifacts() {
    }

    /**
     * @param batches training batches of {@code [b, 1, 28, 28]} images and 10 one-hot classes, at least 5
     * @return the exported artifact's bytes
     */
    static byte[] trainedOn(DataSetIterator batches) {
        ComputationGraph net = new NetworkBuilder(LocalTrainerTest.config(Path.of("target", "deval-runs"), "deval"), 6).build();
        while (batches.hasNext()) {
            net.fit(batches.next());
        }
        return ArtifactWriter.toBytes(Int8Exporter.export(net, new int[] {1, 28, 28}, Provenance.EMPTY));
    }
}
