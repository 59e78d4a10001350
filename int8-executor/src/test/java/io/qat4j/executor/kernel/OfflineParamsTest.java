package io.qat4j.executor.kernel;

import static io.qat4j.executor.kernel.KernelTestSupport.activation;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.arith.QuantizedMultiplier;
import io.qat4j.executor.prep.AddRescale;
import io.qat4j.executor.prep.BiasQuantizer;
import io.qat4j.executor.prep.OutputMultipliers;
import org.junit.jupiter.api.Test;

/** The offline helpers of {@code io.qat4j.executor.prep} that feed the kernels. */
class OfflineParamsTest {

    @Test
    void perChannelMultipliersApproximateTheScaleRatio() {
        double sIn = 0.0173;
        double[] sw = {0.0021, 0.00043, 0.013, 1e-7};
        double sOut = 0.061;
        QuantizedMultiplier[] m = OutputMultipliers.perChannel(sIn, sw, sOut);
        for (int c = 0; c < sw.length; c++) {
            double exact = sIn * sw[c] / sOut;
            assertEquals(QuantizedMultiplier.of(exact), m[c]);
            assertEquals(exact, m[c].realValue(), exact * 0x1p-30);
        }
        Requantization rq = OutputMultipliers.requantization(sIn, sw, activation(sOut, 7), ActivationClamp.INT8);
        assertEquals(4, rq.channels());
        assertEquals(7, rq.outputZeroPoint());
        assertEquals(m[1].multiplier(), rq.multipliers()[1]);
        assertEquals(m[1].shift(), rq.shifts()[1]);
        assertThrows(IllegalArgumentException.class, () -> OutputMultipliers.perChannel(0, sw, sOut));
        assertThrows(IllegalArgumentException.class, () -> OutputMultipliers.perChannel(sIn, new double[] {-1}, sOut));
    }

    @Test
    void averagePoolTableIsIndexedByCount() {
        AveragePoolRequantization t = OutputMultipliers.averagePool(0.5, activation(0.25, 3), 9);
        assertEquals(9, t.maxCount());
        for (int count = 1; count <= 9; count++) {
            QuantizedMultiplier q = QuantizedMultiplier.of(0.5 / (0.25 * count));
            assertEquals(q.multiplier(), t.multipliers()[count - 1]);
            assertEquals(q.shift(), t.shifts()[count - 1]);
        }
        assertEquals(QuantizedMultiplier.of(0.5 / (0.25 * 49)), OutputMultipliers.globalAveragePool(0.5, 0.25, 49));
    }

    /** Bias ties round away from zero; values outside int32 are rejected. */
    @Test
    void biasQuantization() {
        double sIn = 0.5;
        double[] sw = {0.25, 0.125};
        // units: 0.125 and 0.0625
        assertArrayEquals(new int[] {1, -1}, BiasQuantizer.quantize(new double[] {0.0625, -0.03125}, sIn, sw));
        assertArrayEquals(new int[] {8, 16}, BiasQuantizer.quantize(new double[] {1, 1}, sIn, sw));
        assertArrayEquals(new int[] {8, 8}, BiasQuantizer.quantize(new double[] {1, 1}, sIn, new double[] {0.25}));
        assertThrows(IllegalArgumentException.class, () -> BiasQuantizer.quantize(new double[] {1e9}, 1e-3, sw));
        assertThrows(IllegalArgumentException.class, () -> BiasQuantizer.quantize(new double[] {1, 2, 3}, sIn, sw));
    }

    /** TFLite add.cc: leftShift 20, input multipliers S_i / (2 max S), output 2 max S / (2^20 S_out). */
    @Test
    void addRescaleMatchesTflitePreparation() {
        AddParams p = AddRescale.params(activation(0.5, 3), activation(0.25, -7), activation(0.25, 1),
                ActivationClamp.INT8);
        assertEquals(20, p.leftShift());
        assertEquals(1 << 30, p.input1Multiplier()); // 0.5
        assertEquals(0, p.input1Shift());
        assertEquals(1 << 30, p.input2Multiplier()); // 0.25
        assertEquals(-1, p.input2Shift());
        assertEquals(1 << 30, p.outputMultiplier()); // 2^-18
        assertEquals(-17, p.outputShift());
        assertEquals(3, p.input1ZeroPoint());
        assertEquals(-7, p.input2ZeroPoint());
        assertEquals(1, p.outputZeroPoint());
        AddParams swapped = AddRescale.params(activation(0.1, 0), activation(0.3, 0), activation(0.3, 0),
                ActivationClamp.INT8);
        assertEquals(1 << 30, swapped.input2Multiplier()); // the larger scale gets 1/2
        assertEquals(0, swapped.input2Shift());
        assertTrue(swapped.input1Shift() < 0);
    }
}
