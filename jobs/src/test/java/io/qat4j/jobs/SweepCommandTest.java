package io.qat4j.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code qat4j sweep}: its arguments, and a sweep of two seeds of a tiny GCN through the command line. */
class SweepCommandTest {

    /**
     * Writes a LINQS dataset of 2 classes of 6 papers, each citing the next of its class in a ring,
     * with its class as its only word; 2 training, 2 validation and 2 test papers per class.
     */
    private static Path linqs(Path folder) throws Exception {
        Files.createDirectories(folder);
        List<String> content = new ArrayList<>();
        List<String> cites = new ArrayList<>();
        List<String> split = new ArrayList<>(List.of("planetoid_index\tlinqs_paper_id\tsplit\tlabel"));
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < 6; i++) {
                content.add("p" + c + "_" + i + "\t" + (c == 0 ? "1\t0" : "0\t1") + "\tc" + c);
                cites.add("p" + c + "_" + ((i + 1) % 6) + "\tp" + c + "_" + i);
                split.add((content.size() - 1) + "\tp" + c + "_" + i + "\t" + (i < 2 ? "train" : i < 4 ? "val" : "test")
                        + "\tc" + c);
            }
        }
        Files.write(folder.resolve("tiny.content"), content);
        Files.write(folder.resolve("tiny.cites"), cites);
        Files.write(folder.resolve("tiny_split.tsv"), split);
        return folder;
    }

    private static Path config(Path dir) throws Exception {
        Path data = linqs(dir.resolve("tiny"));
        Path cfg = dir.resolve("tiny.yaml");
        Files.writeString(cfg, """
                name: tiny
                dataset: {format: planetoid, path: '%s'}
                model:
                  family: gnn
                  features: 2
                  layers: [{type: gcn, units: 4, activation: relu}]
                  output: {classes: 2}
                training: {epochs: 2, select: best-validation-loss}
                output: {dir: '%s', tensorboard: false}
                """.formatted(data, dir.resolve("runs")));
        return cfg;
    }

    @Test
    void sweepsTwoSeedsIntoTheirFoldersAndSummarizesThem(@TempDir Path dir) throws Exception {
        Path cfg = config(dir);
        Qat4jCommandTest.Run r = Qat4jCommandTest.run("sweep", cfg.toString(), "--seeds", "3-4", "--quiet",
                "--set", "training.epochs=3");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertTrue(Files.exists(dir.resolve("runs/tiny-s3/model.zip")));
        assertTrue(Files.exists(dir.resolve("runs/tiny-s4/model.zip")));
        JsonNode sweep = new ObjectMapper().readTree(dir.resolve("runs/tiny-sweep/sweep.json").toFile());
        assertEquals(2, sweep.get("runs").size());
        assertEquals(4, sweep.get("runs").get(1).get("seed").asInt());
        assertEquals(2, sweep.get("aggregate").get("testAccuracy").get("n").asInt());
        assertEquals(List.of("training.epochs=3"), List.of(sweep.get("overrides").get(0).asText()));
        JsonNode metrics = new ObjectMapper().readTree(dir.resolve("runs/tiny-s3/metrics.json").toFile());
        assertEquals(3, metrics.get("epochs").size(), "the --set reached the run");
    }

    @Test
    void argumentsTheSweepCannotUseAreUsageErrors(@TempDir Path dir) throws Exception {
        Path cfg = config(dir);
        Qat4jCommandTest.Run none = Qat4jCommandTest.run("sweep", cfg.toString());
        assertEquals(ExitCodes.USAGE, none.code());
        assertTrue(none.err().contains("give --seeds, --folds or both"), none.err());
        Qat4jCommandTest.Run bad = Qat4jCommandTest.run("sweep", cfg.toString(), "--seeds", "1,,2");
        assertEquals(ExitCodes.USAGE, bad.code());
        assertTrue(bad.err().contains("--seeds: '' in '1,,2' is not a number"), bad.err());
        Qat4jCommandTest.Run seed = Qat4jCommandTest.run("sweep", cfg.toString(), "--seeds", "1", "--set", "seed=9");
        assertEquals(ExitCodes.USAGE, seed.code());
        assertTrue(seed.err().contains("--set seed=9: the sweep sets `seed` in each run"), seed.err());
        Qat4jCommandTest.Run fold = Qat4jCommandTest.run("sweep", cfg.toString(), "--folds", "0-1");
        assertEquals(ExitCodes.USAGE, fold.code(), "dataset.fold is not a key of the planetoid format");
        assertTrue(fold.err().contains("dataset.fold"), fold.err());
        assertFalse(Files.exists(dir.resolve("runs")), "nothing trained");
    }
}
