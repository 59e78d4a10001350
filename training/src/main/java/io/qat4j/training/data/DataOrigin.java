package io.qat4j.training.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Where a run's data came from, so that a result can be traced to the bytes it was trained and
 * scored on: the folder read and why it was chosen ({@link DatasetLocator}: an explicit path,
 * {@code QAT4J_DATA}, the shared folder, a system package), each data file with its size and
 * SHA-256 (FIPS 180-4, the digest {@code sha256sum} prints), the examples of each split and the
 * classes. A run prints it at start and records it in {@code metrics.json}, {@code report.json}
 * and the artifact's provenance ({@link #toJson()}).
 *
 * @param dataset the dataset as the config names it, e.g. {@code fashion-mnist} or a folder
 * @param folder the folder the files were read from, absolute; empty for data given in memory
 * @param foundBy why that folder, e.g. {@code QAT4J_DATA=/data} or {@code Debian package dataset-fashion-mnist}
 * @param files the data files, in reading order
 * @param examples examples per split, in the order {@code training}, {@code validation}, {@code test}
 * @param classes classes of a classification dataset, empty for regression
 */
public record DataOrigin(String dataset, Optional<Path> folder, String foundBy, List<DataFile> files,
                         Map<String, Integer> examples, OptionalInt classes) {

    /** Split name of the training examples. */
    public static final String TRAINING = "training";
    /** Split name of the held-out validation examples. */
    public static final String VALIDATION = "validation";
    /** Split name of the test examples. */
    public static final String TEST = "test";

    /**
     * One data file.
     *
     * @param name its path relative to the dataset folder, or absolute when it lies outside
     * @param bytes its size
     * @param sha256 SHA-256 of its bytes, 64 lower-case hex digits
     */
    public record DataFile(String name, long bytes, String sha256) {

        /** Checks the components. */
        public DataFile {
            Objects.requireNonNull(name, "name");
            if (bytes < 0 || !sha256.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("bad data file entry " + name + ": " + bytes + " bytes, sha256 " + sha256);
            }
        }

        /**
         * Reads a file once to take its size and SHA-256.
         *
         * @param folder the dataset folder, which names are relative to
         * @param file the file
         * @return the entry
         * @throws IOException naming the file when it cannot be read
         */
        public static DataFile of(Path folder, Path file) throws IOException {
            MessageDigest sha;
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java platform provides SHA-256", e);
            }
            long bytes = 0;
            byte[] buf = new byte[1 << 16];
            try (InputStream in = Files.newInputStream(file)) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    sha.update(buf, 0, n);
                    bytes += n;
                }
            } catch (IOException e) {
                throw new IOException(file + ": cannot read to take its SHA-256: " + e.getMessage(), e);
            }
            Path abs = file.toAbsolutePath().normalize();
            Path dir = folder.toAbsolutePath().normalize();
            String name = abs.startsWith(dir) ? dir.relativize(abs).toString() : abs.toString();
            return new DataFile(name, bytes, HexFormat.of().formatHex(sha.digest()));
        }
    }

    /** Checks the components and copies the collections. */
    public DataOrigin {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(foundBy, "foundBy");
        Objects.requireNonNull(classes, "classes");
        files = List.copyOf(files);
        examples = Collections.unmodifiableMap(new LinkedHashMap<>(examples));
    }

    /**
     * The origin of data a caller built in memory (a test's subset): no folder, no files.
     *
     * @param dataset what the data is
     * @param examples examples per split
     * @param classes classes, empty for regression
     * @return the origin
     */
    public static DataOrigin inMemory(String dataset, Map<String, Integer> examples, OptionalInt classes) {
        return new DataOrigin(dataset, Optional.empty(), "given in memory by the caller", List.of(), examples, classes);
    }

    /**
     * @param training training examples
     * @param validation validation examples, 0 for none
     * @param test test examples
     * @return the examples per split in the order of {@link #examples()}, without an empty validation split
     */
    public static Map<String, Integer> splits(int training, int validation, int test) {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put(TRAINING, training);
        if (validation > 0) {
            m.put(VALIDATION, validation);
        }
        m.put(TEST, test);
        return m;
    }

    /**
     * @param splits examples per split after a validation split was held out
     * @return this origin with those counts
     */
    public DataOrigin withExamples(Map<String, Integer> splits) {
        return new DataOrigin(dataset, folder, foundBy, files, splits, classes);
    }

    /**
     * What a run prints at start, e.g.
     * <pre>
     * data: fashion-mnist from /usr/share/datasets/fashion-mnist (Debian package dataset-fashion-mnist)
     *   60000 training, 10000 test examples, 10 classes
     *   train-images-idx3-ubyte.gz  26421856 bytes  sha256 b0564c3e...
     * </pre>
     *
     * @return the lines, joined with newlines
     */
    public String describe() {
        StringBuilder counts = new StringBuilder();
        for (Map.Entry<String, Integer> e : examples.entrySet()) {
            counts.append(counts.length() == 0 ? "" : ", ").append(e.getValue()).append(' ').append(e.getKey());
        }
        counts.append(" examples");
        classes.ifPresent(c -> counts.append(", ").append(c).append(" classes"));
        String source = source();
        int firstLine = source.indexOf('\n');
        return firstLine < 0 ? "data: " + source + "\n  " + counts
                : "data: " + source.substring(0, firstLine) + "\n  " + counts + source.substring(firstLine);
    }

    /**
     * @return where the data came from, without the counts: the dataset, its folder and why that
     *     folder, then one indented line per file with its size and SHA-256
     */
    public String source() {
        StringBuilder b = new StringBuilder().append(dataset).append(" from ")
                .append(folder.map(Path::toString).orElse("memory")).append(" (").append(foundBy).append(")");
        for (DataFile f : files) {
            b.append(String.format(Locale.ROOT, "%n  %s  %d bytes  sha256 %s", f.name(), f.bytes(), f.sha256()));
        }
        return b.toString();
    }

    /**
     * @return the origin as the JSON object of the {@code data} key of {@code metrics.json} and
     *     {@code report.json}, and of the artifact's provenance entry {@code data.origin}
     */
    public ObjectNode toJson() {
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("dataset", dataset);
        n.put("folder", folder.map(Path::toString).orElse(null));
        n.put("foundBy", foundBy);
        ArrayNode fs = n.putArray("files");
        for (DataFile f : files) {
            fs.addObject().put("name", f.name()).put("bytes", f.bytes()).put("sha256", f.sha256());
        }
        ObjectNode ex = n.putObject("examples");
        examples.forEach(ex::put);
        if (classes.isPresent()) {
            n.put("classes", classes.getAsInt());
        }
        return n;
    }
}
