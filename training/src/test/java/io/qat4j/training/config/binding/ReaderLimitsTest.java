package io.qat4j.training.config.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.training.config.ExperimentConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile configs: the reader's limits (nesting depth, document size, aliases, complex keys) are
 * clear errors at a line, never a {@link StackOverflowError} or parser internals.
 */
class ReaderLimitsTest {

    private static ConfigException reject(String yaml) {
        return assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(ConfigException.class,
                        () -> ExperimentConfigLoader.parse(yaml, "hostile.yaml")));
    }

    private static ConfigProblem only(ConfigException e) {
        assertEquals(1, e.problems().size(), e.getMessage());
        return e.problems().get(0);
    }

    @Test
    void tenThousandNestedFlowSequencesAreAnErrorAtTheirLine() {
        ConfigException e = reject("name: t\nmodel: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n");
        ConfigProblem p = only(e);
        assertEquals(2, p.location().line(), e.getMessage());
        assertTrue(p.message().contains("nested more than " + YamlTreeReader.MAX_DEPTH + " levels deep"),
                e.getMessage());
    }

    private static String blockMapping(int levels) {
        StringBuilder yaml = new StringBuilder("name: t\n");
        for (int i = 0; i < levels; i++) {
            yaml.append(" ".repeat(i)).append("k").append(i).append(":\n");
        }
        return yaml.toString();
    }

    @Test
    void deepBlockMappingIsAnErrorAtTheFirstLineTooDeep() {
        ConfigException e = reject(blockMapping(200));
        ConfigProblem p = only(e);
        // the root mapping (depth 1) starts at line 1; the mapping at depth d >= 2 at line d + 1
        assertEquals(YamlTreeReader.MAX_DEPTH + 2, p.location().line(), e.getMessage());
        assertTrue(p.message().contains("nested more than " + YamlTreeReader.MAX_DEPTH + " levels deep"),
                e.getMessage());
        assertTrue(p.path().startsWith("k0.k1.k2"), p.path());
    }

    /** Indented one space per level, 2,000 levels are 2 million characters: over the size limit. */
    @Test
    void twoThousandLevelMappingIsOneClearError() {
        ConfigException e = reject(blockMapping(2_000));
        ConfigProblem p = only(e);
        assertEquals(1, p.location().line(), e.getMessage());
        assertTrue(p.message().contains("at most " + YamlTreeReader.MAX_DOCUMENT_CHARS + " characters"), e.getMessage());
    }

    @Test
    void twoThousandLevelFlowMappingIsAnErrorAtItsLine() {
        ConfigException e = reject("name: t\ntraining: " + "{a: ".repeat(2_000) + "1" + "}".repeat(2_000) + "\n");
        ConfigProblem p = only(e);
        assertEquals(2, p.location().line(), e.getMessage());
        assertTrue(p.message().contains("levels deep"), e.getMessage());
    }

    @Test
    void deepNestingInAnOverrideIsAnErrorAtTheOverride() {
        String override = "model=" + "[".repeat(5_000);
        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfigLoader.parse(
                "name: t\n", "ok.yaml", List.of(override)));
        assertTrue(e.getMessage().contains("--set " + override.substring(0, 20)), e.getMessage());
        assertTrue(e.getMessage().contains("levels deep"), e.getMessage());
    }

    @Test
    void oversizedDocumentIsRejectedBeforeParsing() {
        String yaml = "name: t\n# " + "x".repeat(YamlTreeReader.MAX_DOCUMENT_CHARS) + "\n";
        ConfigProblem p = only(reject(yaml));
        assertEquals(1, p.location().line());
        assertTrue(p.message().contains("at most " + YamlTreeReader.MAX_DOCUMENT_CHARS + " characters"), p.message());
    }

    @Test
    void oversizedFileIsRejectedWithoutReadingIt(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("big.yaml");
        Files.writeString(big, "name: t\n" + "#".repeat(YamlTreeReader.MAX_DOCUMENT_CHARS * 4 + 10));
        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfigLoader.load(big));
        assertTrue(e.getMessage().contains("at most " + YamlTreeReader.MAX_DOCUMENT_CHARS), e.getMessage());
    }

    /** Billion laughs: anchors are read once, every alias is an error, nothing is expanded. */
    @Test
    void aliasBombIsRejectedWithoutExpansion() {
        StringBuilder yaml = new StringBuilder("name: t\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 10; i++) {
            yaml.append("a").append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 10; j++) {
                yaml.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
            }
            yaml.append("]\n");
        }
        ConfigException e = reject(yaml.toString());
        assertTrue(e.getMessage().contains("hostile.yaml:3:"), e.getMessage());
        assertTrue(e.getMessage().contains("YAML aliases (`*a0`) are not supported"), e.getMessage());
        assertTrue(e.problems().size() <= Problems.MAX_REPORTED + 1, e.getMessage());
    }

    /** Anchors that nest deeper than the limit are stopped by the depth limit like any value. */
    @Test
    void deepAnchoredValueIsStoppedByTheDepthLimit() {
        ConfigException e = reject("name: t\nx: &deep " + "[".repeat(3_000) + "]".repeat(3_000) + "\ny: *deep\n");
        assertTrue(e.getMessage().contains("hostile.yaml:2:"), e.getMessage());
        assertTrue(e.getMessage().contains("levels deep"), e.getMessage());
    }

    @Test
    void complexMappingKeyIsAnErrorAtItsLine() {
        ConfigException e = reject("name: t\nmodel:\n  ? [a, b]\n  : 1\n");
        ConfigProblem p = e.problems().get(0);
        assertEquals(3, p.location().line(), e.getMessage());
        assertEquals("model", p.path(), e.getMessage());
        assertTrue(p.message().contains("mapping keys must be plain scalars"), e.getMessage());
        assertTrue(!e.getMessage().contains("Exception") && !e.getMessage().contains("START_"), e.getMessage());
    }

    @Test
    void complexMappingKeyInFlowStyleIsAnErrorToo() {
        ConfigException e = reject("name: t\ntraining: {? {a: 1}: 2}\n");
        ConfigProblem p = e.problems().get(0);
        assertEquals(2, p.location().line(), e.getMessage());
        assertTrue(p.message().contains("mapping keys must be plain scalars"), e.getMessage());
    }
}
