package io.qat4j.training.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qat4j.executor.io.AtomicFiles;
import io.qat4j.training.report.FiniteJson;
import io.qat4j.training.report.QuantReport;
import io.qat4j.training.train.RunDirectory;
import io.qat4j.training.train.RunLifecycle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The figures of a sweep's runs, read from their {@code metrics.json} (and {@code report.json} when
 * the run exported), and their mean and sample standard deviation ({@link MeanStd}, n-1), written
 * atomically as {@value #JSON_FILE} and {@value #MARKDOWN_FILE}. Per run: the test score of the
 * selected epoch (accuracy, or MAE and RMSE; of the fake-quantized model when the run is quantized,
 * else FP32), the int8 executor's score and its agreement with the fake-quantized model when the
 * run exported, the selected epoch ({@code training.select}) and the mean training seconds per
 * epoch (of the epochs the run's last invocation trained).
 *
 * @param name the config's {@code name}
 * @param config the config file
 * @param overrides the overrides every run got
 * @param quantized whether the runs are quantized (their test score is then the fake-quantized model's)
 * @param runs per run: name, seed, fold and figures
 * @param aggregate per figure, over the runs that have it
 */
public record SweepSummary(String name, Path config, List<String> overrides, boolean quantized,
                           List<RunFigures> runs, Map<String, MeanStd> aggregate) {

    /** File name of the summary in JSON. */
    public static final String JSON_FILE = "sweep.json";
    /** File name of the summary as a Markdown table. */
    public static final String MARKDOWN_FILE = "sweep.md";

    /** Figure names, in column order, with their Markdown headings. */
    static final Map<String, String> HEADINGS = headings();

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Map<String, String> headings() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("testAccuracy", "test accuracy");
        h.put("testMae", "test MAE");
        h.put("testRmse", "test RMSE");
        h.put("int8Accuracy", "int8 accuracy");
        h.put("int8Mae", "int8 MAE");
        h.put("int8Rmse", "int8 RMSE");
        h.put("agreement", "int8 / fake-quant agreement");
        h.put("selectedEpoch", "selected epoch (from 1)");
        h.put("secondsPerEpoch", "training s/epoch");
        return h;
    }

    /**
     * The figures of one run.
     *
     * @param run the run's name (its folder under {@code output.dir})
     * @param seed its seed
     * @param fold its fold, if any
     * @param figures by name ({@link #HEADINGS}), only those the run has
     */
    public record RunFigures(String run, long seed, OptionalInt fold, Map<String, Double> figures) {
    }

    /**
     * @param name the config's {@code name}
     * @param config the config file
     * @param overrides the overrides every run got
     * @param runs the sweep's runs, all trained
     * @return their figures and aggregates
     * @throws IOException naming the file when a run has no readable {@code metrics.json}
     */
    static SweepSummary read(String name, Path config, List<String> overrides, List<Sweep.Run> runs) throws IOException {
        List<RunFigures> figures = new ArrayList<>();
        for (Sweep.Run r : runs) {
            figures.add(figures(r));
        }
        Map<String, MeanStd> aggregate = new LinkedHashMap<>();
        for (String key : HEADINGS.keySet()) {
            List<Double> values = figures.stream().filter(f -> f.figures().containsKey(key))
                    .map(f -> f.figures().get(key)).toList();
            if (!values.isEmpty()) {
                aggregate.put(key, MeanStd.of(values));
            }
        }
        return new SweepSummary(name, config, List.copyOf(overrides), runs.get(0).config().quantization().enabled(), figures,
                aggregate);
    }

    private static RunFigures figures(Sweep.Run r) throws IOException {
        RunDirectory dir = new RunDirectory(r.config().runDirectory());
        JsonNode metrics = readJson(dir.metrics());
        Map<String, Double> f = new LinkedHashMap<>();
        for (String key : List.of("testAccuracy", "testMae", "testRmse")) {
            put(f, key, metrics.get(key));
        }
        Path reportFile = dir.root().resolve(QuantReport.FILE);
        if (Files.exists(reportFile)) {
            JsonNode report = readJson(reportFile);
            JsonNode int8 = report.path("int8");
            put(f, "int8Accuracy", int8.get("accuracy"));
            put(f, "int8Mae", int8.get("mae"));
            put(f, "int8Rmse", int8.get("rmse"));
            if (f.containsKey("int8Accuracy")) {
                put(f, "agreement", report.get("agreement"));
            }
        }
        JsonNode selected = metrics.path(RunLifecycle.METRICS_SELECTED).get("epoch");
        if (selected != null && selected.isNumber()) {
            f.put("selectedEpoch", selected.asDouble() + 1);
        }
        double seconds = 0;
        int epochs = 0;
        for (JsonNode e : metrics.path("epochs")) {
            if (e.path("trainSeconds").isNumber()) {
                seconds += e.get("trainSeconds").asDouble();
                epochs++;
            }
        }
        if (epochs > 0) {
            f.put("secondsPerEpoch", seconds / epochs);
        }
        return new RunFigures(r.config().name(), r.member().seed(), r.member().fold(), f);
    }

    private static void put(Map<String, Double> f, String key, JsonNode value) {
        if (value != null && value.isNumber()) {
            f.put(key, value.asDouble());
        }
    }

    private static JsonNode readJson(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new IOException(file + ": missing; the run finished without writing it (train it again with"
                    + " --resume, or remove its folder)");
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": unreadable: " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@value #JSON_FILE} and {@value #MARKDOWN_FILE}, each atomically.
     *
     * @param folder the sweep's folder, created if absent
     * @throws IOException when writing fails
     */
    public void write(Path folder) throws IOException {
        Files.createDirectories(folder);
        FiniteJson.write(folder.resolve(JSON_FILE), toJson());
        AtomicFiles.write(folder.resolve(MARKDOWN_FILE), markdown().getBytes(StandardCharsets.UTF_8));
    }

    /** @return the summary as {@value #JSON_FILE} holds it */
    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("name", name);
        root.put("config", config.toString());
        overrides.forEach(root.putArray("overrides")::add);
        root.put("testScoreOf", quantized ? "fake-quant" : "FP32");
        root.put("std", MeanStd.DEFINITION);
        ArrayNode runsNode = root.putArray("runs");
        for (RunFigures r : runs) {
            ObjectNode n = runsNode.addObject();
            n.put("run", r.run());
            n.put("seed", r.seed());
            r.fold().ifPresent(f -> n.put("fold", f));
            r.figures().forEach(n::put);
        }
        ObjectNode agg = root.putObject("aggregate");
        aggregate.forEach((key, m) -> {
            ObjectNode n = agg.putObject(key);
            n.put("n", m.n());
            n.put("mean", m.mean());
            n.put("std", m.std());
        });
        return root;
    }

    /** @return the summary as a Markdown table, one row per run and a row of mean ± std */
    public String markdown() {
        List<String> keys = new ArrayList<>(aggregate.keySet());
        StringBuilder b = new StringBuilder();
        b.append("# Sweep `").append(name).append("`\n\n");
        b.append("Config `").append(config).append('`');
        if (!overrides.isEmpty()) {
            b.append(" with `--set ").append(String.join("` `--set ", overrides)).append('`');
        }
        b.append(", ").append(runs.size()).append(" runs. Test scores are of the ")
                .append(quantized ? "fake-quantized" : "FP32").append(" model at the selected epoch; ± is the ")
                .append(MeanStd.DEFINITION).append(".\n\n| run | seed | fold |");
        keys.forEach(k -> b.append(' ').append(HEADINGS.get(k)).append(" |"));
        b.append("\n|---|---:|---:|");
        keys.forEach(k -> b.append("---:|"));
        b.append('\n');
        for (RunFigures r : runs) {
            b.append("| ").append(r.run()).append(" | ").append(r.seed()).append(" | ")
                    .append(r.fold().isPresent() ? String.valueOf(r.fold().getAsInt()) : "").append(" |");
            for (String k : keys) {
                Double v = r.figures().get(k);
                b.append(' ').append(v == null ? "" : format(k, v)).append(" |");
            }
            b.append('\n');
        }
        b.append("| **mean ± std** | | |");
        for (String k : keys) {
            MeanStd m = aggregate.get(k);
            b.append(' ').append(format(k, m.mean())).append(" ± ")
                    .append(Double.isNaN(m.std()) ? "n/a" : format(k, m.std())).append(" (n=").append(m.n())
                    .append(") |");
        }
        return b.append('\n').toString();
    }

    private static String format(String key, double v) {
        if (key.equals("testAccuracy") || key.equals("int8Accuracy") || key.equals("agreement")) {
            return String.format(Locale.ROOT, "%.2f%%", 100 * v);
        }
        if (key.equals("selectedEpoch")) {
            return String.format(Locale.ROOT, v == Math.rint(v) ? "%.0f" : "%.1f", v);
        }
        return String.format(Locale.ROOT, key.equals("secondsPerEpoch") ? "%.3f" : "%.4f", v);
    }
}
