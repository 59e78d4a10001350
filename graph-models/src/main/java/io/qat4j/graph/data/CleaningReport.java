package io.qat4j.graph.data;

import java.util.List;
import java.util.Objects;

/**
 * What loading a graph dataset did to its edges and which of its files it left aside: the value
 * behind the one log line every loader writes ({@link #logLine(String)}), e.g.
 * {@code cora: 1 graph, 2708 nodes, 10556 directed edges (5278 undirected); removed 0 self-loops,
 * 0 duplicate edges; dropped 0 edges with dangling ids; added 5278 reverse edges}.
 *
 * <p>The rules, applied by {@link EdgeCleaner} in this order to every edge of a file: an edge that
 * names a node id the dataset does not have is dropped (a "dangling id"; only formats whose ids are
 * names can have them, such as LINQS paper ids; a numeric id out of range is a malformed file
 * instead); a self-loop is removed; a repeated directed edge is removed; then every edge whose
 * reverse is missing gets it, since graphs are treated as undirected, as PyG's
 * {@code to_undirected} does for citation graphs (TU and GIN text files already list both
 * directions, and then nothing is added).
 *
 * @param graphs number of graphs
 * @param nodes number of nodes over all graphs
 * @param directedEdges directed edges kept, reverse edges included (twice the undirected edges)
 * @param selfLoopsRemoved self-loops removed
 * @param duplicateEdgesRemoved repeated directed edges removed
 * @param danglingEdgesDropped edges dropped because they name an unknown node id
 * @param reverseEdgesAdded reverse edges added to make every edge bidirectional
 * @param notes what else the loader wants said: files it ignored and why, a missing split file
 */
public record CleaningReport(int graphs, long nodes, long directedEdges, long selfLoopsRemoved,
                             long duplicateEdgesRemoved, long danglingEdgesDropped, long reverseEdgesAdded,
                             List<String> notes) {

    /** Checks the counts and copies the notes. */
    public CleaningReport {
        if (graphs < 0 || nodes < 0 || directedEdges < 0 || selfLoopsRemoved < 0 || duplicateEdgesRemoved < 0
                || danglingEdgesDropped < 0 || reverseEdgesAdded < 0) {
            throw new IllegalArgumentException("negative count in a cleaning report");
        }
        notes = List.copyOf(Objects.requireNonNull(notes, "notes"));
    }

    /** @return the number of undirected edges: half the directed ones, since every edge is bidirectional */
    public long undirectedEdges() {
        return directedEdges / 2;
    }

    /**
     * @param dataset the dataset's name
     * @return the one line a load logs
     */
    public String logLine(String dataset) {
        StringBuilder s = new StringBuilder(dataset).append(": ")
                .append(graphs).append(graphs == 1 ? " graph, " : " graphs, ")
                .append(nodes).append(" nodes, ")
                .append(directedEdges).append(" directed edges (").append(undirectedEdges()).append(" undirected); ")
                .append("removed ").append(selfLoopsRemoved).append(" self-loops, ")
                .append(duplicateEdgesRemoved).append(" duplicate edges; ")
                .append("dropped ").append(danglingEdgesDropped).append(" edges with dangling ids; ")
                .append("added ").append(reverseEdgesAdded).append(" reverse edges");
        for (String note : notes) {
            s.append("; ").append(note);
        }
        return s.toString();
    }
}
