package io.qat4j.training.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/**
 * The Spark probe on this build's classpath: Spark core 3.5 with DL4J/ND4J on Java 17 (the pins and
 * JVM flags of the parent pom) starts {@code local[2]}, runs a job over two partitions and stops.
 */
class SparkLocalModeTest {

    @Test
    void localTwoRunsAJobOverTwoPartitionsAndStops() {
        SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("qat4j-spark-probe")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1");
        JavaSparkContext sc = new JavaSparkContext(conf);
        try {
            List<Integer> values = IntStream.rangeClosed(1, 100).boxed().toList();
            List<Integer> partitionSums = sc.parallelize(values, 2)
                    .mapPartitions(it -> {
                        int sum = 0;
                        while (it.hasNext()) {
                            sum += it.next();
                        }
                        return List.of(sum).iterator();
                    }).collect();
            // 1..50 and 51..100, one partition each
            assertEquals(List.of(1275, 3775), partitionSums);
        } finally {
            sc.stop();
        }
        assertTrue(sc.sc().isStopped());
    }
}
