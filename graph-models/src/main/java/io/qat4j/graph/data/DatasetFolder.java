package io.qat4j.graph.data;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Finds a dataset's files in its folder by name, for the loaders. */
final class DatasetFolder {

    private final Path folder;
    private final List<Path> files = new ArrayList<>();

    /**
     * @param folder the dataset's folder
     * @throws IOException when it does not exist or is not a folder
     */
    DatasetFolder(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            throw new NoSuchFileException(folder.toString(), null, "dataset folder not found");
        }
        if (!Files.isDirectory(folder)) {
            throw new NotDirectoryException(folder + " (a dataset is read from a folder)");
        }
        this.folder = folder;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path p : entries) {
                if (Files.isRegularFile(p)) {
                    files.add(p);
                }
            }
        }
        files.sort(null);
    }

    /** @return the folder */
    Path path() {
        return folder;
    }

    /**
     * @param suffix the end of the file name, e.g. {@code .content}
     * @return the files whose names end with it, sorted by name
     */
    List<Path> endingWith(String suffix) {
        List<Path> out = new ArrayList<>();
        for (Path p : files) {
            if (p.getFileName().toString().endsWith(suffix)) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * @param suffix the end of the file name
     * @param what what the file holds, for the message
     * @return the one file whose name ends with it
     * @throws IOException when there is none ({@link NoSuchFileException}) or more than one
     */
    Path single(String suffix, String what) throws IOException {
        return optional(suffix, what).orElseThrow(() -> new NoSuchFileException(folder.resolve("*" + suffix).toString(),
                null, "no " + what + " (a file named *" + suffix + ") in the dataset folder"));
    }

    /**
     * @param suffix the end of the file name
     * @param what what the file holds, for the message
     * @return the file whose name ends with it, or empty when there is none
     * @throws IOException when there is more than one
     */
    Optional<Path> optional(String suffix, String what) throws IOException {
        List<Path> found = endingWith(suffix);
        if (found.size() > 1) {
            throw new IOException(folder + ": more than one " + what + " (*" + suffix + "): " + names(found)
                    + "; a dataset folder holds one dataset");
        }
        return found.stream().findFirst();
    }

    /**
     * @param name a file name
     * @return that file of the folder, when it exists
     */
    Optional<Path> named(String name) {
        Path p = folder.resolve(name);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    /**
     * @param name a file name
     * @param what what the file holds, for the message
     * @return that file of the folder
     * @throws NoSuchFileException when it does not exist
     */
    Path required(String name, String what) throws NoSuchFileException {
        return named(name).orElseThrow(() -> new NoSuchFileException(folder.resolve(name).toString(), null,
                "missing " + what));
    }

    /**
     * @param file a file found by its suffix
     * @param suffix that suffix
     * @return the file name without it: the dataset's name in most formats
     */
    static String stem(Path file, String suffix) {
        String name = file.getFileName().toString();
        return name.substring(0, name.length() - suffix.length());
    }

    static String names(List<Path> paths) {
        List<String> names = new ArrayList<>();
        for (Path p : paths) {
            names.add(p.getFileName().toString());
        }
        return String.join(", ", names);
    }
}
