package io.qat4j.training.config.binding;

import io.qat4j.training.config.binding.YamlNode.ScalarNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Converts located YAML values to typed values, recording a problem with the key path and the
 * value's location when a value has the wrong type or is out of range. Every method returns null
 * after a problem, so that the section holding the value can fail without follow-up errors.
 *
 * <p>Schema-independent: the experiment sections, the model families and the dataset formats all
 * read their values through it (usually through {@link Section}).
 */
public final class ValueReader {

    private final Problems problems;

    /**
     * @param problems where problems go
     */
    public ValueReader(Problems problems) {
        this.problems = problems;
    }

    /** @return where problems go */
    public Problems problems() {
        return problems;
    }

    /**
     * Reports a value of the wrong type, unless it was already reported while reading (an alias).
     *
     * @param n the value
     * @param path its key path
     * @param expected what was expected, e.g. {@code an integer}
     */
    public void typeError(YamlNode n, String path, String expected) {
        if (n instanceof ScalarNode s && s.kind() == ScalarNode.Kind.INVALID) {
            problems.silentFailure();
            return;
        }
        problems.add(n.location(), path, "expected " + expected + ", got " + n.describe());
    }

    /**
     * @param n the value; an integral float such as {@code 1e3} counts as an integer
     * @param path its key path
     * @param min smallest allowed value
     * @param max largest allowed value ({@link Long#MAX_VALUE} or {@link Integer#MAX_VALUE} for
     *     "no upper bound" in messages)
     * @return the value, or null after a problem
     */
    public Long integer(YamlNode n, String path, long min, long max) {
        BigInteger value = null;
        if (n instanceof ScalarNode s) {
            if (s.kind() == ScalarNode.Kind.INTEGER) {
                value = s.integer();
            } else if (s.kind() == ScalarNode.Kind.FLOAT && Double.isFinite(s.number())
                    && s.number() == Math.rint(s.number())) {
                value = new BigDecimal(s.number()).toBigInteger();
            }
        }
        if (value == null) {
            typeError(n, path, "an integer");
            return null;
        }
        String got = ((ScalarNode) n).text();
        boolean unbounded = max == Long.MAX_VALUE || max == Integer.MAX_VALUE;
        if (value.compareTo(BigInteger.valueOf(min)) < 0) {
            problems.add(n.location(), path, (unbounded ? "must be >= " + min
                    : "must be between " + min + " and " + max) + ", got " + got);
            return null;
        }
        if (value.compareTo(BigInteger.valueOf(max)) > 0) {
            problems.add(n.location(), path, (unbounded ? "is too large (at most " + max + ")"
                    : "must be between " + min + " and " + max) + ", got " + got);
            return null;
        }
        return value.longValue();
    }

    /**
     * @param n the value
     * @param path its key path
     * @param range allowed values
     * @return the finite value, or null after a problem
     */
    public Double number(YamlNode n, String path, Range range) {
        Double value = null;
        if (n instanceof ScalarNode s) {
            if (s.kind() == ScalarNode.Kind.INTEGER) {
                value = s.integer().doubleValue();
            } else if (s.kind() == ScalarNode.Kind.FLOAT) {
                value = s.number();
            }
        }
        if (value == null) {
            typeError(n, path, "a number");
            return null;
        }
        String got = ((ScalarNode) n).text();
        if (!Double.isFinite(value)) {
            problems.add(n.location(), path, "must be a finite number, got " + got);
            return null;
        }
        if (!range.contains(value)) {
            problems.add(n.location(), path, range.message() + ", got " + got);
            return null;
        }
        return value;
    }

    /**
     * @param n the value
     * @param path its key path
     * @return the boolean, or null after a problem
     */
    public Boolean bool(YamlNode n, String path) {
        if (n instanceof ScalarNode s && s.kind() == ScalarNode.Kind.BOOLEAN) {
            return s.bool();
        }
        typeError(n, path, "a boolean (true or false)");
        return null;
    }

    /**
     * @param n the value
     * @param path its key path
     * @return the non-empty string as written, or null after a problem
     */
    public String text(YamlNode n, String path) {
        if (n instanceof ScalarNode s && s.kind() != ScalarNode.Kind.NULL
                && s.kind() != ScalarNode.Kind.INVALID && !s.text().isEmpty()) {
            return s.text();
        }
        typeError(n, path, "a non-empty string");
        return null;
    }

    /**
     * @param n the value
     * @param path its key path
     * @return the path as written, or null after a problem
     */
    public Path path(YamlNode n, String path) {
        String text = text(n, path);
        if (text == null) {
            return null;
        }
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            problems.add(n.location(), path, "not a valid path: " + e.getMessage());
            return null;
        }
    }

    /**
     * Looks up a name in a registry (model families, dataset formats, datasets known by name).
     *
     * @param <T> what the names stand for
     * @param n the value
     * @param path its key path
     * @param allowed the registered names and what they stand for, in listing order
     * @param noun what the value is, for {@code unknown <noun> `x`}
     * @param hint appended to the message of an unknown name (may be empty)
     * @return what the name stands for, or null after a problem (with a did-you-mean suggestion)
     */
    public <T> T registered(YamlNode n, String path, Map<String, T> allowed, String noun,
            String hint) {
        String text = text(n, path);
        if (text == null) {
            return null;
        }
        String name = text.strip();
        T value = allowed.get(name);
        if (value == null) {
            problems.add(n.location(), path, "unknown " + noun + " `" + name + "`"
                    + Suggestions.didYouMean(name, allowed.keySet()) + "; expected one of: "
                    + String.join(", ", allowed.keySet()) + hint);
        }
        return value;
    }

    /**
     * @param <E> the enum
     * @param n the value
     * @param path its key path
     * @param allowed the spellings
     * @param noun what the value is, for {@code unknown <noun> `x`}
     * @return the constant, or null after a problem (with a did-you-mean suggestion, or the
     *     reason a recognised value is refused)
     */
    public <E extends Enum<E>> E choice(YamlNode n, String path, ConfigChoices<E> allowed,
            String noun) {
        List<String> names = allowed.names();
        if (!(n instanceof ScalarNode s) || s.kind() == ScalarNode.Kind.NULL
                || s.kind() == ScalarNode.Kind.INVALID) {
            typeError(n, path, "one of: " + String.join(", ", names));
            return null;
        }
        String text = s.text().strip();
        Optional<ConfigChoices.Match<E>> match = allowed.match(text);
        if (match.isPresent() && match.get() instanceof ConfigChoices.Accepted<E> accepted) {
            return accepted.value();
        }
        String why = match.isPresent() && match.get() instanceof ConfigChoices.Refused<E> refused
                ? " (" + refused.reason() + ")" : "";
        problems.add(n.location(), path, "unknown " + noun + " `" + text + "`"
                + (why.isEmpty() ? Suggestions.didYouMean(text, names) : "")
                + "; expected one of: " + String.join(", ", names) + why);
        return null;
    }
}
