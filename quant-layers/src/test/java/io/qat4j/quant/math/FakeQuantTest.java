package io.qat4j.quant.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.executor.quant.QuantRange;
import io.qat4j.quant.spec.Granularity;
import io.qat4j.quant.spec.ObserverSpec;
import io.qat4j.quant.spec.QuantSpec;
import io.qat4j.quant.spec.QuantSpecs;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Fake quantization on ND4J against the scalar reference of the arithmetic contract. */
class FakeQuantTest {

    @Test
    void codesMatchScalarReferenceOnRandomValues() {
        Random rnd = new Random(1);
        QuantRange r = QuantRange.of(8, true, false);
        for (int trial = 0; trial < 50; trial++) {
            double lo = -rnd.nextDouble() * 4, hi = rnd.nextDouble() * 6;
            AffineQuantParams p = AffineQuantParams.asymmetric(lo, hi, r);
            double[] x = new double[500];
            for (int i = 0; i < x.length; i++) {
                x[i] = (rnd.nextDouble() * 1.4 - 0.2) * (hi - lo) + lo; // includes out-of-range values
            }
            INDArray codes = FakeQuant.codes(Nd4j.createFromArray(x), p.scale(), p.zeroPoint(), r.qMin(), r.qMax());
            INDArray values = FakeQuant.apply(Nd4j.createFromArray(x), p.scale(), p.zeroPoint(), r.qMin(), r.qMax());
            for (int i = 0; i < x.length; i++) {
                assertEquals(p.quantize(x[i]), codes.getDouble(i), 0.0, "x=" + x[i]);
                assertEquals(p.dequantize(p.quantize(x[i])), values.getDouble(i), 1e-12);
            }
        }
    }

    @Test
    void tiesRoundAwayFromZero() {
        // scale 0.25: x = 0.125 * odd is exactly halfway between two codes
        INDArray x = Nd4j.createFromArray(-0.625, -0.375, -0.125, 0.125, 0.375, 0.625);
        INDArray codes = FakeQuant.codes(x, 0.25, 0, -127, 127);
        assertArrayEquals(new double[] {-3, -2, -1, 1, 2, 3}, codes.toDoubleVector(), 0.0);
        INDArray f = Nd4j.createFromArray(-2.5f, 2.5f, -0.5f, 0.5f);
        assertArrayEquals(new float[] {-3, 3, -1, 1}, FakeQuant.codes(f, 1.0, 0, -127, 127).toFloatVector(), 0f);
    }

    @Test
    void clippedMaskIsOneExactlyWhereTheUnclampedCodeIsInRange() {
        // scale 1, zp 0, range [-2, 1]
        INDArray x = Nd4j.createFromArray(-3.0, -2.6, -2.4, -1.0, 0.0, 1.0, 1.4, 1.5, 7.0);
        FakeQuant.Masked m = FakeQuant.applyWithMask(x, 1.0, 0, -2, 1);
        assertArrayEquals(new double[] {0, 0, 1, 1, 1, 1, 1, 0, 0}, m.mask().toDoubleVector(), 0.0);
        assertArrayEquals(new double[] {-2, -2, -2, -1, 0, 1, 1, 1, 1}, m.values().toDoubleVector(), 0.0);
    }

    @Test
    void perChannelWeightScalesUseEachRowsAbsMax() {
        INDArray w = Nd4j.createFromArray(new double[][] {{0.5, -1.27, 0.1}, {0.02, 0.01, -0.005}});
        INDArray s = WeightFakeQuant.rowScales(w, QuantSpecs.INT8_WEIGHT_PER_CHANNEL);
        assertEquals(1.27 / 127, s.getDouble(0, 0), 1e-15);
        assertEquals(0.02 / 127, s.getDouble(1, 0), 1e-15);
        FakeQuant.Masked q = WeightFakeQuant.apply(w, QuantSpecs.INT8_WEIGHT_PER_CHANNEL, false);
        for (int r = 0; r < 2; r++) {
            AffineQuantParams p = new AffineQuantParams(s.getDouble(r, 0), 0, QuantRange.of(8, true, true));
            for (int c = 0; c < 3; c++) {
                assertEquals(p.dequantize(p.quantize(w.getDouble(r, c))), q.values().getDouble(r, c), 1e-12);
            }
        }
        INDArray t = WeightFakeQuant.rowScales(w, QuantSpecs.INT8_WEIGHT_PER_TENSOR);
        assertEquals(1.27 / 127, t.getDouble(1, 0), 1e-15);
    }

    @Test
    void groupWiseScalesShareARangePerContiguousGroup() {
        Random rnd = new Random(3);
        double[][] w = new double[6][4];
        for (double[] row : w) {
            for (int c = 0; c < 4; c++) {
                row[c] = rnd.nextGaussian();
            }
        }
        INDArray arr = Nd4j.createFromArray(w);
        QuantSpec spec = new QuantSpec(4, true, true, true, Granularity.PER_GROUP, 3, ObserverSpec.MIN_MAX,
                io.qat4j.quant.spec.SteMode.PLAIN);
        INDArray s = WeightFakeQuant.rowScales(arr, spec);
        for (int g = 0; g < 3; g++) {
            double m = 0;
            for (int r = 2 * g; r < 2 * g + 2; r++) {
                for (double v : w[r]) {
                    m = Math.max(m, Math.abs(v));
                }
            }
            assertEquals(m / 7, s.getDouble(2 * g, 0), 1e-15);
            assertEquals(m / 7, s.getDouble(2 * g + 1, 0), 1e-15);
        }
    }

    @Test
    void floatArraysStayFloat() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 3, 4);
        assertEquals(DataType.FLOAT, FakeQuant.apply(x, 0.01, -3, -128, 127).dataType());
        assertEquals(DataType.FLOAT, WeightFakeQuant.apply(x, QuantSpecs.INT4_WEIGHT_PER_CHANNEL, true).mask().dataType());
    }
}
