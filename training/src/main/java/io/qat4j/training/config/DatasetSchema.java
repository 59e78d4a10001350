package io.qat4j.training.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qat4j.training.config.binding.Range;
import io.qat4j.training.config.binding.Section;
import io.qat4j.training.config.binding.ValueReader;
import io.qat4j.training.config.binding.YamlNode;
import io.qat4j.training.config.binding.YamlNode.MapNode;
import io.qat4j.training.config.binding.YamlNode.ScalarNode;
import io.qat4j.training.data.DatasetFormat;
import io.qat4j.training.data.DatasetFormatSettings;
import io.qat4j.training.data.DatasetFormats;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The schema of the {@code dataset} section: its own keys ({@code name}, {@code format},
 * {@code path}, {@code validationFraction}), then the keys of the chosen
 * {@link DatasetFormat format}, which binds and writes them itself.
 *
 * <p>The format is {@code format} when given, else the format of the dataset known by
 * {@code name}. A dataset known by name may not be given another format. Without a known name,
 * {@code format} and either {@code path} or a folder {@code name} to search for are needed.
 */
final class DatasetSchema {

    /** The keys every format has, in schema order. */
    static final List<String> KEYS = List.of("name", "format", "path", "validationFraction");

    private DatasetSchema() {
    }

    /**
     * @param root the document
     * @return the section, or null when a problem was reported
     */
    static DatasetConfig bind(Section root) {
        YamlNode shorthand = root.value("dataset");
        if (shorthand instanceof ScalarNode) {
            DatasetFormats.Named named = known(root.reader(), shorthand, root.path("dataset"));
            if (named == null) {
                return null;
            }
            DatasetFormatSettings settings = named.format().bind(Section.absent(root.reader(),
                    root.path("dataset"), shorthand.location()));
            return settings == null ? null : new DatasetConfig(Optional.of(named.dataset().name()),
                    named.format().name(), Optional.empty(), DatasetConfig.DEFAULT_VALIDATION_FRACTION,
                    settings);
        }
        YamlNode n = root.required("dataset");
        if (n == null) {
            return null;
        }
        if (!(n instanceof MapNode map)) {
            root.reader().typeError(n, root.path("dataset"), "a mapping or a dataset name");
            return null;
        }
        int before = root.problems().size();
        DatasetFormat format = null;
        boolean formatKnown = true;
        YamlNode formatNode = value(map, "format");
        if (formatNode != null) {
            format = format(root.reader(), formatNode, root.path("dataset.format"));
            formatKnown = format != null;
        }
        YamlNode nameNode = value(map, "name");
        if (nameNode != null && format == null && formatKnown) {
            DatasetFormats.Named named = known(root.reader(), nameNode, root.path("dataset.name"));
            format = named == null ? null : named.format();
        } else if (nameNode instanceof ScalarNode s && format != null) {
            Optional<DatasetFormats.Named> named = DatasetFormats.named(s.text().strip());
            if (named.isPresent() && named.get().format() != format) {
                root.problems().add(formatNode.location(), root.path("dataset.format"), "dataset `"
                        + named.get().dataset().name() + "` is in format `" + named.get().format().name()
                        + "`, not `" + format.name() + "`; remove `format` or change `name`");
            }
        }
        List<String> keys = new ArrayList<>(KEYS);
        keys.addAll(format == null ? DatasetFormats.allFormatKeys() : format.keys());
        Section d = root.section("dataset", keys, true);
        if (nameNode == null && formatNode == null) {
            d.required("name", "; give the `name` of a known dataset ("
                    + String.join(", ", DatasetFormats.named().keySet()) + "), or `format` ("
                    + String.join(", ", DatasetFormats.names()) + ") and `path` for any dataset in a format");
            return null;
        }
        Optional<String> name = Optional.empty();
        if (nameNode != null) {
            name = Optional.ofNullable(folderName(d, nameNode));
        }
        Optional<Path> path = Optional.ofNullable(d.pathOr("path", null));
        if (nameNode == null && d.value("path") == null) {
            d.required("path", ": a dataset given by its `format` needs the folder that holds it (or a"
                    + " `name` to look for in QAT4J_DATA and the shared datasets folder)");
        }
        Double fraction = d.doubleOr("validationFraction", DatasetConfig.DEFAULT_VALIDATION_FRACTION,
                Range.closed(0, 0.5));
        DatasetFormatSettings settings = format == null ? null : format.bind(d);
        if (root.problems().size() > before || format == null || settings == null) {
            return null;
        }
        return new DatasetConfig(name, format.name(), path, fraction, settings);
    }

    private static YamlNode value(MapNode map, String key) {
        MapNode.Entry e = map.get(key);
        return e == null || e.value().isNull() ? null : e.value();
    }

    /** @return the dataset known by the name written, or null after a problem */
    private static DatasetFormats.Named known(ValueReader reader, YamlNode n, String path) {
        return reader.registered(n, path, DatasetFormats.named(), "dataset", " (or, for any dataset in"
                + " a known format, `format` (" + String.join(", ", DatasetFormats.names()) + ") and `path`)");
    }

    private static DatasetFormat format(ValueReader reader, YamlNode n, String path) {
        return reader.registered(n, path, DatasetFormats.formats(), "dataset format", "");
    }

    /** @return the name, a plain folder name, or null after a problem */
    private static String folderName(Section d, YamlNode n) {
        String text = d.reader().text(n, d.path("name"));
        if (text == null) {
            return null;
        }
        String name = text.strip();
        if (!ExperimentConfig.NAME_PATTERN.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            d.problem(n.location(), "name", "must be a plain folder name (letters, digits, `.`, `_` and `-`),"
                    + " got '" + name + "'; give a folder elsewhere as `path`");
            return null;
        }
        return name;
    }

    /**
     * @param dataset a bound section
     * @param out the {@code dataset} mapping to fill, every default written out
     */
    static void write(DatasetConfig dataset, ObjectNode out) {
        if (dataset.name().isPresent()) {
            out.put("name", dataset.name().get());
        } else {
            out.putNull("name");
        }
        out.put("format", dataset.format());
        if (dataset.path().isPresent()) {
            out.put("path", dataset.path().get().toString());
        } else {
            out.putNull("path");
        }
        out.put("validationFraction", dataset.validationFraction());
        DatasetFormats.get(dataset.format()).write(dataset.settings(), out);
    }
}
