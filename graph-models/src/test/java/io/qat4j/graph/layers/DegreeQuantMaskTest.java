package io.qat4j.graph.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Degree-Quant's mask: {@code p(d) = pMin + (pMax - pMin) CDF(d)} per node, one Bernoulli draw
 * each. The protected fraction of each in-degree bucket of a large random graph must lie within 5
 * binomial standard deviations {@code sqrt(p (1 - p) / n)} of its {@code p}: a correct sampler
 * misses this with probability below 6e-7 per bucket (normal tail; the buckets hold hundreds of
 * nodes), while a sampler that ignores the degree (a constant {@code p}), inverts the CDF or draws
 * per graph fails it by tens of standard deviations.
 */
class DegreeQuantMaskTest {

    @Test
    void protectedFractionPerDegreeBucketFollowsTheCdf() {
        TestGraphs.Batch b = TestGraphs.random(4, 5000, 12000, 1, 7);
        double[] cdf = b.inDegreeCdf();
        for (DegreeQuantMask m : new DegreeQuantMask[] {DegreeQuantMask.INT8, DegreeQuantMask.INT4,
            new DegreeQuantMask(0.1, 0.9)}) {
            INDArray drawn = m.draw(cdf, 42L);
            float[] mask = drawn.data().asFloat();
            // bucket by (CDF value): every node of one in-degree in one graph shares it
            Map<Double, int[]> buckets = new TreeMap<>();
            for (int i = 0; i < cdf.length; i++) {
                int[] c = buckets.computeIfAbsent(cdf[i], k -> new int[2]);
                c[0]++;
                c[1] += mask[i] == 1f ? 1 : 0;
            }
            int checked = 0;
            for (Map.Entry<Double, int[]> e : buckets.entrySet()) {
                int n = e.getValue()[0];
                if (n < 100) {
                    continue;
                }
                double p = m.pMin() + (m.pMax() - m.pMin()) * e.getKey();
                double sd = Math.sqrt(p * (1 - p) / n);
                double fraction = (double) e.getValue()[1] / n;
                assertTrue(Math.abs(fraction - p) <= 5 * sd + 1e-12, m + ": CDF " + e.getKey() + ": " + e.getValue()[1] + " of "
                        + n + " protected, expected p " + p + " +- " + 5 * sd);
                checked++;
            }
            assertTrue(checked >= 5, "too few degree buckets with 100 nodes: " + checked);
        }
    }

    @Test
    void theDrawIsSeededAndEvaluationProtectsNothing() {
        double[] cdf = TestGraphs.random(2, 500, 1500, 1, 3).inDegreeCdf();
        DegreeQuantMask m = new DegreeQuantMask(0.2, 0.6);
        assertEquals(m.draw(cdf, 5L), m.draw(cdf, 5L));
        assertNotEquals(m.draw(cdf, 5L), m.draw(cdf, 6L));
        assertEquals(0.0, DegreeQuantMask.none(1000).sumNumber().doubleValue());
        assertEquals(1000, DegreeQuantMask.none(1000).size(0));
        // pMax 1 and the highest degree (CDF 1): always protected; pMin 0 and CDF 0: never
        assertEquals(1.0, new DegreeQuantMask(0, 1).probability(1.0));
        assertEquals(0.0, new DegreeQuantMask(0, 1).probability(0.0));
    }

    @Test
    void settingsAreChecked() {
        assertEquals(DegreeQuantMask.INT8, DegreeQuantMask.forBits(8));
        assertEquals(0.1, DegreeQuantMask.INT4.pMin());
        assertEquals(0.2, DegreeQuantMask.INT4.pMax());
        assertThrows(IllegalArgumentException.class, () -> DegreeQuantMask.forBits(6));
        assertThrows(IllegalArgumentException.class, () -> new DegreeQuantMask(0.3, 0.2));
        assertThrows(IllegalArgumentException.class, () -> new DegreeQuantMask(-0.1, 0.2));
        assertThrows(IllegalArgumentException.class, () -> new DegreeQuantMask(0.1, 1.2));
        assertThrows(IllegalArgumentException.class, () -> DegreeQuantMask.INT8.probability(1.5));
    }
}
