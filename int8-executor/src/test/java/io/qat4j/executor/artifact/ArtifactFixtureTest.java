package io.qat4j.executor.artifact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Old versions keep loading (DESIGN.md section 5): the committed fixture of format version 1 must
 * load and equal the model it was written from, {@link TestArtifacts#convFc()} (do not change that
 * model; the fixture pins it). Run with {@code -Dqat4j.regenerateFixtures=true} to rewrite the
 * fixture, only when a new version is released or the fixture is missing.
 */
class ArtifactFixtureTest {

    static final String V1 = "artifacts/v1-small.qat4j";

    @Test
    void theVersion1FixtureStillLoads() throws Exception {
        LoadedArtifact expected = TestArtifacts.convFc();
        byte[] bytes;
        if (Boolean.getBoolean("qat4j.regenerateFixtures")) {
            Path source = Path.of(System.getProperty("basedir", ".")).resolve("src/test/resources").resolve(V1);
            if (ArtifactFormat.CURRENT_VERSION == 1) {
                ArtifactWriter.write(expected, source);
                System.out.println("regenerated " + source.toAbsolutePath());
            }
            bytes = Files.readAllBytes(source);
        } else {
            try (InputStream in = ArtifactFixtureTest.class.getClassLoader().getResourceAsStream(V1)) {
                assertNotNull(in, V1 + " is missing; regenerate it with -Dqat4j.regenerateFixtures=true");
                bytes = in.readAllBytes();
            }
        }
        LoadedArtifact a = ArtifactReader.read(bytes);
        assertEquals(1, a.model().formatVersion());
        assertEquals(1, bytes[8]);
        assertEquals(expected, a);
        assertEquals("fashion-mnist", a.model().provenance().get(Provenance.DATASET).orElseThrow());
        assertEquals(10, a.model().tensors().size());
        assertEquals(5, a.model().ops().size());
        if (ArtifactFormat.CURRENT_VERSION == 1) {
            // while version 1 is current, the writer must still produce these exact bytes
            assertArrayEquals(bytes, ArtifactWriter.toBytes(expected));
        }
    }
}
