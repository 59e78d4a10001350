/**
 * JMH benchmarks (Shipilev's Java Microbenchmark Harness), run through {@code qat4j bench}; each
 * prints ratios measured in one run on one machine.
 */
package io.qat4j.jobs.bench;
