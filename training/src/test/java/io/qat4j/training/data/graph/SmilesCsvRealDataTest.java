package io.qat4j.training.data.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.qat4j.graph.data.Graph;
import io.qat4j.graph.data.GraphDataset;
import io.qat4j.graph.data.GraphTask;
import io.qat4j.graph.data.SmilesCsvLoader;
import io.qat4j.training.data.RequiresData;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The real ESOL file ({@code ../shared/datasets/esol}) through {@link SmilesCsvLoader} with CDK;
 * skipped when absent unless {@code QAT4J_REQUIRE_DATA=1}. Expected values come from its
 * {@code SOURCE.txt}: 1128 molecules (every SMILES parses, 212 of them with a trailing space),
 * the target column {@code logSolubility} with minimum, mean and maximum -11.600, -3.050 and 1.580
 * (printed to three decimals, hence the tolerance of half a unit in the last place).
 */
class SmilesCsvRealDataTest {

    @Test
    void esolHasTheDocumentedMoleculesAndTargets() throws IOException {
        GraphDataset d = new SmilesCsvLoader("smiles", List.of("logSolubility"))
                .load(RequiresData.sharedDataset("esol"));
        assertEquals("esol", d.name());
        assertEquals(GraphTask.GRAPH_REGRESSION, d.task());
        assertEquals(1128, d.graphCount());
        assertEquals(List.of("logSolubility"), d.targetNames());
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        double sum = 0;
        for (Graph g : d.graphs()) {
            double y = g.targets()[0];
            min = Math.min(min, y);
            max = Math.max(max, y);
            sum += y;
        }
        assertEquals(-11.600, min, 0.0005);
        assertEquals(-3.050, sum / d.graphCount(), 0.0005);
        assertEquals(1.580, max, 0.0005);
        // molecules have no self-loops or repeated bonds: cleaning only adds the reverse of every bond
        assertEquals(d.cleaning().undirectedEdges(), d.cleaning().reverseEdgesAdded());
        assertEquals(0, d.cleaning().selfLoopsRemoved() + d.cleaning().duplicateEdgesRemoved());
    }
}
