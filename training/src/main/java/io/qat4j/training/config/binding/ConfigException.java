package io.qat4j.training.config.binding;

import java.util.List;
import java.util.stream.Collectors;

/**
 * An experiment configuration cannot be used: unreadable, malformed YAML, unknown keys, wrong
 * types, values out of range, or violated cross-field rules.
 *
 * <p>The loader collects every problem it can find in one pass and throws once, so that a user
 * fixes a file in one round trip. The message has one line per problem, each of the form
 * {@code source:line:column: key.path: what is wrong} (sorted by position; {@code --set} overrides
 * last), preceded by a summary line when there is more than one problem. YAML syntax errors stop
 * the reading at the first one, as a parser cannot recover from them reliably.
 */
public class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The problems, sorted by position; never empty. */
    private final transient List<ConfigProblem> problems;

    /**
     * @param problems what is wrong, at least one, already in reporting order
     */
    public ConfigException(List<ConfigProblem> problems) {
        super(format(problems));
        this.problems = List.copyOf(problems);
    }

    /**
     * A single problem.
     *
     * @param problem what is wrong
     */
    public ConfigException(ConfigProblem problem) {
        this(List.of(problem));
    }

    /** @return the problems, in reporting order; never empty */
    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String format(List<ConfigProblem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        if (problems.size() == 1) {
            return problems.get(0).toString();
        }
        return "invalid experiment config, " + problems.size() + " problems:\n"
                + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
    }
}
