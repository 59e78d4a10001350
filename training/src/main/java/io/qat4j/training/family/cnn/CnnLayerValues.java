package io.qat4j.training.family.cnn;

import io.qat4j.training.config.WeightQuantConfig;
import io.qat4j.training.config.binding.KeyPaths;
import io.qat4j.training.config.binding.Section;
import io.qat4j.training.config.binding.Suggestions;
import io.qat4j.training.config.binding.ValueReader;
import io.qat4j.training.config.binding.YamlNode;
import io.qat4j.training.config.binding.YamlNode.ListNode;
import io.qat4j.training.config.binding.YamlNode.ScalarNode;
import java.util.List;
import java.util.OptionalInt;

/**
 * The value types of the {@code cnn} family's layer keys, read with the binding toolkit's
 * locations and messages: {@code weightBits}, window sizes ({@code 3} or {@code [3, 5]}) bounded by
 * {@link CnnLimits#MAX_WINDOW}, and padding ({@code same}, {@code valid} or an integer). Each
 * returns null after reporting a problem.
 */
final class CnnLayerValues {

    private CnnLayerValues() {
    }

    /** @return {@code weightBits} in 2..8, empty when absent, or null after a problem */
    static OptionalInt weightBits(Section s) {
        YamlNode n = s.value("weightBits");
        if (n == null) {
            return OptionalInt.empty();
        }
        Long v = s.reader().integer(n, s.path("weightBits"), WeightQuantConfig.MIN_BITS,
                WeightQuantConfig.MAX_BITS);
        return v == null ? null : OptionalInt.of(v.intValue());
    }

    static Size2d sizeRequired(Section s, String key) {
        YamlNode n = s.required(key);
        return n == null ? null : size(s.reader(), n, s.path(key));
    }

    static Size2d sizeOr(Section s, String key, Size2d defaultValue) {
        YamlNode n = s.value(key);
        return n == null ? defaultValue : size(s.reader(), n, s.path(key));
    }

    private static Size2d size(ValueReader reader, YamlNode n, String path) {
        if (n instanceof ListNode list) {
            if (list.items().size() != 2) {
                reader.problems().add(n.location(), path, "expected an integer or a list"
                        + " [height, width], got a list of " + list.items().size() + " items");
                return null;
            }
            Long h = reader.integer(list.items().get(0), KeyPaths.index(path, 0), 1,
                    CnnLimits.MAX_WINDOW);
            Long w = reader.integer(list.items().get(1), KeyPaths.index(path, 1), 1,
                    CnnLimits.MAX_WINDOW);
            return h == null || w == null ? null : new Size2d(h.intValue(), w.intValue());
        }
        if (n instanceof ScalarNode s && (s.kind() == ScalarNode.Kind.INTEGER
                || s.kind() == ScalarNode.Kind.FLOAT)) {
            Long v = reader.integer(n, path, 1, CnnLimits.MAX_WINDOW);
            return v == null ? null : Size2d.square(v.intValue());
        }
        reader.typeError(n, path, "an integer or a list [height, width]");
        return null;
    }

    static Padding paddingOr(Section s, String key, Padding defaultValue) {
        YamlNode n = s.value(key);
        if (n == null) {
            return defaultValue;
        }
        String path = s.path(key);
        if (n instanceof ScalarNode sc && (sc.kind() == ScalarNode.Kind.INTEGER
                || sc.kind() == ScalarNode.Kind.FLOAT)) {
            Long v = s.reader().integer(n, path, 0, CnnLimits.MAX_WINDOW);
            return v == null ? null : Padding.explicit(v.intValue());
        }
        if (n instanceof ScalarNode sc && sc.kind() == ScalarNode.Kind.STRING) {
            String text = sc.text().strip();
            if (text.equalsIgnoreCase(PaddingMode.SAME.yamlName())) {
                return Padding.SAME;
            }
            if (text.equalsIgnoreCase(PaddingMode.VALID.yamlName())) {
                return Padding.VALID;
            }
            s.problem(n.location(), key, "unknown padding `" + text + "`"
                    + Suggestions.didYouMean(text, List.of("same", "valid"))
                    + "; expected same, valid or an integer >= 0");
            return null;
        }
        s.reader().typeError(n, path, "`same`, `valid` or an integer >= 0");
        return null;
    }
}
