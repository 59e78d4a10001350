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

    /**
     * The {@code [N, C]} (inner 1) loops walk row by row; the same values laid out {@code [1, C, N]}
     * take the channel-by-channel loops, whose per-channel sums run over the same values in the same
     * order: all results must be equal to the bit.
     */
    @Test
    void rowMajorBatchNormLoopsEqualTheChannelMajorOnesBitForBit() {
        Random rnd = new Random(9);
        int n = 301;
        int c = 7;
        float[] y = new float[n * c];
        float[] dz = new float[n * c];
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) (rnd.nextGaussian() * 2 + 0.5);
            dz[i] = (float) rnd.nextGaussian();
        }
        float[] yT = transpose(y, n, c);
        float[] dzT = transpose(dz, n, c);
        double[] mean = new double[c];
        double[] var = new double[c];
        double[] meanT = new double[c];
        double[] varT = new double[c];
        FloatKernels.channelMeanVar(y, n, c, 1, mean, var);
        FloatKernels.channelMeanVar(yT, 1, c, n, meanT, varT);
        assertArrayEquals(meanT, mean, 0.0);
        assertArrayEquals(varT, var, 0.0);

        double[] invStd = new double[c];
        float[] gamma = new float[c];
        float[] s = new float[c];
        float[] fm = new float[c];
        float[] std = new float[c];
        for (int ch = 0; ch < c; ch++) {
            invStd[ch] = 1 / Math.sqrt(var[ch] + 1e-5);
            gamma[ch] = (float) (0.5 + rnd.nextDouble());
            s[ch] = (float) (gamma[ch] * invStd[ch]);
            fm[ch] = (float) mean[ch];
            std[ch] = (float) Math.sqrt(var[ch] + 1e-5);
        }
        double[][] g = new double[4][c];
        float[] dy = new float[n * c];
        float[] dyT = new float[n * c];
        FloatKernels.batchNormBackward(dz, y, dy, n, c, 1, mean, invStd, gamma, g[0], g[1]);
        FloatKernels.batchNormBackward(dzT, yT, dyT, 1, c, n, mean, invStd, gamma, g[2], g[3]);
        assertArrayEquals(g[2], g[0], 0.0);
        assertArrayEquals(g[3], g[1], 0.0);
        assertArrayEquals(transpose(dyT, c, n), dy, 0f);

        FloatKernels.frozenBatchNormBackward(dz, y, dy, n, c, 1, s, fm, std, g[0], g[1]);
        FloatKernels.frozenBatchNormBackward(dzT, yT, dyT, 1, c, n, s, fm, std, g[2], g[3]);
        assertArrayEquals(g[2], g[0], 0.0);
        assertArrayEquals(g[3], g[1], 0.0);
        assertArrayEquals(transpose(dyT, c, n), dy, 0f);
    }

    /**
     * The fused loops' unclamped code agrees with the executor's {@code Rounding.quantizeFloat}:
     * equal inside the code range, on the same side outside it; on ties (exact multiples of half a
     * scale step), values around every power of two up to 2^40, zeros of both signs, infinities and
     * NaN.
     */
    @Test
    void unclampedCodeAgreesWithTheExecutorsRounding() {
        Random rnd = new Random(13);
        for (int trial = 0; trial < 200_000; trial++) {
            float s = (float) Math.pow(2, rnd.nextInt(40) - 20) * (1 + rnd.nextFloat());
            int zp = rnd.nextInt(256) - 128;
            float x = switch (trial % 6) {
                case 0 -> (float) (rnd.nextGaussian() * 200 * s);
                case 1 -> (rnd.nextInt(800) - 400) * 0.5f * s; // ties
                case 2 -> (float) Math.pow(2, rnd.nextInt(60) - 20) * (rnd.nextBoolean() ? 1 : -1)
                        + (rnd.nextInt(3) - 1) * Math.ulp(1f);
                case 3 -> Float.intBitsToFloat(rnd.nextInt());
                case 4 -> new float[] {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
                    Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE}[rnd.nextInt(8)];
                default -> (float) ((rnd.nextDouble() - 0.5) * 1e9);
            };
            int expected = io.qat4j.executor.quant.Rounding.quantizeFloat(x, s, zp, -128, 127);
            int code = FloatKernels.unclampedCode(x / s, zp);
            String what = "x " + x + ", s " + s + ", zp " + zp;
            if (expected < -128) {
                assertEquals(true, code < -128, what);
            } else if (expected > 127) {
                assertEquals(true, code > 127, what);
            } else {
                assertEquals(expected, code, what);
            }
        }
    }

    private static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < cols; k++) {
                t[k * rows + r] = a[r * cols + k];
            }
        }
        return t;
    }
}
