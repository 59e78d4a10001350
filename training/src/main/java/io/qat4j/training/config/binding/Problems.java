package io.qat4j.training.config.binding;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Collects the problems of one load, so that all of them are reported together (the compiler
 * style of {@link ConfigException}).
 */
public final class Problems {

    /** File positions first, in order; then positionless ones; then overrides, as given. */
    private static final Comparator<ConfigProblem> ORDER = Comparator
            .comparing((ConfigProblem p) -> p.location().isOverride())
            .thenComparing(p -> p.location().line() == 0)
            .thenComparingInt(p -> p.location().line())
            .thenComparingInt(p -> p.location().column());

    /** Most problems one exception lists; the rest are counted in a last line. */
    public static final int MAX_REPORTED = 50;

    private final List<ConfigProblem> problems = new ArrayList<>();

    /** An empty collection. */
    public Problems() {
    }

    /** Values that failed because of a problem already reported elsewhere. */
    private int silentFailures;

    /**
     * @param location where the problem is
     * @param path key path
     * @param message what is wrong
     */
    public void add(ConfigLocation location, String path, String message) {
        problems.add(new ConfigProblem(location, path.isEmpty() ? KeyPaths.ROOT : path, message));
    }

    /**
     * Records that a value cannot be used because of a problem that was already reported (e.g.
     * an alias, reported while reading), so that the section holding it fails without a second
     * message.
     */
    public void silentFailure() {
        silentFailures++;
    }

    /** @return how many problems and silent failures have been recorded so far */
    public int size() {
        return problems.size() + silentFailures;
    }

    /** @return true when nothing is wrong so far */
    public boolean isEmpty() {
        return problems.isEmpty();
    }

    /**
     * @return the exception reporting all problems, without duplicates, in reporting order; after
     *     the first {@value #MAX_REPORTED}, one line counts the rest
     */
    public ConfigException exception() {
        List<ConfigProblem> sorted = new ArrayList<>(new LinkedHashSet<>(problems));
        sorted.sort(ORDER);
        if (sorted.size() > MAX_REPORTED) {
            int more = sorted.size() - MAX_REPORTED;
            ConfigProblem last = sorted.get(MAX_REPORTED - 1);
            sorted = new ArrayList<>(sorted.subList(0, MAX_REPORTED));
            sorted.add(new ConfigProblem(new ConfigLocation(last.location().source(), 0, 0),
                    KeyPaths.ROOT, more + " more problems not listed; fix the ones above first"));
        }
        return new ConfigException(sorted);
    }

    /**
     * @throws ConfigException when any problem has been recorded
     */
    public void throwIfAny() {
        if (!problems.isEmpty()) {
            throw exception();
        }
    }
}
