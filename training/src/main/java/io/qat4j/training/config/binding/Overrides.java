package io.qat4j.training.config.binding;

import io.qat4j.training.config.binding.YamlNode.ListNode;
import io.qat4j.training.config.binding.YamlNode.MapNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies command-line overrides {@code key.path=value} to the located tree before it is bound,
 * so that an override is validated exactly like the file (unknown keys, types, ranges), with the
 * override itself, {@code --set key.path=value}, as the location of its problems.
 *
 * <p>Paths are keys separated by {@code .}, with {@code [i]} to select an existing list item:
 * {@code training.epochs}, {@code model.layers[0].filters}. The value is read as YAML
 * ({@code 3} is an integer, {@code /x} a string, {@code [3, 3]} a list, nothing or {@code null}
 * null). Missing mappings along the path are created, so an override can set keys that the file
 * does not have ({@code dataset.path=/data}, {@code quantization.enabled=false}); list items are
 * never created. Overrides apply in order; a later one wins.
 */
public final class Overrides {

    private static final Pattern SEGMENT = Pattern.compile("([A-Za-z0-9_-]+)((?:\\[\\d+])*)");
    private static final Pattern INDEX = Pattern.compile("\\[(\\d+)]");

    private Overrides() {
    }

    /** One step of a key path: a key of a mapping, or an index of a list. */
    private record Step(String key, int index) {
        boolean isIndex() {
            return key == null;
        }
    }

    /**
     * @param root the document, modified in place
     * @param overrides {@code key.path=value} strings, in order
     * @param problems where problems go
     */
    public static void apply(MapNode root, List<String> overrides, Problems problems) {
        for (String override : overrides) {
            ConfigLocation location = ConfigLocation.override(override);
            int eq = override.indexOf('=');
            if (eq < 0) {
                problems.add(location, override.strip(), "expected key.path=value, e.g."
                        + " training.epochs=3");
                continue;
            }
            String keyPath = override.substring(0, eq).strip();
            List<Step> steps = parse(keyPath);
            if (steps == null) {
                problems.add(location, keyPath.isEmpty() ? "<empty>" : keyPath, "malformed key"
                        + " path; expected keys separated by `.` with optional list indexes, e.g."
                        + " model.layers[0].filters");
                continue;
            }
            YamlNode value = YamlTreeReader.readValue(override.substring(eq + 1), location,
                    keyPath, problems);
            if (value != null) {
                set(root, steps, value, location, problems);
            }
        }
    }

    private static List<Step> parse(String keyPath) {
        if (keyPath.isEmpty()) {
            return null;
        }
        List<Step> steps = new ArrayList<>();
        for (String part : keyPath.split("\\.", -1)) {
            Matcher m = SEGMENT.matcher(part);
            if (!m.matches()) {
                return null;
            }
            steps.add(new Step(m.group(1), -1));
            Matcher idx = INDEX.matcher(m.group(2));
            while (idx.find()) {
                try {
                    steps.add(new Step(null, Integer.parseInt(idx.group(1))));
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return steps;
    }

    private static void set(MapNode root, List<Step> steps, YamlNode value,
            ConfigLocation location, Problems problems) {
        YamlNode current = root;
        String path = "";
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            boolean last = i == steps.size() - 1;
            if (!step.isIndex()) {
                String childPath = KeyPaths.child(path, step.key());
                if (!(current instanceof MapNode map)) {
                    problems.add(location, childPath, KeyPaths.describe(path) + " is "
                            + current.describe() + ", not a mapping, so it has no key `"
                            + step.key() + "`");
                    return;
                }
                MapNode.Entry entry = map.get(step.key());
                ConfigLocation keyLocation = entry == null ? location : entry.keyLocation();
                if (last) {
                    map.put(new MapNode.Entry(step.key(), keyLocation, value));
                    return;
                }
                YamlNode next = entry == null ? null : entry.value();
                if (next == null || next.isNull()) {
                    if (steps.get(i + 1).isIndex()) {
                        problems.add(location, childPath, "there is no list `" + childPath
                                + "` to index; list items cannot be created with --set");
                        return;
                    }
                    next = new MapNode(location);
                    map.put(new MapNode.Entry(step.key(), keyLocation, next));
                }
                current = next;
                path = childPath;
            } else {
                String itemPath = KeyPaths.index(path, step.index());
                if (!(current instanceof ListNode list)) {
                    problems.add(location, itemPath, KeyPaths.describe(path) + " is "
                            + current.describe() + ", not a list, so it cannot be indexed");
                    return;
                }
                if (step.index() >= list.items().size()) {
                    problems.add(location, itemPath, "index " + step.index() + " is out of range:"
                            + " `" + path + "` has " + list.items().size() + " items; list items"
                            + " cannot be created with --set");
                    return;
                }
                if (last) {
                    list.items().set(step.index(), value);
                    return;
                }
                current = list.items().get(step.index());
                path = itemPath;
            }
        }
    }
}
