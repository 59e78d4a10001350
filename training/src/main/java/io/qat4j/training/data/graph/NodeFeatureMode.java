package io.qat4j.training.data.graph;

import io.qat4j.graph.data.Graph;
import io.qat4j.graph.data.GraphTask;
import io.qat4j.training.config.binding.ConfigChoice;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code dataset.nodeFeatures} of the graph-level formats: the node features as the loader gives
 * them, or features computed from the in-degree, which replace them:
 * <ul>
 *   <li>{@code degree-normalized}: one feature, the in-degree standardised by the mean and the
 *       standard deviation of the in-degrees of all the dataset's nodes (camlsys/degree-quant's
 *       {@code NormalizedDegree} for REDDIT-BINARY, whose mean and std are torch's over the
 *       concatenated degrees: the sample standard deviation, divided by {@code n - 1});</li>
 *   <li>{@code degree-one-hot}: the in-degree one-hot over {@code 0..maxDegree} ({@code maxDegree
 *       + 1} features; PyG's {@code OneHotDegree} for datasets without node features), a node of
 *       a higher degree failing the load.</li>
 * </ul>
 */
public enum NodeFeatureMode implements ConfigChoice {
    /** The features the loader reads. */
    AS_LOADED("as-loaded"),
    /** The standardised in-degree, one feature. */
    DEGREE_NORMALIZED("degree-normalized"),
    /** The in-degree one-hot over {@code 0..maxDegree}. */
    DEGREE_ONE_HOT("degree-one-hot");

    private final String yamlName;

    NodeFeatureMode(String yamlName) {
        this.yamlName = yamlName;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }

    /**
     * @param graphs the dataset's graphs, labelled per graph
     * @param maxDegree the largest in-degree of {@code degree-one-hot}
     * @return the graphs with this mode's features
     * @throws IllegalArgumentException when a node's in-degree exceeds {@code maxDegree}
     *     ({@code degree-one-hot}) or all in-degrees are equal ({@code degree-normalized})
     */
    public List<Graph> apply(List<Graph> graphs, int maxDegree) {
        if (this == AS_LOADED) {
            return graphs;
        }
        List<int[]> degrees = new ArrayList<>(graphs.size());
        double sum = 0;
        long nodes = 0;
        for (Graph g : graphs) {
            int[] d = new int[g.nodeCount()];
            for (int e = 0; e < g.edgeCount(); e++) {
                d[g.dst(e)]++;
            }
            for (int v : d) {
                sum += v;
            }
            nodes += d.length;
            degrees.add(d);
        }
        double mean = sum / nodes;
        double squares = 0;
        for (int[] d : degrees) {
            for (int v : d) {
                squares += (v - mean) * (v - mean);
            }
        }
        double std = nodes < 2 ? 0 : Math.sqrt(squares / (nodes - 1));
        if (this == DEGREE_NORMALIZED && !(std > 0)) {
            throw new IllegalArgumentException("dataset.nodeFeatures: degree-normalized needs in-degrees that vary;"
                    + " every node of the dataset has in-degree " + mean);
        }
        List<Graph> out = new ArrayList<>(graphs.size());
        for (int i = 0; i < graphs.size(); i++) {
            Graph g = graphs.get(i);
            int[] d = degrees.get(i);
            int width = this == DEGREE_NORMALIZED ? 1 : maxDegree + 1;
            float[] x = new float[d.length * width];
            for (int v = 0; v < d.length; v++) {
                if (this == DEGREE_NORMALIZED) {
                    x[v] = (float) ((d[v] - mean) / std);
                } else if (d[v] > maxDegree) {
                    throw new IllegalArgumentException("dataset.maxDegree: node " + v + " of graph " + i + " has"
                            + " in-degree " + d[v] + ", above maxDegree " + maxDegree + "; raise maxDegree");
                } else {
                    x[v * width + d[v]] = 1f;
                }
            }
            out.add(withFeatures(g, width, x));
        }
        return out;
    }

    private static Graph withFeatures(Graph g, int width, float[] x) {
        return g.task() == GraphTask.GRAPH_REGRESSION
                ? Graph.forGraphRegression(g.nodeCount(), width, x, g.src(), g.dst(), g.targets())
                : Graph.forGraphClassification(g.nodeCount(), width, x, g.src(), g.dst(), g.label(), g.classCount());
    }
}
