package io.qat4j.training.data.graph;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Small graph-level datasets written for tests, one per graph-level format, none of them in
 * {@code ../shared/datasets}.
 *
 * <p>Classification ({@link #tu}, {@link #ginText}): {@value #GRAPHS} graphs alternating between
 * class 0, a cycle, and class 1, a star, of {@code 4 + (g / 2) % 7} nodes, without node features
 * (the loaders give every node the one constant feature 1). Why a GIN separates them: after one
 * GIN layer a node's state is a function of its degree; every node of a cycle has degree 2, while
 * a star's leaves (at least 3 of its nodes) have degree 1, so a unit that fires on degree 1 has
 * mean 0 over a cycle and at least 3/4 over a star. Chance is 1/2.
 *
 * <p>Regression ({@link #smilesCsv}): {@value #MOLECULES} molecules, a chain of {@code k = 1..10}
 * carbons with nothing, O, N or Cl at its end, whose target is its heavy-atom count
 * ({@code k} or {@code k + 1}): a sum read-out of a constant per atom computes it exactly.
 */
public final class SyntheticGraphs {

    /** Graphs of the classification datasets. */
    public static final int GRAPHS = 40;
    /** Molecules of the regression dataset. */
    public static final int MOLECULES = 40;

    private SyntheticGraphs() {
    }

    /** @return the nodes of graph {@code g} */
    static int nodes(int g) {
        return 4 + (g / 2) % 7;
    }

    /** @return the undirected edges {u, v} of graph {@code g}, 0-based: a cycle (even g) or a star (odd g) */
    static List<int[]> edges(int g) {
        int n = nodes(g);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (g % 2 == 0) {
                out.add(new int[] {i, (i + 1) % n});
            } else if (i > 0) {
                out.add(new int[] {0, i});
            }
        }
        return out;
    }

    /**
     * @param folder the folder to create
     * @param name the dataset's name (the files' prefix)
     * @return the folder, holding {@code NAME_A.txt}, {@code NAME_graph_indicator.txt},
     *     {@code NAME_graph_labels.txt} (labels 1 for cycles, 2 for stars)
     * @throws IOException when writing fails
     */
    public static Path tu(Path folder, String name) throws IOException {
        Files.createDirectories(folder);
        List<String> a = new ArrayList<>();
        List<String> indicator = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        int first = 1;
        for (int g = 0; g < GRAPHS; g++) {
            for (int[] e : edges(g)) {
                a.add((first + e[0]) + ", " + (first + e[1]));
                a.add((first + e[1]) + ", " + (first + e[0]));
            }
            for (int i = 0; i < nodes(g); i++) {
                indicator.add(Integer.toString(g + 1));
            }
            labels.add(g % 2 == 0 ? "1" : "2");
            first += nodes(g);
        }
        Files.write(folder.resolve(name + "_A.txt"), a);
        Files.write(folder.resolve(name + "_graph_indicator.txt"), indicator);
        Files.write(folder.resolve(name + "_graph_labels.txt"), labels);
        return folder;
    }

    /**
     * @param folder the folder to create; the data file is named after it
     * @param folds number of shipped folds to write in {@code 10fold_idx} (graph {@code g} tested
     *     in fold {@code g mod folds}), 0 for none
     * @return the folder
     * @throws IOException when writing fails
     */
    public static Path ginText(Path folder, int folds) throws IOException {
        Files.createDirectories(folder);
        List<String> lines = new ArrayList<>();
        lines.add(Integer.toString(GRAPHS));
        for (int g = 0; g < GRAPHS; g++) {
            int n = nodes(g);
            lines.add(n + " " + (g % 2));
            List<List<Integer>> neighbours = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                neighbours.add(new ArrayList<>());
            }
            for (int[] e : edges(g)) {
                neighbours.get(e[0]).add(e[1]);
                neighbours.get(e[1]).add(e[0]);
            }
            for (List<Integer> nb : neighbours) {
                StringBuilder s = new StringBuilder("0 " + nb.size());
                nb.forEach(j -> s.append(' ').append(j));
                lines.add(s.toString());
            }
        }
        Files.write(folder.resolve(folder.getFileName() + ".txt"), lines);
        if (folds > 0) {
            Path idx = Files.createDirectories(folder.resolve("10fold_idx"));
            for (int k = 0; k < folds; k++) {
                List<String> train = new ArrayList<>();
                List<String> test = new ArrayList<>();
                for (int g = 0; g < GRAPHS; g++) {
                    (g % folds == k ? test : train).add(Integer.toString(g));
                }
                Files.write(idx.resolve("train_idx-" + (k + 1) + ".txt"), train);
                Files.write(idx.resolve("test_idx-" + (k + 1) + ".txt"), test);
            }
        }
        return folder;
    }

    /**
     * @param folder the folder to create
     * @return the folder, holding {@code toy.csv} with columns {@code id,smiles,atoms}
     * @throws IOException when writing fails
     */
    public static Path smilesCsv(Path folder) throws IOException {
        Files.createDirectories(folder);
        List<String> lines = new ArrayList<>();
        lines.add("id,smiles,atoms");
        String[] ends = {"", "O", "N", "Cl"};
        for (int k = 1; k <= MOLECULES / ends.length; k++) {
            for (String end : ends) {
                lines.add("m" + lines.size() + "," + "C".repeat(k) + end + "," + (k + (end.isEmpty() ? 0 : 1)));
            }
        }
        Files.write(folder.resolve("toy.csv"), lines);
        return folder;
    }
}
