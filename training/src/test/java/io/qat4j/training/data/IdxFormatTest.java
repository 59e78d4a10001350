package io.qat4j.training.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.training.config.DatasetConfig;
import io.qat4j.training.config.ExperimentConfigLoader;
import io.qat4j.training.data.IdxFormat.IdxFileNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code idx} dataset format reads any IDX image classification dataset from a folder. */
class IdxFormatTest {

    private static final DatasetLocator NO_ENVIRONMENT = new DatasetLocator(Map.of(), Path.of("."), Map.of());

    private static DatasetConfig byPath(Path dir, IdxFileNames names) {
        return new DatasetConfig(Optional.empty(), IdxFormat.NAME, Optional.of(dir), 0.0, names);
    }

    @Test
    void readsShapeAndClassesFromTheFilesGzippedOrNot(@TempDir Path dir) throws Exception {
        SyntheticIdx.folder(dir, 1, 8);
        ImageSplits d = (ImageSplits) DatasetFormats.load(byPath(dir, IdxFileNames.MNIST_NAMES), NO_ENVIRONMENT);
        assertEquals(new ImageSignature(1, 8, 8, 3), d.signature());
        assertEquals(240, d.train().count());
        assertEquals(90, d.test().count());
        assertEquals(SyntheticIdx.images(240, 1, 8, 1), d.train());
        assertEquals(SyntheticIdx.images(90, 1, 8, 2), d.test());
        assertEquals(dir.resolve("train-images-idx3-ubyte.gz").toAbsolutePath(), d.source().toAbsolutePath());
    }

    @Test
    void rank4ImagesHaveChannelsAndExplicitFileNamesAreRead(@TempDir Path dir) throws Exception {
        ImageDataset train = SyntheticIdx.images(30, 3, 5, 3);
        ImageDataset test = SyntheticIdx.images(12, 3, 5, 4);
        SyntheticIdx.write(train, dir.resolve("tr-x.idx"), dir.resolve("sub/tr-y.idx"), false);
        SyntheticIdx.write(test, dir.resolve("te-x.idx.gz"), dir.resolve("te-y.idx"), true);
        IdxFileNames names = new IdxFileNames("tr-x.idx", "sub/tr-y.idx", "te-x.idx", "te-y.idx");
        ImageSplits d = (ImageSplits) DatasetFormats.load(byPath(dir, names), NO_ENVIRONMENT);
        assertEquals(new ImageSignature(3, 5, 5, 3), d.signature());
        assertEquals(train, d.train());
        assertEquals(test, d.test());
    }

    @Test
    void classCountCoversTheLabelsOfBothSplits(@TempDir Path dir) throws Exception {
        byte[] pixels = new byte[4 * 2 * 2];
        IdxFiles.write(dir.resolve("a"), IdxFiles.ubyte(pixels, 4, 2, 2));
        IdxFiles.write(dir.resolve("b"), IdxFiles.ubyte(new byte[] {0, 1, 1, 0}, 4));
        IdxFiles.write(dir.resolve("c"), IdxFiles.ubyte(pixels, 4, 2, 2));
        IdxFiles.write(dir.resolve("d"), IdxFiles.ubyte(new byte[] {0, 4, 1, 0}, 4));
        ImageSplits d = (ImageSplits) DatasetFormats.load(byPath(dir, new IdxFileNames("a", "b", "c", "d")),
                NO_ENVIRONMENT);
        assertEquals(5, d.train().numClasses());
        assertEquals(5, d.test().numClasses());
    }

    @Test
    void malformedDatasetsNameTheFile(@TempDir Path dir) throws Exception {
        IdxFiles.write(dir.resolve("x"), IdxFiles.ubyte(new byte[6], 6));
        IdxFiles.write(dir.resolve("y"), IdxFiles.ubyte(new byte[3], 3));
        IdxFormatException rank = assertThrows(IdxFormatException.class,
                () -> IdxFormat.loadSplit(dir.resolve("x"), dir.resolve("y")));
        assertTrue(rank.getMessage().contains("rank 3 [count, height, width] or 4"), rank.getMessage());
        IdxFiles.write(dir.resolve("x"), IdxFiles.ubyte(new byte[8], 2, 2, 2));
        IdxFormatException count = assertThrows(IdxFormatException.class,
                () -> IdxFormat.loadSplit(dir.resolve("x"), dir.resolve("y")));
        assertTrue(count.getMessage().contains("holds 3 labels but " + dir.resolve("x") + " holds 2 images"),
                count.getMessage());
    }

    @Test
    void trainingAndTestImagesMustAgree(@TempDir Path dir) throws Exception {
        SyntheticIdx.write(SyntheticIdx.images(9, 1, 6, 1), dir.resolve("a"), dir.resolve("b"), false);
        SyntheticIdx.write(SyntheticIdx.images(9, 1, 7, 1), dir.resolve("c"), dir.resolve("d"), false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DatasetFormats.load(
                byPath(dir, new IdxFileNames("a", "b", "c", "d")), NO_ENVIRONMENT));
        assertTrue(e.getMessage().contains("training and test images differ"), e.getMessage());
    }

    @Test
    void missingFilesAndFoldersAreNotFoundErrors(@TempDir Path dir) throws Exception {
        DatasetNotFoundException file = assertThrows(DatasetNotFoundException.class,
                () -> DatasetFormats.load(byPath(dir, IdxFileNames.MNIST_NAMES), NO_ENVIRONMENT));
        assertEquals(java.util.List.of(dir.resolve("train-images-idx3-ubyte"),
                dir.resolve("train-images-idx3-ubyte.gz")), file.searched());
        Path missing = dir.resolve("nope");
        DatasetNotFoundException folder = assertThrows(DatasetNotFoundException.class,
                () -> DatasetFormats.load(byPath(missing, IdxFileNames.MNIST_NAMES), NO_ENVIRONMENT));
        assertTrue(folder.getMessage().contains(missing + " (dataset.path) is not an existing folder"),
                folder.getMessage());
        assertTrue(Files.isDirectory(dir));
    }

    @Test
    void fashionMnistIsKnownByNameInTheIdxFormat() {
        DatasetFormats.Named named = DatasetFormats.named("fashion-mnist").orElseThrow();
        assertEquals(IdxFormat.NAME, named.format().name());
        assertEquals(Optional.of(new ImageSignature(1, 28, 28, 10)), named.dataset().signature());
        assertEquals(java.util.List.of("idx", "planetoid", "tu", "gin-text", "smiles-csv"), DatasetFormats.names());
    }
    @Test
    void theLoadedDataSaysWhereItCameFrom(@TempDir Path dir) throws Exception {
        Path folder = SyntheticIdx.folder(dir.resolve("bars"), 1, 8).toAbsolutePath();
        ImageSplits d = (ImageSplits) DatasetFormats.load(byPath(folder, IdxFileNames.MNIST_NAMES), NO_ENVIRONMENT);
        DataOrigin o = d.origin();
        assertEquals(Optional.of(folder), o.folder());
        assertEquals("dataset.path in the configuration", o.foundBy());
        List<String> names = List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");
        assertEquals(names, o.files().stream().map(DataOrigin.DataFile::name).toList());
        for (DataOrigin.DataFile f : o.files()) {
            assertEquals(IdxFiles.sha256(folder.resolve(f.name())), f.sha256(), f.name());
            assertEquals(Files.size(folder.resolve(f.name())), f.bytes(), f.name());
        }
        Map<String, Integer> examples = new LinkedHashMap<>();
        examples.put("training", 240);
        examples.put("test", 90);
        assertEquals(examples, o.examples());
        assertEquals(java.util.OptionalInt.of(3), o.classes());

        // the split the run trains on: the validation examples are held out of the training ones
        TaskData t = TaskDataLoader.load(ExperimentConfigLoader.parse("""
                name: bars
                dataset: {format: idx, path: '%s', validationFraction: 0.25}
                model:
                  input: {channels: 1, height: 8, width: 8}
                  layers: [{type: output, classes: 3}]
                """.formatted(folder), "bars.yaml"), NO_ENVIRONMENT);
        assertEquals(List.of("training", "validation", "test"), List.copyOf(t.origin().examples().keySet()));
        assertEquals(180 + 60, t.origin().examples().get("training") + t.origin().examples().get("validation"));
        assertEquals(o.files(), t.origin().files());
        String printed = t.origin().describe();
        assertTrue(printed.contains(folder.toString()) && printed.contains("dataset.path in the configuration"), printed);
        for (String name : names) {
            assertTrue(printed.contains(name) && printed.contains(IdxFiles.sha256(folder.resolve(name))), printed);
        }
        assertTrue(printed.contains("3 classes") && printed.contains("90 test"), printed);
    }

    @Test
    void aNamedDatasetSaysWhichPlaceOfTheSearchItCameFrom(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("root");
        SyntheticIdx.folder(root.resolve("fashion-mnist"), 1, 8);
        DatasetLocator withRoot = new DatasetLocator(Map.of("QAT4J_DATA", root.toString()), dir, Map.of());
        DatasetConfig named = new DatasetConfig(Optional.of("fashion-mnist"), IdxFormat.NAME, Optional.empty(), 0.0,
                IdxFileNames.MNIST_NAMES);
        DataOrigin o = DatasetFormats.load(named, withRoot).origin();
        assertEquals(Optional.of(root.resolve("fashion-mnist").toAbsolutePath()), o.folder());
        assertEquals("QAT4J_DATA=" + root, o.foundBy());
        assertEquals("fashion-mnist", o.dataset());
    }
}
