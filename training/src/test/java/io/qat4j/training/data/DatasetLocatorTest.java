package io.qat4j.training.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetLocatorTest {

    @TempDir
    Path tmp;

    /** {@code tmp/project} is the working directory; {@code tmp/shared/datasets} the shared folder. */
    Path project;
    Path sharedRoot;
    Path dataRoot;
    Path system;

    @BeforeEach
    void layout() throws IOException {
        project = Files.createDirectories(tmp.resolve("project"));
        sharedRoot = tmp.resolve("shared").resolve("datasets");
        dataRoot = tmp.resolve("data");
        system = tmp.resolve("usr-share-datasets").resolve("fashion-mnist");
    }

    private DatasetLocator locator(Map<String, String> env, Path workingDir) {
        return new DatasetLocator(env, workingDir, Map.of(DatasetLocator.FASHION_MNIST, List.of(system)));
    }

    private static Path mkdirs(Path p) throws IOException {
        return Files.createDirectories(p);
    }

    @Test
    void explicitPathWinsOverEverything() throws IOException {
        Path explicit = mkdirs(tmp.resolve("my-fmnist"));
        mkdirs(dataRoot.resolve("fashion-mnist"));
        mkdirs(sharedRoot.resolve("fashion-mnist"));
        mkdirs(system);
        DatasetLocator loc = locator(Map.of("QAT4J_DATA", dataRoot.toString(),
                "QAT4J_SHARED_DATASETS", sharedRoot.toString()), project);
        assertEquals(explicit, loc.locate("fashion-mnist", explicit));
    }

    @Test
    void relativeExplicitPathIsResolvedAgainstTheWorkingDirectory() throws IOException {
        Path target = mkdirs(project.resolve("data/fm"));
        DatasetLocator loc = locator(Map.of(), project);
        assertEquals(target, loc.locate("fashion-mnist", Path.of("data/fm")));
    }

    @Test
    void missingExplicitPathFailsWithoutFallingBack() throws IOException {
        mkdirs(dataRoot.resolve("fashion-mnist"));
        Path explicit = tmp.resolve("does-not-exist");
        DatasetLocator loc = locator(Map.of("QAT4J_DATA", dataRoot.toString()), project);
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class,
                () -> loc.locate("fashion-mnist", explicit));
        assertEquals(List.of(explicit), e.searched());
        assertTrue(e.getMessage().contains(explicit.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("configured dataset path"), e.getMessage());
        assertEquals(Optional.empty(), loc.find("fashion-mnist", explicit));
    }

    @Test
    void dataRootComesBeforeSharedFolder() throws IOException {
        Path fromEnv = mkdirs(dataRoot.resolve("cora"));
        mkdirs(sharedRoot.resolve("cora"));
        DatasetLocator loc = locator(Map.of("QAT4J_DATA", dataRoot.toString(),
                "QAT4J_SHARED_DATASETS", sharedRoot.toString()), project);
        assertEquals(fromEnv, loc.locate("cora"));
    }

    @Test
    void dataRootWithoutTheDatasetIsAnErrorAndNothingComesFromElsewhere() throws IOException {
        mkdirs(dataRoot.resolve("cora"));
        mkdirs(sharedRoot.resolve("fashion-mnist"));
        mkdirs(system);
        DatasetLocator loc = locator(Map.of("QAT4J_DATA", dataRoot.toString(),
                "QAT4J_SHARED_DATASETS", sharedRoot.toString()), project);
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class, () -> loc.locate("fashion-mnist"));
        String m = e.getMessage();
        assertEquals(List.of(dataRoot.resolve("fashion-mnist")), e.searched());
        assertTrue(m.contains("QAT4J_DATA=" + dataRoot), m);
        assertTrue(m.contains(dataRoot.resolve("fashion-mnist").toString()), m);
        // says what was not searched, and how to search it
        assertTrue(m.contains("unset QAT4J_DATA"), m);
        assertTrue(m.contains(sharedRoot.resolve("fashion-mnist").toString()) && m.contains(system.toString()), m);
        assertEquals(Optional.empty(), loc.find("fashion-mnist", null));
        assertEquals(List.of(dataRoot.resolve("fashion-mnist")),
                loc.candidates("fashion-mnist", null).stream().map(DatasetLocator.Candidate::path).toList());
    }

    @Test
    void theFolderFoundSaysWhyItWasChosen() throws IOException {
        Path fromEnv = mkdirs(dataRoot.resolve("cora"));
        DatasetLocator withRoot = locator(Map.of("QAT4J_DATA", dataRoot.toString()), project);
        assertEquals(new DatasetLocator.Candidate(fromEnv, "QAT4J_DATA=" + dataRoot), withRoot.resolve("cora", null));
        mkdirs(system);
        DatasetLocator.Candidate debian = locator(Map.of(), project).resolve("fashion-mnist", null);
        assertEquals(system, debian.path());
        Path explicit = mkdirs(tmp.resolve("mine"));
        assertTrue(withRoot.resolve("fashion-mnist", explicit).origin().contains("explicit dataset path"));
    }

    @Test
    void sharedFolderEnvTakesPrecedenceOverGuessing() throws IOException {
        Path elsewhere = tmp.resolve("elsewhere").resolve("datasets");
        Path viaEnv = mkdirs(elsewhere.resolve("cora"));
        mkdirs(sharedRoot.resolve("cora")); // would be found by the guess ../shared/datasets
        DatasetLocator loc = locator(Map.of("QAT4J_SHARED_DATASETS", elsewhere.toString()), project);
        assertEquals(viaEnv, loc.locate("cora"));
        assertEquals(List.of(viaEnv), loc.candidates("cora", null).stream().map(DatasetLocator.Candidate::path).toList());
    }

    @Test
    void guessesSharedFolderFromProjectRootAndFromModuleFolder() throws IOException {
        Path shared = mkdirs(sharedRoot.resolve("MUTAG"));
        assertEquals(shared, locator(Map.of(), project).locate("MUTAG"));
        Path module = mkdirs(project.resolve("training"));
        assertEquals(shared, locator(Map.of(), module).locate("MUTAG"));
    }

    @Test
    void systemFolderIsTriedLastAndOnlyForItsDataset() throws IOException {
        mkdirs(system);
        DatasetLocator loc = locator(Map.of(), project);
        assertEquals(system, loc.locate("fashion-mnist"));
        List<DatasetLocator.Candidate> c = loc.candidates("fashion-mnist", null);
        assertEquals(system, c.get(c.size() - 1).path());
        assertFalse(loc.candidates("cora", null).stream().anyMatch(x -> x.path().equals(system)));

        Path shared = mkdirs(sharedRoot.resolve("fashion-mnist"));
        assertEquals(shared, loc.locate("fashion-mnist"));
    }

    @Test
    void candidatesInDocumentedOrder() {
        DatasetLocator loc = locator(Map.of(), project);
        List<Path> paths = loc.candidates("fashion-mnist", null).stream().map(DatasetLocator.Candidate::path).toList();
        assertEquals(List.of(
                tmp.resolve("shared/datasets/fashion-mnist"),
                tmp.getParent().resolve("shared/datasets/fashion-mnist"),
                system), paths);
    }

    @Test
    void blankEnvironmentVariablesCountAsUnset() throws IOException {
        Path shared = mkdirs(sharedRoot.resolve("esol"));
        Map<String, String> env = new HashMap<>();
        env.put("QAT4J_DATA", "  ");
        env.put("QAT4J_SHARED_DATASETS", "");
        DatasetLocator loc = locator(env, project);
        assertEquals(shared, loc.locate("esol"));
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class, () -> loc.locate("sst2"));
        assertTrue(e.getMessage().contains("QAT4J_DATA is not set"), e.getMessage());
    }

    @Test
    void fashionMnistNotFoundMessageListsPlacesAndHowToGetIt() {
        DatasetLocator loc = locator(Map.of("QAT4J_DATA", dataRoot.toString()), project);
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class, () -> loc.locate("fashion-mnist"));
        String m = e.getMessage();
        assertEquals("fashion-mnist", e.datasetName());
        assertEquals(1, e.searched().size());
        for (Path p : e.searched()) {
            assertTrue(m.contains(p.toString()), "lists " + p + ": " + m);
        }
        assertTrue(m.contains("QAT4J_DATA=" + dataRoot), m);
        assertTrue(m.contains("apt-get install dataset-fashion-mnist"), m);
        assertTrue(m.contains("https://github.com/zalandoresearch/fashion-mnist"), m);
        assertTrue(m.contains("train-images-idx3-ubyte"), m);
        assertTrue(m.contains("--set dataset.path="), m);
        assertFalse(m.contains("QAT4J_DATA is not set"), m);
    }

    @Test
    void otherDatasetNotFoundMessageSaysToSetDataRoot() {
        DatasetLocator loc = locator(Map.of(), project);
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class, () -> loc.locate("cora"));
        String m = e.getMessage();
        assertEquals(2, e.searched().size());
        assertTrue(m.contains("set QAT4J_DATA to a folder containing cora/"), m);
        assertTrue(m.contains("QAT4J_DATA is not set"), m);
        assertFalse(m.contains("apt-get"), m);
    }

    @Test
    void rejectsNamesThatAreNotPlainFolderNames() {
        DatasetLocator loc = locator(Map.of(), project);
        for (String bad : List.of("", ".", "..", "a/b", "..\\x")) {
            assertThrows(IllegalArgumentException.class, () -> loc.locate(bad), bad);
        }
    }

    @Test
    void fromEnvironmentKnowsDebiansFashionMnistFolder() {
        List<DatasetLocator.Candidate> c = DatasetLocator.fromEnvironment().candidates("fashion-mnist", null);
        assertEquals(Path.of(DatasetLocator.DEBIAN_FASHION_MNIST_DIR), c.get(c.size() - 1).path());
        assertTrue(c.get(c.size() - 1).origin().contains("dataset-fashion-mnist"));
    }
}
