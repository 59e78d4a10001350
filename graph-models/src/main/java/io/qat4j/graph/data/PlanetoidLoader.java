package io.qat4j.graph.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a citation graph in the LINQS format (Sen et al., "Collective Classification in Network
 * Data", AI Magazine 2008; the Cora, CiteSeer files), with an optional Planetoid split (Yang, Cohen,
 * Salakhutdinov, ICML 2016), for node classification. The folder holds:
 * <ul>
 *   <li>one {@code NAME.content}: a node per line, {@code <paper id> <feature>... <class label>},
 *       fields separated by blanks or tabs; every line has the same number of features (the first
 *       line sets it); paper ids are names (any text without blanks), unique; feature values are
 *       numbers (Cora's are 0/1 word indicators);</li>
 *   <li>one {@code NAME.cites}: an edge per line, {@code <cited paper id> <citing paper id>} (the link
 *       goes right to left);</li>
 *   <li>optionally one {@code *.tsv} split file: a header {@code planetoid_index, linqs_paper_id,
 *       split, label} (tab-separated), then a line per node with its split ({@code train},
 *       {@code val}, {@code test} or {@code unused}); its label must agree with the content file,
 *       else the load fails at that line. Nodes the split file does not list are in no split.</li>
 * </ul>
 *
 * <p>Nodes are numbered in the order of the content file. Classes are the label names of the
 * content file in sorted (lexicographic) order: Cora's are {@code Case_Based, Genetic_Algorithms,
 * Neural_Networks, Probabilistic_Methods, Reinforcement_Learning, Rule_Learning, Theory}, classes 0
 * to 6 (this is not Planetoid's pickled class order). Edges: a citation naming a paper id absent
 * from the content file is dropped as dangling (counted); self-loops and repeated citations are
 * removed; every citation becomes an edge in both directions, as PyG's {@code to_undirected}
 * ({@link CleaningReport}). Without a split file the dataset's {@link GraphDataset#nodeSplit()} is
 * empty, the log line says so, and the caller chooses a split. Features are used as they are
 * (Kipf and Welling row-normalise Cora's; that is a choice of the training, not of the format).
 *
 * <p>Speed: Cora (7.8 MB content, 2708 nodes x 1433 features) loads in 1.4 s as the first load of
 * a fresh JVM and in 0.24 s (median of the next five) once warm,
 * measured on the project's 2-core machine while other builds ran (load average 9).
 */
public final class PlanetoidLoader implements GraphLoader {

    /** The format's name in configs. */
    public static final String FORMAT = "planetoid";

    /** The columns of the split file's header, in order. */
    public static final List<String> SPLIT_HEADER = List.of("planetoid_index", "linqs_paper_id", "split", "label");

    private static final Logger LOG = LoggerFactory.getLogger(PlanetoidLoader.class);

    /** The nodes of a content file. */
    private record Content(List<String> ids, Map<String, Integer> index, float[] features, int featureCount,
                           List<String> labels) {
    }

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public GraphDataset load(Path folder) throws IOException {
        DatasetFolder dir = new DatasetFolder(folder);
        Path contentFile = dir.single(".content", "LINQS content file");
        Path citesFile = dir.single(".cites", "LINQS cites file");
        Optional<Path> splitFile = dir.optional(".tsv", "Planetoid split file");
        String name = DatasetFolder.stem(contentFile, ".content");

        Content content = readContent(contentFile);
        int n = content.ids().size();
        List<String> classNames = new ArrayList<>(new TreeSet<>(content.labels()));
        Map<String, Integer> classOf = new HashMap<>();
        for (String c : classNames) {
            classOf.put(c, classOf.size());
        }
        int[] nodeLabels = new int[n];
        for (int i = 0; i < n; i++) {
            nodeLabels[i] = classOf.get(content.labels().get(i));
        }
        EdgeCleaner cleaner = new EdgeCleaner();
        EdgeCleaner.EdgeList edges = readCites(citesFile, content, cleaner);
        Optional<NodeSplit> split = Optional.empty();
        List<Path> files = new ArrayList<>(List.of(contentFile, citesFile));
        if (splitFile.isPresent()) {
            split = Optional.of(readSplit(splitFile.get(), contentFile, content, cleaner));
            files.add(splitFile.get());
        } else {
            cleaner.note("no split file (*.tsv): no train/validation/test split shipped, the caller chooses one");
        }
        Graph graph = Graph.forNodeClassification(n, content.featureCount(), content.features(), edges.src(),
                edges.dst(), nodeLabels, classNames.size());
        GraphDataset dataset = new GraphDataset(name, GraphTask.NODE_CLASSIFICATION, List.of(graph),
                content.featureCount(), classNames, List.of(), split, List.of(), cleaner.report(), files);
        LOG.info(dataset.loadSummary());
        return dataset;
    }

    private static Content readContent(Path file) throws IOException {
        List<String> ids = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        List<String> labels = new ArrayList<>();
        FloatList features = new FloatList();
        int width = -1;
        try (TextFile text = TextFile.open(file)) {
            Fields f = new Fields(text, Fields.Separator.WHITESPACE);
            while (f.next()) {
                if (width < 0) {
                    if (f.count() < 3) {
                        throw text.error("expected a paper id, at least one feature and a class label, found "
                                + f.count() + " field" + (f.count() == 1 ? "" : "s"));
                    }
                    width = f.count() - 2;
                }
                f.expectCount(width + 2, "paper id, " + width + " features as on line 1, class label");
                String id = f.text(0);
                Integer previous = index.putIfAbsent(id, ids.size());
                if (previous != null) {
                    throw f.error(0, "paper id '" + id + "' is already on line " + (previous + 1)
                            + " (expected each paper once)");
                }
                ids.add(id);
                for (int j = 1; j <= width; j++) {
                    features.add(f.floatAt(j, "(feature " + j + ")"));
                }
                labels.add(f.text(width + 1));
            }
        }
        if (ids.isEmpty()) {
            throw new GraphFormatException(file, 1, 0, "expected a line per paper, found an empty file");
        }
        return new Content(ids, index, features.toArray(), width, labels);
    }

    private static EdgeCleaner.EdgeList readCites(Path file, Content content, EdgeCleaner cleaner) throws IOException {
        IntList cited = new IntList();
        IntList citing = new IntList();
        try (TextFile text = TextFile.open(file)) {
            Fields f = new Fields(text, Fields.Separator.WHITESPACE);
            while (f.next()) {
                f.expectCount(2, "cited paper id, citing paper id");
                cited.add(content.index().getOrDefault(f.text(0), -1));
                citing.add(content.index().getOrDefault(f.text(1), -1));
            }
        }
        // the link goes from the citing paper (right) to the cited one (left)
        return cleaner.clean(content.ids().size(), citing.toArray(), cited.toArray(), cited.size());
    }

    private static NodeSplit readSplit(Path file, Path contentFile, Content content, EdgeCleaner cleaner)
            throws IOException {
        List<Set<Integer>> sets = List.of(new TreeSet<>(), new TreeSet<>(), new TreeSet<>());
        List<String> splitNames = List.of("train", "val", "test");
        Map<Integer, Long> listedOn = new HashMap<>();
        try (TextFile text = TextFile.open(file)) {
            Fields f = new Fields(text, Fields.Separator.TAB);
            if (!f.next()) {
                throw text.errorAtEnd("expected the header " + String.join("<TAB>", SPLIT_HEADER));
            }
            List<String> header = new ArrayList<>();
            for (int i = 0; i < f.count(); i++) {
                header.add(f.text(i).strip());
            }
            if (!header.equals(SPLIT_HEADER)) {
                throw text.error("expected the header " + String.join("<TAB>", SPLIT_HEADER) + ", found "
                        + String.join("<TAB>", header));
            }
            while (f.next()) {
                f.expectCount(4, String.join(", ", SPLIT_HEADER));
                if (f.intAt(0, "planetoid_index") < 0) {
                    throw f.error(0, "expected a planetoid_index of at least 0, found " + f.text(0));
                }
                String id = f.text(1);
                Integer node = content.index().get(id);
                if (node == null) {
                    throw f.error(1, "paper id '" + id + "' is not in " + contentFile.getFileName());
                }
                Long first = listedOn.putIfAbsent(node, text.line());
                if (first != null) {
                    throw f.error(1, "paper id '" + id + "' is already on line " + first
                            + " (expected each paper at most once)");
                }
                String label = f.text(3);
                String expected = content.labels().get(node);
                if (!label.equals(expected)) {
                    throw f.error(3, "label '" + label + "' disagrees with " + contentFile.getFileName() + " line "
                            + (node + 1) + ", which gives '" + expected + "'");
                }
                String split = f.text(2);
                int s = splitNames.indexOf(split);
                if (s >= 0) {
                    sets.get(s).add(node);
                } else if (!split.equals("unused")) {
                    throw f.error(2, "expected a split train, val, test or unused, found '" + split + "'");
                }
            }
        }
        int unlisted = content.ids().size() - listedOn.size();
        if (unlisted > 0) {
            cleaner.note(unlisted + " nodes absent from " + file.getFileName() + " are in no split");
        }
        return new NodeSplit(toArray(sets.get(0)), toArray(sets.get(1)), toArray(sets.get(2)));
    }

    private static int[] toArray(Set<Integer> nodes) {
        return nodes.stream().mapToInt(Integer::intValue).toArray();
    }
}
