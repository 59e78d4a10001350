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
}
