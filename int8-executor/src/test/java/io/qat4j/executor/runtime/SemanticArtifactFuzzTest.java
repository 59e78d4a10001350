package io.qat4j.executor.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.artifact.ArtifactWriter;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Semantic fuzzing of loading and running (issue 8, Found 1): each mutant changes one field of a
 * valid artifact's manifest ({@link SemanticMutator}) behind recomputed checksums, and must then
 * load and run or be rejected with a located {@code ArtifactFormatException}, within 5 s and
 * without running out of memory ({@link MutantRunner}). The seeds are the committed fixtures of
 * both format versions, the fixture network with every op the exporter emits (conv2d with
 * int8 and packed 4-bit weights, max and average pooling, residual add, global average pooling,
 * fully connected, logits), and the graph network with every graph op ({@link GraphModel#all()}).
 *
 * <p>The build runs {@value #DEFAULT_COUNT} mutants in a JVM of {@code -Xmx512m} (the
 * {@code fuzz} execution of surefire in this module's pom); {@code -Dqat4j.fuzz.count=N} sets the
 * count, and {@code ./mvnw -o -Pfuzz -pl int8-executor test} runs 10^5 of each kind, the
 * acceptance figure in README.
 */
class SemanticArtifactFuzzTest {

    static final int DEFAULT_COUNT = 4_000;
    static final long BASE_SEED = 0x5E3A_2025L;

    record Seed(String name, RawArtifact artifact) {
    }

    static List<Seed> seeds() throws Exception {
        List<Seed> seeds = new ArrayList<>();
        for (String resource : List.of(ExecutorFixtureTest.V1, ExecutorFixtureTest.V2)) {
            try (InputStream in = SemanticArtifactFuzzTest.class.getClassLoader().getResourceAsStream(resource)) {
                seeds.add(new Seed(resource, RawArtifact.decode(in.readAllBytes())));
            }
        }
        seeds.add(new Seed("FixtureModel.v2", RawArtifact.decode(ArtifactWriter.toBytes(FixtureModel.v2()))));
        seeds.add(new Seed("GraphModel.all", RawArtifact.decode(ArtifactWriter.toBytes(GraphModel.all()))));
        return seeds;
    }

    @Test
    void theSeedsEncodeBackToTheirBytesAndRun() throws Exception {
        try (MutantRunner runner = new MutantRunner()) {
            for (Seed s : seeds()) {
                byte[] again = s.artifact().encode();
                assertEquals(s.artifact().encode().length, RawArtifact.decode(again).encode().length);
                runner.check(again, s.name());
            }
            assertEquals(seeds().size() - 1, runner.outcomes().getOrDefault("loaded and ran (classifier)", 0),
                    runner.outcomes().toString());
            assertEquals(1, runner.outcomes().getOrDefault("loaded and ran", 0), "the graph seed: " + runner.outcomes());
        }
    }

    @Test
    void everySemanticMutantLoadsAndRunsOrIsRejectedCleanly() throws Exception {
        List<Seed> seeds = seeds();
        SemanticMutator mutator = new SemanticMutator();
        int n = MutantRunner.count(DEFAULT_COUNT);
        try (MutantRunner runner = new MutantRunner()) {
            for (int i = 0; i < n; i++) {
                long seed = BASE_SEED + i;
                Seed s = seeds.get(i % seeds.size());
                StringBuilder how = new StringBuilder();
                byte[] mutant = mutator.mutate(s.artifact(), new Random(seed), how).encode();
                runner.check(mutant, "seed " + seed + " on " + s.name() + ": " + how);
            }
            System.out.print(runner.report("semantic artifact fuzz"));
            assertTrue(runner.failures().isEmpty(), () -> runner.failures().size() + " kinds of failure:\n"
                    + String.join("\n", runner.failures().values()));
            assertEquals(n, runner.count());
            assertTrue(runner.outcomes().keySet().stream().anyMatch(k -> k.startsWith("loaded and ran")), "some mutants still run");
            assertTrue(runner.outcomes().size() > 10, "the mutations reach many different checks: " + runner.outcomes().keySet());
        }
    }
}
