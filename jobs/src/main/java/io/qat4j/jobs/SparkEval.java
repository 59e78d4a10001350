package io.qat4j.jobs;

import io.qat4j.training.distributed.DistributedEvaluation;
import io.qat4j.training.distributed.SparkMasters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * {@code qat4j eval ARTIFACT --images URI --labels URI}: creates the Spark context on the given
 * master, runs {@link DistributedEvaluation} (the int8 executor in {@code mapPartitions}; Zaharia
 * et al., NSDI 2012), prints its summary and stops the context whatever happens. Kept apart from
 * {@link EvalCommand} so that the local evaluation loads no Spark class; when Spark is not on the
 * class path it says how to get it.
 */
final class SparkEval {

    private SparkEval() {
    }

    static void run(String master, Path artifact, String images, String labels, Optional<Integer> partitions, int batch,
                    Optional<String> predictionsOut) throws IOException {
        SparkMasters.requireSpark("eval --master " + master, "eval ARTIFACT --images URI --labels URI");
        byte[] bytes = Files.readAllBytes(artifact);
        JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster(master).setAppName("qat4j eval " + artifact.getFileName()));
        try {
            System.out.println("scoring " + artifact + " on Spark " + master + ": " + DistributedEvaluation.uri(images) + ", "
                    + DistributedEvaluation.uri(labels));
            DistributedEvaluation.Summary s = DistributedEvaluation.evaluate(sc, bytes, artifact.toString(), images, labels,
                    partitions.orElse(sc.defaultParallelism()), batch, predictionsOut);
            s.print(System.out);
        } finally {
            sc.stop();
        }
    }
}
