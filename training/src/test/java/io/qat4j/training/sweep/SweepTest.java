package io.qat4j.training.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.data.graph.SyntheticLinqs;
import io.qat4j.training.train.GnnRunTestConfigs;
import io.qat4j.training.train.LocalTrainer;
import io.qat4j.training.train.RunOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep over seeds and folds of a tiny GCN config: one folder per run, the fold set through an
 * override ({@code training.logEverySteps} stands in for {@code dataset.fold}, which no format of
 * this version has), finished runs skipped, interrupted ones resumed, and the summary's mean and
 * sample standard deviation recomputed from the runs' own {@code metrics.json}.
 */
class SweepTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Trained(String name, boolean resume) {
    }

    private static Path config(Path dir) throws Exception {
        Path data = SyntheticLinqs.write(dir.resolve("toy"));
        Path file = dir.resolve("toy.yaml");
        Files.writeString(file, GnnRunTestConfigs.yaml(data, dir.resolve("runs"),
                GnnRunTestConfigs.ADAM + "  epochs: 3\n  select: best-validation-loss"), StandardCharsets.UTF_8);
        return file;
    }

    private static Sweep.RunTrainer recording(List<Trained> trained, long maxSteps) {
        return (cfg, resume) -> {
            trained.add(new Trained(cfg.name(), resume));
            new LocalTrainer().train(cfg, new RunOptions(resume, null, false, List.of(), maxSteps, false));
        };
    }

    @Test
    void runsEverySeedAndFoldInItsFolderAndAggregatesThem(@TempDir Path dir) throws Exception {
        Path file = config(dir);
        Sweep sweep = new Sweep(file, List.of("training.epochs=2"),
                new SweepPlan(List.of(1L, 2L), List.of(3, 4)), "training.logEverySteps");
        List<Trained> trained = new ArrayList<>();
        List<String> log = new ArrayList<>();
        SweepSummary s = sweep.run(recording(trained, -1), log::add);

        List<String> names = List.of("toy-gcn-s1-f3", "toy-gcn-s1-f4", "toy-gcn-s2-f3", "toy-gcn-s2-f4");
        assertEquals(names, trained.stream().map(Trained::name).toList());
        List<Sweep.Run> runs = sweep.runs(sweep.base());
        for (int i = 0; i < runs.size(); i++) {
            ExperimentConfig c = runs.get(i).config();
            assertEquals(i < 2 ? 1 : 2, c.seed());
            assertEquals(i % 2 == 0 ? 3 : 4, c.training().logEverySteps(), "the fold's override");
            assertEquals(2, c.training().epochs(), "the sweep's --set reaches every run");
            assertEquals(dir.resolve("runs").resolve(names.get(i)), c.runDirectory());
        }
        // the summary against the runs' own metrics.json
        List<Double> accuracies = new ArrayList<>();
        for (String n : names) {
            JsonNode m = JSON.readTree(dir.resolve("runs").resolve(n).resolve("metrics.json").toFile());
            accuracies.add(m.get("testAccuracy").asDouble());
            assertEquals(n, s.runs().get(accuracies.size() - 1).run());
            assertEquals(m.get("testAccuracy").asDouble(),
                    s.runs().get(accuracies.size() - 1).figures().get("testAccuracy"), 0.0);
            assertEquals(m.get("selected").get("epoch").asDouble() + 1,
                    s.runs().get(accuracies.size() - 1).figures().get("selectedEpoch"), 0.0);
        }
        double mean = accuracies.stream().mapToDouble(Double::doubleValue).sum() / 4;
        double ss = accuracies.stream().mapToDouble(a -> (a - mean) * (a - mean)).sum();
        assertEquals(mean, s.aggregate().get("testAccuracy").mean(), 1e-12);
        assertEquals(Math.sqrt(ss / 3), s.aggregate().get("testAccuracy").std(), 1e-12);
        assertEquals(4, s.aggregate().get("secondsPerEpoch").n());

        Path folder = dir.resolve("runs").resolve("toy-gcn-sweep");
        JsonNode json = JSON.readTree(folder.resolve(SweepSummary.JSON_FILE).toFile());
        assertEquals(MeanStd.DEFINITION, json.get("std").asText());
        assertEquals("FP32", json.get("testScoreOf").asText());
        assertEquals(4, json.get("runs").size());
        assertEquals(3, json.get("runs").get(2).get("fold").asInt());
        assertEquals(mean, json.get("aggregate").get("testAccuracy").get("mean").asDouble(), 1e-12);
        String md = Files.readString(folder.resolve(SweepSummary.MARKDOWN_FILE), StandardCharsets.UTF_8);
        assertTrue(md.contains("sample standard deviation (n-1)"), md);
        assertTrue(md.contains("| toy-gcn-s2-f4 | 2 | 4 |"), md);
        assertTrue(md.contains("| **mean ± std** |"), md);

        // a second sweep finds every run finished and trains nothing
        trained.clear();
        SweepSummary again = sweep.run(recording(trained, -1), log::add);
        assertEquals(List.of(), trained);
        assertEquals(s, again);
    }

    @Test
    void anInterruptedRunIsResumedAndAFinishedOneSkipped(@TempDir Path dir) throws Exception {
        Path file = config(dir);
        Sweep sweep = new Sweep(file, List.of(), new SweepPlan(List.of(7L, 8L), List.of()), Sweep.FOLD_KEY);
        List<Trained> trained = new ArrayList<>();
        // the first sweep is interrupted: each run stops after 2 of its 3 steps
        sweep.run(recording(trained, 2), line -> { });
        trained.clear();
        List<String> log = new ArrayList<>();
        SweepSummary s = sweep.run(recording(trained, -1), log::add);
        assertEquals(List.of(new Trained("toy-gcn-s7", true), new Trained("toy-gcn-s8", true)), trained);
        assertTrue(log.get(0).contains("resuming at step 2"), log.toString());
        assertEquals(OptionalInt.empty(), s.runs().get(0).fold());
        assertEquals(2, s.aggregate().get("testAccuracy").n());
    }

    @Test
    void listsAreParsedAsTheCommandLineWritesThem() {
        assertEquals(List.of(0L, 1L, 2L, 7L), SweepPlan.parseSeeds("0-2,7", "--seeds"));
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), SweepPlan.parseFolds("0-9", "--folds"));
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> SweepPlan.parseSeeds("1,2,1", "--seeds"));
        assertEquals("--seeds: 1 is listed twice in '1,2,1'", twice.getMessage());
        IllegalArgumentException reversed = assertThrows(IllegalArgumentException.class,
                () -> SweepPlan.parseFolds("5-2", "--folds"));
        assertTrue(reversed.getMessage().startsWith("--folds: '5-2' in '5-2' is not a range"), reversed.getMessage());
        IllegalArgumentException word = assertThrows(IllegalArgumentException.class,
                () -> SweepPlan.parseSeeds("1,x", "--seeds"));
        assertTrue(word.getMessage().startsWith("--seeds: 'x' in '1,x' is not a number"), word.getMessage());
        assertEquals(List.of(new SweepPlan.Member(4, OptionalInt.empty())),
                new SweepPlan(List.of(), List.of()).members(4), "the config's seed without --seeds");
    }

    @Test
    void sampleStandardDeviationDividesByNMinusOne() {
        // eight values with mean 5 and squared deviations summing to 32
        MeanStd m = MeanStd.of(List.of(2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0));
        assertEquals(5.0, m.mean(), 0.0);
        assertEquals(Math.sqrt(32.0 / 7), m.std(), 1e-15);
        assertTrue(Double.isNaN(MeanStd.of(List.of(3.0)).std()));
    }
}
