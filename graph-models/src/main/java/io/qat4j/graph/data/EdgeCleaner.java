package io.qat4j.graph.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns the raw directed edges of one graph at a time into the edge list a {@link Graph} holds,
 * by the rules of {@link CleaningReport} (dangling ids dropped, self-loops and duplicates removed,
 * missing reverse edges added), and counts what it did over a whole dataset.
 *
 * <p>The result is in canonical order, ascending by {@code (src, dst)}, whatever the input order;
 * the same edge set therefore always gives the same arrays. Cost: one sort of the graph's edges,
 * {@code O(E log E)}. Not thread-safe: one cleaner per load.
 */
public final class EdgeCleaner {

    /**
     * A cleaned edge list.
     *
     * @param src source node of each directed edge
     * @param dst target node of each directed edge
     */
    public record EdgeList(int[] src, int[] dst) {

        /** @return the number of directed edges */
        public int size() {
            return src.length;
        }
    }

    private int graphs;
    private long nodes;
    private long directedEdges;
    private long selfLoops;
    private long duplicates;
    private long dangling;
    private long reverseAdded;
    private final List<String> notes = new ArrayList<>();

    /**
     * Cleans the edges of one graph and counts it.
     *
     * @param nodeCount the graph's node count
     * @param src raw source ids; an id outside {@code 0..nodeCount-1} (e.g. -1 for a name the
     *     dataset does not know) marks a dangling edge
     * @param dst raw target ids, same length and convention
     * @param edgeCount how many leading entries of {@code src} and {@code dst} are edges
     * @return the cleaned, bidirectional edge list in ascending {@code (src, dst)} order
     */
    public EdgeList clean(int nodeCount, int[] src, int[] dst, int edgeCount) {
        if (nodeCount < 1 || edgeCount < 0 || edgeCount > src.length || edgeCount > dst.length) {
            throw new IllegalArgumentException(edgeCount + " edges over " + nodeCount + " nodes (arrays of "
                    + src.length + " and " + dst.length + ")");
        }
        long n = nodeCount;
        long[] keys = new long[edgeCount];
        int kept = 0;
        for (int e = 0; e < edgeCount; e++) {
            int u = src[e];
            int v = dst[e];
            if (u < 0 || u >= nodeCount || v < 0 || v >= nodeCount) {
                dangling++;
            } else if (u == v) {
                selfLoops++;
            } else {
                keys[kept++] = u * n + v;
            }
        }
        Arrays.sort(keys, 0, kept);
        int unique = 0;
        for (int e = 0; e < kept; e++) {
            if (unique == 0 || keys[e] != keys[unique - 1]) {
                keys[unique++] = keys[e];
            }
        }
        duplicates += kept - unique;
        long[] reverse = new long[unique];
        int missing = 0;
        for (int e = 0; e < unique; e++) {
            long r = (keys[e] % n) * n + keys[e] / n;
            if (Arrays.binarySearch(keys, 0, unique, r) < 0) {
                reverse[missing++] = r;
            }
        }
        reverseAdded += missing;
        long[] all = Arrays.copyOf(keys, unique + missing);
        System.arraycopy(reverse, 0, all, unique, missing);
        Arrays.sort(all);
        int[] s = new int[all.length];
        int[] d = new int[all.length];
        for (int e = 0; e < all.length; e++) {
            s[e] = (int) (all[e] / n);
            d[e] = (int) (all[e] % n);
        }
        graphs++;
        nodes += nodeCount;
        directedEdges += all.length;
        return new EdgeList(s, d);
    }

    /**
     * Records something the load report must say, e.g. a file that was ignored and why.
     *
     * @param note the text, without a trailing period
     */
    public void note(String note) {
        notes.add(note);
    }

    /** @return what was done so far */
    public CleaningReport report() {
        return new CleaningReport(graphs, nodes, directedEdges, selfLoops, duplicates, dangling, reverseAdded, notes);
    }
}
