package io.qat4j.training.data;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Resolves the folder where a named dataset lives, following the data layout of DESIGN.md
 * section 6 ("Data: loaders take a path; {@code QAT4J_DATA} names a root folder holding datasets
 * by name").
 *
 * <p>Search order for {@link #locate(String, Path) locate(name, explicitPath)}:
 * <ol>
 *   <li>the explicit path, when one is given (from the experiment config, e.g.
 *       {@code --set dataset.path=...}); relative paths are resolved against the working
 *       directory. An explicit path is authoritative: when it is not an existing folder the
 *       search stops there with a {@link DatasetNotFoundException}, rather than silently training
 *       on data from somewhere else;</li>
 *   <li>{@code $QAT4J_DATA/<name>} when the environment variable {@value #DATA_ROOT_ENV} is
 *       set. It is authoritative too: a user who points {@code QAT4J_DATA} at a folder expects the
 *       data to come from there, so when it lacks the dataset the search stops with a
 *       {@link DatasetNotFoundException} that names the folder searched and the default places
 *       that unsetting {@code QAT4J_DATA} would search;</li>
 *   <li>the shared datasets folder {@code ../shared/datasets/<name>} that sits beside the project
 *       in development and CI: {@code $QAT4J_SHARED_DATASETS/<name>} when
 *       {@value #SHARED_DATASETS_ENV} is set (the Maven Surefire configuration sets it to the
 *       absolute {@code <project>/../shared/datasets}); otherwise the guesses
 *       {@code <workdir>/../shared/datasets/<name>} and
 *       {@code <workdir>/../../shared/datasets/<name>} (run from the project root or from a
 *       module folder);</li>
 *   <li>system folders registered for the name; by default Debian's
 *       {@value #DEBIAN_FASHION_MNIST_DIR} (package {@code dataset-fashion-mnist}) for
 *       {@value #FASHION_MNIST}.</li>
 * </ol>
 * The first candidate that is an existing folder wins. Empty environment variables count as
 * unset.
 *
 * <p>The environment is injected (environment variables, working directory, system folders) so
 * that the precedence can be tested; {@link #fromEnvironment()} uses the real process
 * environment. Instances are immutable and thread-safe.
 */
public final class DatasetLocator {

    /** Environment variable naming a root folder that holds datasets by name. */
    public static final String DATA_ROOT_ENV = "QAT4J_DATA";

    /** Environment variable with the absolute path of the shared datasets folder. */
    public static final String SHARED_DATASETS_ENV = "QAT4J_SHARED_DATASETS";

    /** Name of the Fashion-MNIST dataset (Xiao et al. 2017). */
    public static final String FASHION_MNIST = "fashion-mnist";

    /** Where Debian's package {@code dataset-fashion-mnist} installs the IDX files. */
    public static final String DEBIAN_FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

    /** Shared datasets folder relative to a working directory, tried in this order. */
    private static final List<String> SHARED_GUESSES =
            List.of("../shared/datasets", "../../shared/datasets");

    private static final String FASHION_MNIST_REPOSITORY =
            "https://github.com/zalandoresearch/fashion-mnist";

    /**
     * A place that is tried (or the folder chosen), and why.
     *
     * @param path absolute, normalized folder path
     * @param origin where the path came from, e.g. {@code QAT4J_DATA=/data}
     */
    public record Candidate(Path path, String origin) {
        /**
         * @param path absolute, normalized folder path
         * @param origin where the path came from
         */
        public Candidate {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(origin, "origin");
        }

        @Override
        public String toString() {
            return path + " (" + origin + ")";
        }
    }

    private final Map<String, String> env;
    private final Path workingDir;
    private final Map<String, List<Path>> systemDirs;

    /**
     * @param env environment variables by name (only {@value #DATA_ROOT_ENV} and
     *     {@value #SHARED_DATASETS_ENV} are read)
     * @param workingDir the directory relative paths are resolved against
     * @param systemDirs system folders tried last, by dataset name
     */
    public DatasetLocator(Map<String, String> env, Path workingDir,
                          Map<String, ? extends List<Path>> systemDirs) {
        this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
        this.workingDir = Objects.requireNonNull(workingDir, "workingDir").toAbsolutePath().normalize();
        Map<String, List<Path>> dirs = new LinkedHashMap<>();
        Objects.requireNonNull(systemDirs, "systemDirs").forEach((k, v) -> dirs.put(k, List.copyOf(v)));
        this.systemDirs = Map.copyOf(dirs);
    }

    /**
     * @return a locator reading the process environment, with the process working directory
     *     ({@code user.dir}) and the default system folders ({@link #defaultSystemDirs()})
     */
    public static DatasetLocator fromEnvironment() {
        return new DatasetLocator(System.getenv(), Path.of("").toAbsolutePath(), defaultSystemDirs());
    }

    /** @return the system folders known by default: Debian's Fashion-MNIST package folder */
    public static Map<String, List<Path>> defaultSystemDirs() {
        return Map.of(FASHION_MNIST, List.of(Path.of(DEBIAN_FASHION_MNIST_DIR)));
    }

    /**
     * Every place tried for {@code name}, in order, whether it exists or not.
     *
     * @param name dataset folder name, e.g. {@code fashion-mnist} or {@code cora}
     * @param explicitPath the configured path, or null when none is configured
     * @return the candidates; only the explicit path when one is given, else only
     *     {@code $QAT4J_DATA/<name>} when {@value #DATA_ROOT_ENV} is set
     * @throws IllegalArgumentException when {@code name} is not a plain folder name
     */
    public List<Candidate> candidates(String name, Path explicitPath) {
        checkName(name);
        List<Candidate> out = new ArrayList<>();
        if (explicitPath != null) {
            out.add(new Candidate(absolute(explicitPath), "explicit dataset path from the configuration"));
            return out;
        }
        String dataRoot = envValue(DATA_ROOT_ENV);
        if (dataRoot != null) {
            Path root = rootFromEnv(DATA_ROOT_ENV, dataRoot);
            out.add(new Candidate(absolute(root.resolve(name)), DATA_ROOT_ENV + "=" + dataRoot));
            return out;
        }
        return searched(name);
    }

    /** The places searched when neither an explicit path nor {@value #DATA_ROOT_ENV} is given. */
    private List<Candidate> searched(String name) {
        List<Candidate> out = new ArrayList<>();
        String shared = envValue(SHARED_DATASETS_ENV);
        if (shared != null) {
            Path root = rootFromEnv(SHARED_DATASETS_ENV, shared);
            out.add(new Candidate(absolute(root.resolve(name)), SHARED_DATASETS_ENV + "=" + shared));
        } else {
            for (String guess : SHARED_GUESSES) {
                out.add(new Candidate(workingDir.resolve(guess).resolve(name).normalize(),
                        "shared datasets folder " + guess + " relative to the working directory"));
            }
        }
        for (Path dir : systemDirs.getOrDefault(name, List.of())) {
            String origin = name.equals(FASHION_MNIST) && dir.equals(Path.of(DEBIAN_FASHION_MNIST_DIR))
                    ? "Debian package dataset-fashion-mnist"
                    : "system folder";
            out.add(new Candidate(absolute(dir), origin));
        }
        return dedupe(out);
    }

    /**
     * Finds the dataset without throwing.
     *
     * @param name dataset folder name
     * @param explicitPath the configured path, or null
     * @return the first candidate that is an existing folder
     */
    public Optional<Path> find(String name, Path explicitPath) {
        for (Candidate c : candidates(name, explicitPath)) {
            if (Files.isDirectory(c.path())) {
                return Optional.of(c.path());
            }
        }
        return Optional.empty();
    }

    /**
     * Same as {@link #locate(String, Path) locate(name, null)}: searches the environment.
     *
     * @param name dataset folder name
     * @return absolute path of the dataset folder
     * @throws DatasetNotFoundException when no candidate exists
     */
    public Path locate(String name) {
        return locate(name, null);
    }

    /**
     * Resolves the folder of dataset {@code name} in the order documented on this class.
     *
     * @param name dataset folder name, e.g. {@code fashion-mnist}
     * @param explicitPath the configured path, or null when none is configured
     * @return absolute path of the dataset folder
     * @throws DatasetNotFoundException listing every place tried and how to obtain the data
     */
    public Path locate(String name, Path explicitPath) {
        return resolve(name, explicitPath).path();
    }

    /**
     * Resolves the folder of dataset {@code name} in the order documented on this class, and says
     * why it was chosen.
     *
     * @param name dataset folder name, e.g. {@code fashion-mnist}
     * @param explicitPath the configured path, or null when none is configured
     * @return the folder, with where it came from (e.g. {@code QAT4J_DATA=/data})
     * @throws DatasetNotFoundException listing every place tried and how to obtain the data
     */
    public Candidate resolve(String name, Path explicitPath) {
        List<Candidate> tried = candidates(name, explicitPath);
        for (Candidate c : tried) {
            if (Files.isDirectory(c.path())) {
                return c;
            }
        }
        throw notFound(name, explicitPath != null, tried);
    }

    private DatasetNotFoundException notFound(String name, boolean explicit, List<Candidate> tried) {
        StringBuilder msg = new StringBuilder();
        msg.append("Dataset '").append(name).append("' not found. ");
        boolean dataRoot = !explicit && envValue(DATA_ROOT_ENV) != null;
        if (explicit) {
            msg.append("The configured dataset path is not an existing folder");
            msg.append(" (an explicit path disables the search of QAT4J_DATA and the shared folders):\n");
        } else if (dataRoot) {
            msg.append(DATA_ROOT_ENV).append(" is set, so the dataset is looked for there only"
                    + " (it never comes silently from another folder):\n");
        } else {
            msg.append("Looked in, in this order:\n");
        }
        for (Candidate c : tried) {
            msg.append("  - ").append(c).append('\n');
        }
        if (dataRoot) {
            msg.append("To search the default places instead, unset ").append(DATA_ROOT_ENV).append("; they are:\n");
            for (Candidate c : searched(name)) {
                msg.append("  - ").append(c).append('\n');
            }
        } else if (!explicit) {
            msg.append(DATA_ROOT_ENV).append(" is not set.\n");
        }
        msg.append(howToGet(name));
        List<Path> paths = tried.stream().map(Candidate::path).toList();
        return new DatasetNotFoundException(name, paths, msg.toString());
    }

    /**
     * @param name dataset folder name
     * @return instructions for obtaining dataset {@code name}, as printed in the not-found message
     */
    public static String howToGet(String name) {
        if (FASHION_MNIST.equals(name)) {
            return "To get Fashion-MNIST, either\n"
                    + "  - install Debian's package: apt-get install dataset-fashion-mnist"
                    + " (installs the IDX files in " + DEBIAN_FASHION_MNIST_DIR + "), or\n"
                    + "  - download the official IDX files " + String.join(", ", FashionMnist.FILE_NAMES)
                    + " (each optionally .gz) from " + FASHION_MNIST_REPOSITORY
                    + " (folder data/fashion) into a folder and pass --set dataset.path=<that folder>"
                    + " (or name it " + FASHION_MNIST + "/ inside $" + DATA_ROOT_ENV + ").";
        }
        return "To use it, set " + DATA_ROOT_ENV + " to a folder containing " + name + "/"
                + " (or pass --set dataset.path=<folder of " + name + ">).";
    }

    private String envValue(String key) {
        String v = env.get(key);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private Path rootFromEnv(String key, String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("Environment variable " + key + "='" + value
                    + "' is not a valid path: " + e.getMessage(), e);
        }
    }

    private Path absolute(Path p) {
        return workingDir.resolve(p).normalize();
    }

    private static void checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.equals(".") || name.equals("..")
                || name.indexOf('/') >= 0 || name.indexOf('\\') >= 0 || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("Dataset name must be a plain folder name, got '" + name + "'");
        }
    }

    private static List<Candidate> dedupe(List<Candidate> in) {
        Map<Path, Candidate> byPath = new LinkedHashMap<>();
        for (Candidate c : in) {
            byPath.putIfAbsent(c.path(), c);
        }
        return List.copyOf(byPath.values());
    }
}
