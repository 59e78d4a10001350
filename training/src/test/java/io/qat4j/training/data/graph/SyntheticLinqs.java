package io.qat4j.training.data.graph;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small LINQS dataset written for tests: {@value #CLASSES} classes of {@value #PER_CLASS}
 * papers each; the papers of a class form a ring of citations (each cites the next two of its
 * class), so that the graph is perfectly homophilous; two papers in three carry their class as
 * a one-hot word indicator among {@value #FEATURES} words, the others only the shared words 3
 * and 4. The split file trains on 4 papers per class, validates on 6 and tests on 10 per class.
 *
 * <p>Why a GCN separates it: every paper has, among itself and its ring neighbours, a paper that
 * carries its class's word, and no neighbour of another class; so after one graph convolution
 * the class words a paper sees are its own class's only, and a linear read-out classifies every
 * paper. Chance is 1/3.
 */
public final class SyntheticLinqs {

    /** Classes. */
    public static final int CLASSES = 3;
    /** Papers per class. */
    public static final int PER_CLASS = 20;
    /** Words per paper: one per class, then two shared. */
    public static final int FEATURES = 5;

    private SyntheticLinqs() {
    }

    /**
     * @param folder the folder to create
     * @return the folder, holding {@code toy.content}, {@code toy.cites} and {@code toy_split.tsv}
     * @throws IOException when writing fails
     */
    public static Path write(Path folder) throws IOException {
        Files.createDirectories(folder);
        List<String> content = new ArrayList<>();
        List<String> cites = new ArrayList<>();
        List<String> split = new ArrayList<>();
        split.add("planetoid_index\tlinqs_paper_id\tsplit\tlabel");
        for (int c = 0; c < CLASSES; c++) {
            for (int i = 0; i < PER_CLASS; i++) {
                StringBuilder line = new StringBuilder(id(c, i));
                for (int w = 0; w < FEATURES; w++) {
                    boolean on = w == c ? i % 3 != 2 : w >= CLASSES;
                    line.append('\t').append(on ? 1 : 0);
                }
                content.add(line.append("\tclass").append(c).toString());
                cites.add(id(c, (i + 1) % PER_CLASS) + "\t" + id(c, i));
                cites.add(id(c, (i + 2) % PER_CLASS) + "\t" + id(c, i));
                String s = i < 4 ? "train" : i < 10 ? "val" : "test";
                split.add(content.size() - 1 + "\t" + id(c, i) + "\t" + s + "\tclass" + c);
            }
        }
        Files.write(folder.resolve("toy.content"), content);
        Files.write(folder.resolve("toy.cites"), cites);
        Files.write(folder.resolve("toy_split.tsv"), split);
        return folder;
    }

    private static String id(int c, int i) {
        return "paper" + c + "_" + i;
    }
}
