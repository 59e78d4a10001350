package io.qat4j.quant.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.quant.spec.ObserverSpec;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class RangeObserverTest {

    private static INDArray state() {
        return Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.DOUBLE, 3);
    }

    @Test
    void minMaxKeepsTheRunningExtremes() {
        INDArray s = state();
        assertFalse(RangeObserver.initialized(s));
        RangeObserver.observe(ObserverSpec.MIN_MAX, Nd4j.createFromArray(-1.0, 2.0), s);
        RangeObserver.observe(ObserverSpec.MIN_MAX, Nd4j.createFromArray(-0.5, 3.0), s);
        RangeObserver.observe(ObserverSpec.MIN_MAX, Nd4j.createFromArray(-4.0, 1.0), s);
        assertArrayEquals(new double[] {-4, 3, 3}, s.toDoubleVector(), 0.0);
        assertTrue(RangeObserver.initialized(s));
    }

    @Test
    void emaStartsAtTheFirstBatchThenMovesByMomentum() {
        INDArray s = state();
        ObserverSpec ema = ObserverSpec.ema(0.01);
        RangeObserver.observe(ema, Nd4j.createFromArray(-1.0, 2.0), s);
        RangeObserver.observe(ema, Nd4j.createFromArray(-3.0, 4.0), s);
        assertEquals(-1.0 + 0.01 * (-3.0 + 1.0), s.getDouble(0), 1e-15);
        assertEquals(2.0 + 0.01 * (4.0 - 2.0), s.getDouble(1), 1e-15);
    }

    @Test
    void percentileIgnoresOutliersAndRunsAsMinMax() {
        double[] v = new double[1001];
        for (int i = 0; i < v.length; i++) {
            v[i] = i - 500; // -500..500
        }
        v[0] = -1e6;
        v[1000] = 1e6;
        INDArray s = state();
        RangeObserver.observe(ObserverSpec.percentile(0.01), Nd4j.createFromArray(v), s);
        assertEquals(-490, s.getDouble(0), 0.0); // rank round(0.01*1000) = 10
        assertEquals(490, s.getDouble(1), 0.0);
        RangeObserver.observe(ObserverSpec.percentile(0.01), Nd4j.createFromArray(v).muli(0.5), s);
        assertEquals(-490, s.getDouble(0), 0.0);
    }

    /**
     * A tensor that is 0 in 99.5% of its entries (sparse node features) has both 1% percentiles at
     * 0; the observer takes its min and max then, so its non-zero values keep a range.
     */
    @Test
    void percentilesThatCoincideGiveWayToMinAndMax() {
        double[] v = new double[1000];
        v[10] = 0.25;
        v[500] = 1.0;
        v[900] = 0.5;
        v[901] = 0.125;
        v[902] = -0.0625;
        INDArray sparse = Nd4j.createFromArray(v);
        ObserverSpec p = ObserverSpec.percentile(0.01);
        assertArrayEquals(new double[] {0, 0}, Percentiles.lowHigh(sparse, 0.01), 0.0);
        assertArrayEquals(new double[] {-0.0625, 1.0}, RangeObserver.batchRange(p, sparse), 0.0);
        INDArray s = state();
        RangeObserver.observe(p, sparse, s);
        assertArrayEquals(new double[] {-0.0625, 1.0, 1}, s.toDoubleVector(), 0.0);
        // percentiles that differ are kept, however narrow
        assertArrayEquals(new double[] {-1, 1}, RangeObserver.percentileRange(new double[] {-1, 1}, new double[] {-9, 9}),
                0.0);
        assertArrayEquals(new double[] {-9, 9}, RangeObserver.percentileRange(new double[] {0, 0}, new double[] {-9, 9}),
                0.0);
    }
}
