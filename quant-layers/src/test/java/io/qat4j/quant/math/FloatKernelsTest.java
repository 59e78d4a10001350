package io.qat4j.quant.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The fused fake-quantization loop agrees bit for bit with the ND4J-operation path. */
class FloatKernelsTest {

    @Test
    void fakeQuantLoopEqualsNd4jFakeQuantBitForBit() {
        Random rnd = new Random(5);
        for (int trial = 0; trial < 40; trial++) {
            float[] v = new float[4096];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (rnd.nextGaussian() * 3);
            }
            double scale = 0.001 + rnd.nextDouble() * 0.1;
            int zp = rnd.nextInt(100) - 50;
            // exact ties: multiples of scale/2
            for (int i = 0; i < 64; i++) {
                v[i] = (float) ((rnd.nextInt(400) - 200) * 0.5 * (float) scale);
            }
            INDArray x = Nd4j.createFromArray(v);
            FakeQuant.Masked ref = FakeQuant.applyWithMask(x, scale, zp, -128, 127);
            float[] out = v.clone();
            float[] mask = new float[v.length];
            java.util.Arrays.fill(mask, 1f);
            int clamped = FloatKernels.fakeQuant(out, v.length, scale, zp, -128, 127, mask, true);
            assertArrayEquals(ref.values().toFloatVector(), out, 0f, "trial " + trial);
            assertArrayEquals(ref.mask().toFloatVector(), mask, 0f);
            assertEquals(v.length - ref.mask().sumNumber().intValue(), clamped);
        }
    }

    @Test
    void meanVarAndAffineActivateMatchDirectComputation() {
        Nd4j.getRandom().setSeed(3);
        INDArray y = Nd4j.randn(DataType.FLOAT, 4, 3, 5, 5);
        double[] mean = new double[3];
        double[] var = new double[3];
        FloatKernels.channelMeanVar(FloatKernels.read(y), 4, 3, 25, mean, var);
        assertArrayEquals(y.mean(0, 2, 3).castTo(DataType.DOUBLE).toDoubleVector(), mean, 1e-5);
        assertArrayEquals(y.var(false, 0, 2, 3).castTo(DataType.DOUBLE).toDoubleVector(), var, 1e-4);
        float[] ov = new float[(int) y.length()];
        float[] gv = new float[(int) y.length()];
        float[] mm = FloatKernels.affineActivate(FloatKernels.read(y), ov, gv,
                4, 3, 25, new float[] {2f, -1f, 0.5f}, new float[] {0.1f, 0f, -0.3f}, FloatKernels.Act.RELU6);
        INDArray out = Nd4j.createFromArray(ov).reshape(y.shape());
        INDArray g = Nd4j.createFromArray(gv).reshape(y.shape());
        for (int b = 0; b < 4; b++) {
            for (int c = 0; c < 3; c++) {
                float mul = new float[] {2f, -1f, 0.5f}[c];
                float add = new float[] {0.1f, 0f, -0.3f}[c];
                for (int h = 0; h < 5; h++) {
                    for (int w = 0; w < 5; w++) {
                        float z = y.getFloat(b, c, h, w) * mul + add;
                        assertEquals(Math.min(Math.max(z, 0f), 6f), out.getFloat(b, c, h, w), 0f);
                        assertEquals(z > 0 && z < 6 ? 1f : 0f, g.getFloat(b, c, h, w), 0f);
                    }
                }
            }
        }
        assertEquals(out.minNumber().floatValue(), mm[0], 0f);
        assertEquals(out.maxNumber().floatValue(), mm[1], 0f);
    }
}
