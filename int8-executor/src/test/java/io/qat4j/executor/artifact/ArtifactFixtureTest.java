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
 * load and equal the model it was written from, {@link TestArtifacts#convFc(int)} of version 1 (do
 * not change that model; the fixture pins it), and the writer still encodes that version-1 model
 * to the same bytes. Run with {@code -Dqat4j.regenerateFixtures=true} to rewrite the fixture, only
 * when it is missing. The fixture's ops use a TFLite-style vocabulary that the executor never ran
 * ({@code ExecutorFixtureTest} checks that loading it fails with a clear error); the runnable
 * version-1 fixture is {@code v1-exported.qat4j}.
 */
class ArtifactFixtureTest {

    static final String V1 = "artifacts/v1-small.qat4j";

    @Test
    void theVersion1FixtureStillLoads() throws Exception {
        LoadedArtifact expected = TestArtifacts.convFc(1);
        byte[] bytes;
        if (Boolean.getBoolean("qat4j.regenerateFixtures")) {
            Path source = Path.of(System.getProperty("basedir", ".")).resolve("src/test/resources").resolve(V1);
            ArtifactWriter.write(expected, source);
            System.out.println("regenerated " + source.toAbsolutePath());
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
        // the writer still encodes a version-1 model to these exact bytes
        assertArrayEquals(bytes, ArtifactWriter.toBytes(expected));
    }
}
