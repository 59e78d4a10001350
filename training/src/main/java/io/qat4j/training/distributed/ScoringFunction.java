package io.qat4j.training.distributed;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

/**
 * The function that {@link DistributedEvaluation} runs in {@code mapPartitions} (Zaharia et al.,
 * "Resilient Distributed Datasets", NSDI 2012): each partition holds {@link IdxSlice}s, each
 * scored by {@link PartitionScorer} with the broadcast artifact and Hadoop configuration. It holds
 * only broadcast handles and plain values, so the closure that Spark ships carries no model and no
 * DL4J class.
 */
final class ScoringFunction implements FlatMapFunction<Iterator<IdxSlice>, PartitionScore> {

    private static final long serialVersionUID = 1L;

    private final Broadcast<byte[]> artifact;
    private final Broadcast<byte[]> hadoopConf;
    private final int batch;
    private final String predictionsDir;

    ScoringFunction(Broadcast<byte[]> artifact, Broadcast<byte[]> hadoopConf, int batch, String predictionsDir) {
        this.artifact = artifact;
        this.hadoopConf = hadoopConf;
        this.batch = batch;
        this.predictionsDir = predictionsDir;
    }

    @Override
    public Iterator<PartitionScore> call(Iterator<IdxSlice> slices) throws Exception {
        List<PartitionScore> out = new ArrayList<>();
        while (slices.hasNext()) {
            out.add(PartitionScorer.score(artifact.value(), hadoopConf.value(), slices.next(), batch, predictionsDir));
        }
        return out.iterator();
    }
}
