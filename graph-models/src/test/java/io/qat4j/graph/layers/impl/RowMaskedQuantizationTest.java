package io.qat4j.graph.layers.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.graph.layers.GnnQuantSettings;
import io.qat4j.quant.layers.impl.ActivationQuantization;
import io.qat4j.quant.math.RangeObserver;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.QuantSpec;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Degree-Quant's split quantization: protected rows pass unchanged with gradient 1, the others are
 * fake-quantized by the observer's range, and the percentile observer sees the unprotected rows
 * only (ranks {@code round(p (n - 1))} of the sorted values, kept as a running min/max).
 */
class RowMaskedQuantizationTest {

    private static final QuantSpec DQ8 = GnnQuantSettings.degreeQuant(8, QuantSchedule.ALWAYS).activations();

    private static INDArray state() {
        return Nd4j.zeros(DataType.FLOAT, 3);
    }

    /**
     * Sparse node features (Cora's are 98.7% zeros) have both 1% percentiles at 0: the observer takes
     * the min and max of the unprotected rows then, and the non-zero features survive INT4 quantization
     * (binary features exactly: 0 and 1 are on the grid of the range [0, 1]).
     */
    @Test
    void sparseFeaturesKeepTheirRangeUnderInt4Percentiles() {
        QuantSpec dq4 = GnnQuantSettings.degreeQuant(4, QuantSchedule.ALWAYS).activations();
        int rows = 100;
        int cols = 100;
        float[] v = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            v[r * cols + r % cols] = 1f; // one word per node: 1% non-zero
        }
        INDArray x = Nd4j.create(v, new long[] {rows, cols}, 'c');
        INDArray s = state();
        ActivationQuantization.Result r = RowMaskedQuantization.apply(x, new boolean[rows], dq4, QuantSchedule.ALWAYS, s,
                0, true, true);
        assertArrayEquals(new float[] {0, 1, 1}, s.toFloatVector());
        assertArrayEquals(v, r.values().reshape(rows * cols).toFloatVector());
    }

    @Test
    void percentileRangesOfTheUnprotectedRowsOnKnownData() {
        // rows of 50 values: row r holds r*50 .. r*50+49, shuffled within the tensor
        int rows = 200;
        int cols = 50;
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        INDArray x = Nd4j.create(v, new long[] {rows, cols}, 'c');
        boolean[] protect = new boolean[rows];
        for (int r = 0; r < 20; r++) {
            protect[r] = true; // values 0 .. 999 are protected, the observer sees 1000 .. 9999
        }
        protect[rows - 1] = true; // and 9950 .. 9999
        INDArray s = state();
        RowMaskedQuantization.apply(x, protect, DQ8, QuantSchedule.ALWAYS, s, 0, true, true);
        // 8950 observed values 1000 .. 9949: ranks round(0.001 * 8949) = 9 and 8949 - 9 = 8940
        assertArrayEquals(new float[] {1009, 9940, 1}, s.toFloatVector());
        // a second batch: running min of the lower percentiles, max of the upper
        INDArray y = x.mul(2).subi(5000);
        RowMaskedQuantization.apply(y, protect, DQ8, QuantSchedule.ALWAYS, s, 1, true, true);
        assertArrayEquals(new float[] {1009 * 2 - 5000, 9940 * 2 - 5000, 2}, s.toFloatVector());
        // evaluation observes nothing
        RowMaskedQuantization.apply(x.mul(10), null, DQ8, QuantSchedule.ALWAYS, s, 2, false, true);
        assertEquals(2f, s.getFloat(RangeObserver.COUNT));
    }

    @Test
    void protectedRowsAreUntouchedForwardAndBackward() {
        SplittableRandom r = new SplittableRandom(5);
        int rows = 64;
        INDArray x = Nd4j.rand(DataType.FLOAT, rows, 8).subi(0.5).muli(6);
        boolean[] protect = new boolean[rows];
        for (int i = 0; i < rows; i++) {
            protect[i] = r.nextDouble() < 0.3;
        }
        INDArray s = Nd4j.createFromArray(-1f, 1f, 1f); // frozen narrow range: most values clip
        QuantSchedule frozen = new QuantSchedule(0, 0, -1);
        ActivationQuantization.Result q = RowMaskedQuantization.apply(x, protect, DQ8, frozen, s, 5, true, true);
        AffineQuantParams p = AffineQuantParams.asymmetric(-1, 1, DQ8.range());
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < 8; j++) {
                float in = x.getFloat(i, j);
                if (protect[i]) {
                    assertEquals(in, q.values().getFloat(i, j), 0f, "protected row " + i);
                    assertEquals(1f, q.gradMask().getFloat(i, j), 0f, "protected row " + i + " passes the gradient");
                } else {
                    int code = p.quantize(in);
                    assertEquals((float) p.dequantize(code), q.values().getFloat(i, j), 1e-6f, "row " + i);
                    int unclamped = (int) Math.signum(in / p.scale()) * (int) Math.floor(Math.abs(in / p.scale()) + 0.5)
                            + p.zeroPoint();
                    boolean inRange = unclamped >= DQ8.range().qMin() && unclamped <= DQ8.range().qMax();
                    assertEquals(inRange ? 1f : 0f, q.gradMask().getFloat(i, j), 0f, "row " + i + " clipped STE");
                }
            }
        }
        assertArrayEquals(new float[] {-1, 1, 1}, s.toFloatVector(), "frozen observer");
        assertTrue(q.clippedFraction() > 0.3, "the narrow range clips");
    }

    @Test
    void allProtectedIsTheIdentityAndNoneProtectedIsPlainQuantization() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 10, 3);
        boolean[] all = new boolean[10];
        Arrays.fill(all, true);
        INDArray s = state();
        ActivationQuantization.Result q = RowMaskedQuantization.apply(x, all, DQ8, QuantSchedule.ALWAYS, s, 0, true, true);
        assertEquals(x, q.values());
        assertNull(q.gradMask());
        assertEquals(0f, s.getFloat(RangeObserver.COUNT), "nothing observed");
        INDArray s2 = state();
        INDArray s3 = state();
        assertEquals(ActivationQuantization.apply(x, DQ8, QuantSchedule.ALWAYS, s2, 0, true, true).values(),
                RowMaskedQuantization.apply(x, null, DQ8, QuantSchedule.ALWAYS, s3, 0, true, true).values());
        assertEquals(s2, s3);
        assertArrayEquals(new boolean[] {true, false, true}, RowMaskedQuantization.ofSources(new boolean[] {true, false},
                new int[] {0, 1, 0}));
        assertNull(RowMaskedQuantization.ofSources(null, new int[] {0}));
    }
}
