package io.qat4j.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: help, exit codes and error messages, without training. */
class Qat4jCommandTest {

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Qat4j.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpListsCommandsAndExitCodes() {
        Run r = run("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("train"), r.out());
        assertTrue(r.out().contains("Exit codes"), r.out());
        Run t = run("train", "--help");
        assertEquals(0, t.code());
        assertTrue(t.out().contains("--set"), t.out());
        assertTrue(t.out().contains("--resume"), t.out());
    }

    @Test
    void unknownOptionIsAUsageError() {
        Run r = run("train", "--no-such-option", "x.yaml");
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.err().contains("--no-such-option"), r.err());
    }

    @Test
    void invalidConfigNamesKeyAndLineAndStartsNothing(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("bad.yaml");
        Files.writeString(cfg, """
                name: bad
                dataset: {name: fashion-mnist}
                model:
                  input: {channels: 1, height: 28, width: 28}
                  layers:
                    - {type: output, classes: 10}
                quantization:
                  weights: {bits: 9}
                output: {dir: '%s'}
                """.formatted(dir));
        Run r = run("train", cfg.toString());
        assertEquals(ExitCodes.USAGE, r.code(), r.err());
        assertTrue(r.err().contains("quantization.weights.bits"), r.err());
        assertTrue(r.err().contains("bad.yaml:8"), r.err());
        assertTrue(!Files.exists(dir.resolve("bad")), "nothing was started");
    }

    @Test
    void badOverrideIsAUsageError(@TempDir Path dir) throws Exception {
        Run r = run("train", "../configs/fashion-mnist-w8a8.yaml", "--set", "training.epohcs=3");
        assertEquals(ExitCodes.USAGE, r.code(), r.err());
        assertTrue(r.err().contains("training.epohcs"), r.err());
        assertTrue(r.err().contains("epochs"), "suggests the right key: " + r.err());
    }

    @Test
    void missingDatasetSaysWhereItLookedAndHowToGetIt(@TempDir Path dir) {
        Run r = run("train", "../configs/fashion-mnist-w8a8.yaml", "--set", "dataset.path=" + dir.resolve("nowhere"),
                "--set", "output.dir=" + dir);
        assertEquals(ExitCodes.DATA_NOT_FOUND, r.code(), r.err());
        assertTrue(r.err().contains("nowhere"), r.err());
    }
}
