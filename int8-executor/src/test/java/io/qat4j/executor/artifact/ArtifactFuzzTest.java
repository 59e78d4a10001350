package io.qat4j.executor.artifact;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.runtime.GraphModel;
import io.qat4j.executor.runtime.MutantRunner;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded byte-level mutation fuzzing of the reader and the executor. Every mutant of a valid
 * artifact must either load (and then re-encode to exactly the same bytes, since the format is
 * canonical, and re-read equal) or be rejected with {@link ArtifactFormatException} that did not
 * come from the reader's safety net; a mutant that reads is then held to {@link MutantRunner}'s
 * contract: it loads into the executor and runs a small batch, or is rejected at load with a
 * located error, within 5 s and without running out of memory (this class runs in the
 * {@code -Xmx512m} JVM of the {@code fuzz} surefire execution). Anything else - another
 * exception, an error, a hang - fails with the seed and the mutation, so a failure can be
 * replayed with {@link #mutate}. {@code -Dqat4j.fuzz.count=N} sets the number of mutants
 * ({@value #DEFAULT_MUTATIONS} per build; the {@code fuzz} profile runs 10^5).
 */
class ArtifactFuzzTest {

    static final int DEFAULT_MUTATIONS = 24_000;
    static final int MUTATIONS = MutantRunner.count(DEFAULT_MUTATIONS);
    static final long BASE_SEED = 0x5EED_2024L;

    record Seed(String name, byte[] bytes, List<TestArtifacts.Field> fields, List<TestArtifacts.Field> sizes) {
        static Seed of(String name, LoadedArtifact a) {
            byte[] b = ArtifactWriter.toBytes(a);
            List<TestArtifacts.Field> all = new ArrayList<>(TestArtifacts.fields(b).values());
            return new Seed(name, b, all, all.stream().filter(TestArtifacts.Field::size).toList());
        }
    }

    static List<Seed> seeds() {
        TensorInfo x = TensorInfo.activation(0, "x", ElementType.UINT8, new int[] {1}, 8, QuantInfo.perTensor(1, 0));
        LoadedArtifact identity = new LoadedArtifact(
                ModelArtifact.of(Provenance.EMPTY, List.of(x), List.of(), new int[] {0}, new int[] {0}), List.of());
        return List.of(Seed.of("convFc", TestArtifacts.convFc()), Seed.of("minimal", TestArtifacts.minimal()),
                Seed.of("lowBits", TestArtifacts.lowBits()), Seed.of("identity", identity), fixture("artifacts/v1-exported.qat4j"),
                fixture("artifacts/v2-small.qat4j"), Seed.of("graph", GraphModel.all()));
    }

    /** A committed fixture: the network with every op the exporter emits, in format 1 and 2. */
    private static Seed fixture(String resource) {
        try (InputStream in = ArtifactFuzzTest.class.getClassLoader().getResourceAsStream(resource)) {
            return Seed.of(resource, ArtifactReader.read(in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(resource, e);
        }
    }

    @Test
    void everyMutantLoadsOrIsRejectedCleanly(@TempDir Path dir) {
        List<Seed> seeds = seeds();
        Map<String, Integer> outcomes = new TreeMap<>();
        int[] loaded = {0};
        long start = System.nanoTime();
        MutantRunner runner = new MutantRunner();
        assertTimeoutPreemptively(Duration.ofSeconds(Math.max(60, MUTATIONS / 100)), () -> {
            for (int i = 0; i < MUTATIONS; i++) {
                long seed = BASE_SEED + i;
                Seed s = seeds.get(i % seeds.size());
                StringBuilder how = new StringBuilder();
                byte[] mutant = mutate(s, seed, how);
                String where = "seed " + seed + " on " + s.name() + ": " + how;
                try {
                    LoadedArtifact a = (i % 200 == 0) ? readViaFile(dir, mutant) : ArtifactReader.read(mutant);
                    byte[] again = ArtifactWriter.toBytes(a);
                    if (!Arrays.equals(mutant, again)) {
                        throw new AssertionError("loaded but re-encodes differently (non-canonical acceptance), " + where);
                    }
                    if (!ArtifactReader.read(again).equals(a)) {
                        throw new AssertionError("re-read differs, " + where);
                    }
                    loaded[0]++;
                    outcomes.merge("loaded", 1, Integer::sum);
                    runner.check(mutant, where);
                } catch (ArtifactFormatException e) {
                    if (e.getCause() instanceof RuntimeException) {
                        throw new AssertionError("safety net caught " + e.getCause() + ", " + where, e.getCause());
                    }
                    if (e.field() == null || !e.getMessage().contains("byte offset")) {
                        throw new AssertionError("message without location: " + e.getMessage() + ", " + where);
                    }
                    outcomes.merge("rejected: " + e.field().replaceAll("\\[\\d+]", "[]"), 1, Integer::sum);
                } catch (Throwable t) {
                    throw new AssertionError(t + ", " + where, t);
                }
            }
        }, "fuzzing hung");
        runner.close();
        long ms = (System.nanoTime() - start) / 1_000_000;
        int rejected = MUTATIONS - loaded[0];
        System.out.printf("artifact fuzz: %d mutants in %d ms: %d loaded, %d rejected%n", MUTATIONS, ms, loaded[0], rejected);
        outcomes.forEach((k, v) -> System.out.printf("  %6d  %s%n", v, k));
        System.out.print(runner.report("byte-level artifact fuzz, mutants the reader accepted, loaded and run"));
        assertTrue(runner.failures().isEmpty(), () -> runner.failures().size() + " kinds of failure:\n"
                + String.join("\n", runner.failures().values()));
        assertTrue(runner.outcomes().keySet().stream().anyMatch(k -> k.startsWith("loaded and ran")), "some mutants still run");
        assertTrue(rejected > MUTATIONS / 2, "most mutants are rejected");
        assertTrue(outcomes.size() > 30, "the mutations reach many different checks: " + outcomes.keySet());
    }

    private static LoadedArtifact readViaFile(Path dir, byte[] bytes) throws Exception {
        Path f = dir.resolve("mutant.qat4j");
        Files.write(f, bytes);
        return ArtifactReader.read(f);
    }

    /**
     * Applies one seeded mutation to a copy of the seed artifact.
     *
     * @param s the seed artifact
     * @param seed the random seed
     * @param how receives a description of the mutation
     * @return the mutant
     */
    static byte[] mutate(Seed s, long seed, StringBuilder how) {
        Random r = new Random(seed);
        byte[] b = s.bytes().clone();
        int kind = r.nextInt(8);
        double repair;
        switch (kind) {
            case 0 -> {
                int bit = r.nextInt(b.length * 8);
                b[bit / 8] ^= (byte) (1 << (bit % 8));
                how.append("flip bit ").append(bit % 8).append(" of byte ").append(bit / 8);
                repair = 0.5;
            }
            case 1 -> {
                int n = 2 + r.nextInt(15);
                how.append("flip ").append(n).append(" bits at");
                for (int k = 0; k < n; k++) {
                    int bit = r.nextInt(b.length * 8);
                    b[bit / 8] ^= (byte) (1 << (bit % 8));
                    how.append(' ').append(bit / 8).append('.').append(bit % 8);
                }
                repair = 0.5;
            }
            case 2 -> {
                int n = 1 + r.nextInt(16);
                int at = r.nextInt(b.length);
                how.append("overwrite ").append(n).append(" random bytes at ").append(at);
                for (int k = 0; k < n && at + k < b.length; k++) {
                    b[at + k] = (byte) r.nextInt(256);
                }
                repair = 0.5;
            }
            case 3 -> {
                int n = r.nextInt(b.length);
                how.append("truncate to ").append(n).append(" bytes");
                b = Arrays.copyOf(b, n);
                repair = 0.25;
            }
            case 4 -> {
                int n = 1 + r.nextInt(64);
                how.append("extend by ").append(n).append(" random bytes");
                int old = b.length;
                b = Arrays.copyOf(b, old + n);
                for (int k = old; k < b.length; k++) {
                    b[k] = (byte) r.nextInt(256);
                }
                repair = 0.25;
            }
            case 5 -> {
                TestArtifacts.Field f = s.sizes().get(r.nextInt(s.sizes().size()));
                long v = interesting(r, f, TestArtifacts.get(b, f.offset(), f.width()), b.length, true);
                how.append("inflate ").append(f.name()).append(" to ").append(v);
                TestArtifacts.put(b, f.offset(), v, f.width());
                repair = 0.75;
            }
            case 6 -> {
                TestArtifacts.Field f = s.fields().get(r.nextInt(s.fields().size()));
                long v = interesting(r, f, TestArtifacts.get(b, f.offset(), f.width()), b.length, false);
                how.append("set ").append(f.name()).append(" to ").append(v);
                TestArtifacts.put(b, f.offset(), v, f.width());
                repair = 0.75;
            }
            default -> {
                int n = 1 + r.nextInt(32);
                int from = r.nextInt(b.length);
                int to = r.nextInt(b.length);
                n = Math.min(n, Math.min(b.length - from, b.length - to));
                how.append("copy ").append(n).append(" bytes from ").append(from).append(" to ").append(to);
                System.arraycopy(b, from, b, to, n);
                repair = 0.5;
            }
        }
        if (r.nextDouble() < repair) {
            TestArtifacts.repairCrcs(b);
            how.append(", CRCs repaired");
        }
        return b;
    }

    private static long interesting(Random r, TestArtifacts.Field f, long original, long fileLength, boolean size) {
        switch (f.width()) {
            case 1: {
                int[] v = {0, 1, 2, 3, 4, 5, 9, 31, 32, 33, 127, 128, 255};
                return v[r.nextInt(v.length)];
            }
            case 2: {
                int[] v = {0, 1, 2, 7, 0x7FFF, 0x8000, 0xFFFF};
                return v[r.nextInt(v.length)];
            }
            case 4: {
                long[] v = {0, 1, 2, 8, 9, 0xFFFFFFFFL, 0xFFFFFFFEL, 0x7FFFFFFFL, 0x80000000L, 1L << 28, (1L << 28) + 1, 1 << 20,
                    (1 << 20) + 1, 1_000_000, 1_000_001, fileLength, original + 1, original - 1, original * 2, 65536, 46341};
                return v[r.nextInt(v.length)];
            }
            default: {
                if (!size && r.nextBoolean()) { // a scale
                    double[] d = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, Double.MIN_VALUE,
                        -1, 1e308, 1.0};
                    return Double.doubleToRawLongBits(d[r.nextInt(d.length)]);
                }
                long[] v = {0, 1, 7, 8, 0x7FFFFFFFL, 0x80000000L, 0xFFFFFFFFL, 1L << 32, 1L << 62, Long.MIN_VALUE, Long.MAX_VALUE, -1,
                    -8, fileLength, fileLength + 1, fileLength - 1, fileLength + 8, original + 1, original - 1, original + 8,
                    original - 8, ArtifactFormat.MAX_MANIFEST_BYTES, ArtifactFormat.MAX_MANIFEST_BYTES + 1};
                return v[r.nextInt(v.length)];
            }
        }
    }
}
