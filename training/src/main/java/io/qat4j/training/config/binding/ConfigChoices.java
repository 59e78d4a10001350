package io.qat4j.training.config.binding;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The YAML spellings of the constants of one enum, in the order error messages list them: the
 * single table through which a schema parses an enumerated value ({@link ValueReader#choice}) and
 * writes it back.
 *
 * <p>Enums of the configuration carry their spelling themselves ({@link ConfigChoice}) and get
 * their table from {@link #of(Enum[])}. Enums of other modules, which know nothing of YAML, get a
 * table built with {@link #builder()} next to the schema that uses them (for example the
 * quantizer types in {@code QuantizationSchema}). A table may also <em>refuse</em> a spelling with
 * a reason:
 * the value is recognised, reported with the reason, and never accepted nor written (for example
 * {@code per-group}, which the config does not offer yet, or {@code ema} for weights).
 *
 * @param <E> the enum
 */
public final class ConfigChoices<E extends Enum<E>> {

    /** Offered constants and their spellings, in listing order. */
    private final Map<E, String> offered;
    /** Recognised but refused constants: spelling and reason. */
    private final Map<E, Refusal> refused;

    private record Refusal(String yamlName, String reason) {
    }

    private ConfigChoices(Map<E, String> offered, Map<E, Refusal> refused) {
        this.offered = Collections.unmodifiableMap(new LinkedHashMap<>(offered));
        this.refused = Collections.unmodifiableMap(new LinkedHashMap<>(refused));
    }

    /**
     * @param values constants of an enum of this package, in listing order
     * @return a table offering exactly them with their own spellings
     */
    @SafeVarargs
    public static <E extends Enum<E> & ConfigChoice> ConfigChoices<E> of(E... values) {
        Builder<E> b = builder();
        for (E e : values) {
            b.offer(e, e.yamlName());
        }
        return b.build();
    }

    /** @return the offered spellings, in listing order */
    public List<String> names() {
        return new ArrayList<>(offered.values());
    }

    /** @return whether the constant may appear in a config */
    public boolean offers(E value) {
        return offered.containsKey(value);
    }

    /**
     * @param value an offered constant
     * @return its YAML spelling
     * @throws IllegalArgumentException if the constant is not offered
     */
    public String yamlName(E value) {
        String name = offered.get(Objects.requireNonNull(value, "value"));
        if (name == null) {
            Refusal r = refused.get(value);
            throw new IllegalArgumentException(value + " has no YAML spelling"
                    + (r == null ? "" : ": " + r.reason()));
        }
        return name;
    }

    /** What a spelling denotes. */
    public sealed interface Match<E> {
    }

    /** An offered constant. */
    public record Accepted<E>(E value) implements Match<E> {
    }

    /** A recognised constant that is not allowed here, and why. */
    public record Refused<E>(E value, String reason) implements Match<E> {
    }

    /**
     * Looks a spelling up: exactly first, then ignoring case with {@code _} read as {@code -}.
     *
     * @param text the value from the file, stripped
     * @return the match, empty when the spelling is unknown
     */
    public Optional<Match<E>> match(String text) {
        for (Map.Entry<E, String> e : offered.entrySet()) {
            if (e.getValue().equals(text)) {
                return Optional.of(new Accepted<>(e.getKey()));
            }
        }
        for (Map.Entry<E, Refusal> e : refused.entrySet()) {
            if (e.getValue().yamlName().equals(text)) {
                return Optional.of(new Refused<>(e.getKey(), e.getValue().reason()));
            }
        }
        String relaxed = text.replace('_', '-');
        for (Map.Entry<E, String> e : offered.entrySet()) {
            if (e.getValue().equalsIgnoreCase(relaxed)) {
                return Optional.of(new Accepted<>(e.getKey()));
            }
        }
        for (Map.Entry<E, Refusal> e : refused.entrySet()) {
            if (e.getValue().yamlName().equalsIgnoreCase(relaxed)) {
                return Optional.of(new Refused<>(e.getKey(), e.getValue().reason()));
            }
        }
        return Optional.empty();
    }

    /**
     * @param <E> the enum
     * @return an empty table to fill with {@link Builder#offer} and {@link Builder#refuse}
     */
    public static <E extends Enum<E>> Builder<E> builder() {
        return new Builder<>();
    }

    /**
     * Collects the entries of a table, checking that spellings and constants are unique.
     *
     * @param <E> the enum
     */
    public static final class Builder<E extends Enum<E>> {

        private final Map<E, String> offered = new LinkedHashMap<>();
        private final Map<E, Refusal> refused = new LinkedHashMap<>();
        private final List<String> spellings = new ArrayList<>();

        private Builder() {
        }

        /**
         * @param value a constant that a config may name
         * @param yamlName its spelling
         * @return this builder
         */
        public Builder<E> offer(E value, String yamlName) {
            add(value, yamlName);
            offered.put(value, yamlName);
            return this;
        }

        /**
         * @param value a constant that is recognised but not allowed
         * @param yamlName its spelling
         * @param reason why it is refused, shown in the error
         * @return this builder
         */
        public Builder<E> refuse(E value, String yamlName, String reason) {
            add(value, yamlName);
            refused.put(value, new Refusal(yamlName, Objects.requireNonNull(reason, "reason")));
            return this;
        }

        private void add(E value, String yamlName) {
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(yamlName, "yamlName");
            if (offered.containsKey(value) || refused.containsKey(value)) {
                throw new IllegalArgumentException("duplicate constant " + value);
            }
            if (spellings.stream().anyMatch(s -> s.equalsIgnoreCase(yamlName))) {
                throw new IllegalArgumentException("duplicate spelling " + yamlName);
            }
            spellings.add(yamlName);
        }

        /** @return the table */
        public ConfigChoices<E> build() {
            return new ConfigChoices<>(offered, refused);
        }
    }
}
