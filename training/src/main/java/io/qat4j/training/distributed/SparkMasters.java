package io.qat4j.training.distributed;

import java.util.Optional;

/**
 * Which Spark master a command runs on (Spark's "Master URLs", <a
 * href="https://spark.apache.org/docs/3.5.1/submitting-applications.html#master-urls">
 * submitting-applications.html</a>): the one given explicitly, or, under {@code spark-submit}, the
 * one SparkSubmit sets as the JVM system property {@code spark.master}. Both given and different
 * is an error naming both, since a job must not silently run elsewhere than its submitter asked.
 */
public final class SparkMasters {

    /** The JVM system property that {@code spark-submit} sets to its {@code --master}. */
    public static final String SUBMIT_PROPERTY = "spark.master";

    /** The class whose presence says that Spark is on the class path. */
    private static final String SPARK_CONTEXT = "org.apache.spark.api.java.JavaSparkContext";

    private SparkMasters() {
    }

    /** @return the master {@code spark-submit} runs this JVM with, empty outside spark-submit */
    public static Optional<String> submitted() {
        return Optional.ofNullable(System.getProperty(SUBMIT_PROPERTY)).filter(s -> !s.isBlank());
    }

    /**
     * @param explicit the master given by the user, if any
     * @param explicitSource how messages name where it was given, e.g. {@code --master}
     * @return the master to use, if any was given or set by spark-submit
     * @throws IllegalArgumentException when both are set and differ
     */
    public static Optional<String> resolve(Optional<String> explicit, String explicitSource) {
        Optional<String> submitted = submitted();
        if (explicit.isPresent() && submitted.isPresent() && !explicit.get().equals(submitted.get())) {
            throw new IllegalArgumentException(explicitSource + " " + explicit.get() + " differs from spark-submit's master "
                    + submitted.get() + " (" + SUBMIT_PROPERTY + "); give one of them, or the same value");
        }
        return explicit.isPresent() ? explicit : submitted;
    }

    /**
     * Checks that Spark is on the class path before a command that needs it does any work.
     *
     * @param what what asks for Spark, for the message (e.g. {@code distributed.master is local[2]})
     * @param arguments the command's arguments after the job jar in the spark-submit example
     * @throws IllegalStateException when Spark is missing, saying how to get it
     */
    public static void requireSpark(String what, String arguments) {
        try {
            Class.forName(SPARK_CONTEXT, false, SparkMasters.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(what + " but Spark is not on the classpath (" + SPARK_CONTEXT + " not found):"
                    + " run through the ./qat4j launcher, which puts Spark core on the classpath, or submit the job jar:"
                    + " spark-submit --class io.qat4j.jobs.Qat4j spark-job/target/qat4j-spark.jar " + arguments);
        }
    }
}
