package io.qat4j.training.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class RequiresDataTest {

    @TempDir
    Path tmp;

    @Test
    void returnsTheFolderWhenPresent() throws IOException {
        Path cora = Files.createDirectories(tmp.resolve("root/cora"));
        DatasetLocator loc = new DatasetLocator(Map.of("QAT4J_DATA", tmp.resolve("root").toString()), tmp, Map.of());
        assertEquals(cora, RequiresData.require(loc, "cora"));
    }

    @Test
    void missingDatasetSkipsOrFailsDependingOnQat4jRequireData() {
        Path missing = tmp.resolve("nowhere");
        DatasetLocator loc = new DatasetLocator(Map.of(), tmp,
                Map.of("no-such-dataset", List.of(missing)));
        Class<? extends Throwable> expected = DataRequirement.dataMustBePresent()
                ? AssertionFailedError.class : TestAbortedException.class;
        Throwable t = assertThrows(expected, () -> RequiresData.require(loc, "no-such-dataset"));
        assertTrue(t.getMessage().contains("no-such-dataset"), t.getMessage());
        assertTrue(t.getMessage().contains(missing.toString()), t.getMessage());
    }
}
