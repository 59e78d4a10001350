/**
 * Command-line entry points: the {@code qat4j} command (picocli) and, later, the Spark job
 * mains packaged in the shaded jar for {@code spark-submit}.
 */
package io.qat4j.jobs;
