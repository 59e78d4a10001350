package io.qat4j.training.train;

import io.qat4j.training.config.DistributedConfig;
import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.distributed.SparkMasters;
import io.qat4j.training.distributed.SparkTrainer;
import java.util.Optional;

/**
 * Picks the trainer of a config, in one place, so that {@code qat4j train X.yaml --set
 * distributed.master=local[2]} and {@code spark-submit --class io.qat4j.jobs.Qat4j qat4j-spark.jar
 * train X.yaml} run the same code: the config's {@code distributed.master} when it names one,
 * else the master {@code spark-submit} hands the driver (the JVM system property
 * {@code spark.master}; the config loader has checked that the two agree), else no Spark: the
 * {@link LocalTrainer}.
 */
public final class Trainers {

    private Trainers() {
    }

    /**
     * @param config a validated config
     * @return the trainer that runs it
     * @throws IllegalStateException when the config asks for Spark and Spark is not on the classpath
     */
    public static Trainer forConfig(ExperimentConfig config) {
        Optional<String> master = sparkMaster(config);
        if (master.isEmpty()) {
            return new LocalTrainer();
        }
        SparkMasters.requireSpark("distributed.master is " + master.get(), "train CONFIG");
        return new SparkTrainer(config, master.get());
    }

    /**
     * @param config a validated config
     * @return the Spark master the run uses, empty for the local trainer
     */
    public static Optional<String> sparkMaster(ExperimentConfig config) {
        // the config loader has already refused a config master that differs from spark-submit's
        Optional<String> named = Optional.of(config.distributed().master()).filter(m -> config.distributed().namesSparkMaster());
        return SparkMasters.resolve(named, "distributed.master");
    }
}
