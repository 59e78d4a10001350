package io.qat4j.executor.runtime;

import io.qat4j.executor.arith.QuantizedMultiplier;
import io.qat4j.executor.artifact.ArtifactFormat;
import io.qat4j.executor.artifact.Attributes;
import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.artifact.ModelArtifact;
import io.qat4j.executor.artifact.OpNode;
import io.qat4j.executor.artifact.Provenance;
import io.qat4j.executor.artifact.QuantInfo;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.kernel.ActivationClamp;
import io.qat4j.executor.kernel.AddParams;
import io.qat4j.executor.kernel.AveragePoolRequantization;
import io.qat4j.executor.kernel.PackedInt4;
import io.qat4j.executor.kernel.Requantization;
import io.qat4j.executor.kernel.Window2d;
import io.qat4j.executor.op.AddOp;
import io.qat4j.executor.op.AveragePool2dOp;
import io.qat4j.executor.op.Conv2dOp;
import io.qat4j.executor.op.FullyConnectedLogitsOp;
import io.qat4j.executor.op.FullyConnectedOp;
import io.qat4j.executor.op.GlobalAveragePoolOp;
import io.qat4j.executor.op.MaxPool2dOp;
import io.qat4j.executor.prep.AddRescale;
import io.qat4j.executor.prep.OutputMultipliers;
import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.executor.quant.QuantRange;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The model of the executor fixtures, a small network with every op the exporter emits: conv2d
 * (int8 weights, ReLU clamp) -> max_pool2d -> conv2d (4-bit packed weights) -> add (residual)
 * -> avg_pool2d -> global_avg_pool -> fully_connected -> fully_connected_logits. Deterministic;
 * do not change it, the committed fixtures pin it ({@link ExecutorFixtureTest}).
 *
 * <ul>
 *   <li>{@link #v1()}, fixture {@code artifacts/v1-exported.qat4j}: the manifest in format
 *       version 1 with the attributes {@code Int8Exporter} wrote before the op definitions
 *       (spelled out here as literals, because the fixture pins that vocabulary, including
 *       {@code add}'s positional {@code add_params}); its bytes were written by the format-1
 *       writer of that time.</li>
 *   <li>{@link #v2()}, fixture {@code artifacts/v2-small.qat4j}: the same network in the current
 *       format, its attributes written with the op definitions' typed builders.</li>
 * </ul>
 *
 * <p>Regenerate both with {@code ./mvnw -o -pl int8-executor test -Dtest=ExecutorFixtureTest
 * -Dqat4j.regenerateFixtures=true} (only when a fixture is missing: the test then checks that the
 * writer still produces the committed bytes).
 */
final class FixtureModel {

    private FixtureModel() {
    }

    static final int[] INPUT_SHAPE = {2, 6, 6};
    static final int CLASSES = 3;

    static final AffineQuantParams IN = act(0.04, -3);
    static final AffineQuantParams C1 = act(0.05, -128);
    static final AffineQuantParams C2 = act(0.07, 5);
    static final AffineQuantParams ADD = act(0.09, -20);
    static final AffineQuantParams AP = act(0.08, -18);
    static final AffineQuantParams GAP = act(0.06, -10);
    static final AffineQuantParams D = act(0.1, -128);
    static final double[] S_W1 = {0.011, 0.02, 0.0075, 0.015};
    static final double[] S_W2 = {0.09, 0.12, 0.1, 0.08};
    static final double[] S_WD = {0.03, 0.025, 0.02, 0.04, 0.035, 0.03};
    static final double[] S_WO = {0.05, 0.06, 0.045};

    static AffineQuantParams act(double scale, int zeroPoint) {
        return new AffineQuantParams(scale, zeroPoint, QuantRange.of(8, true, false));
    }

    /** The constants, in blob order: conv1 weights, bias; conv2 packed weights, bias; dense weights, bias; logits weights, bias. */
    record Constants(byte[] w1, int[] b1, byte[] w2, int[] b2, byte[] wd, int[] bd, byte[] wo, int[] bo) {
    }

    static Constants constants() {
        Random r = new Random(20240601);
        return new Constants(codes(r, 4 * 2 * 9, 127), ints(r, 4, 3000), codes(r, 4 * 4 * 9, 7), ints(r, 4, 800),
                codes(r, 6 * 4, 127), ints(r, 6, 2000), codes(r, 3 * 6, 127), ints(r, 3, 4000));
    }

    static Requantization requant(AffineQuantParams in, double[] sw, AffineQuantParams out, ActivationClamp clamp) {
        return Requantization.of(OutputMultipliers.perChannel(in.scale(), sw, out.scale()), out.zeroPoint(), clamp);
    }

    static ActivationClamp relu(AffineQuantParams out) {
        return new ActivationClamp(out.zeroPoint(), 127);
    }

    static AddParams addParams() {
        return AddRescale.params(C2, C1, ADD, relu(ADD));
    }

    static AveragePoolRequantization avgPool() {
        return OutputMultipliers.averagePool(ADD.scale(), AP, 4);
    }

    static QuantizedMultiplier gap() {
        return OutputMultipliers.globalAveragePool(AP.scale(), GAP.scale(), 4);
    }

    /** @return the network in format version 1, in the exporter's format-1 vocabulary */
    static LoadedArtifact v1() {
        return artifact(1, format1Ops());
    }

    /** @return the network in the current format, attributes from the op definitions' builders */
    static LoadedArtifact v2() {
        return artifact(ArtifactFormat.CURRENT_VERSION, currentOps());
    }

    private static List<OpNode> currentOps() {
        Window2d same3 = new Window2d(3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
        List<OpNode> ops = new ArrayList<>();
        ops.add(new OpNode(Conv2dOp.NAME, Conv2dOp.VERSION, "c1", new int[] {0, 1, 2}, new int[] {3},
                Conv2dOp.attributes(INPUT_SHAPE, same3, 1, IN.zeroPoint(), requant(IN, S_W1, C1, relu(C1)))));
        ops.add(new OpNode(MaxPool2dOp.NAME, MaxPool2dOp.VERSION, "mp", new int[] {3}, new int[] {4},
                MaxPool2dOp.attributes(new int[] {4, 6, 6}, Window2d.valid(2, 2, 2, 2))));
        ops.add(new OpNode(Conv2dOp.NAME, Conv2dOp.VERSION, "c2", new int[] {4, 5, 6}, new int[] {7},
                Conv2dOp.attributes(new int[] {4, 3, 3}, same3, 1, C1.zeroPoint(), requant(C1, S_W2, C2, ActivationClamp.INT8))));
        ops.add(new OpNode(AddOp.NAME, AddOp.VERSION, "add", new int[] {7, 4}, new int[] {8}, AddOp.attributes(addParams())));
        ops.add(new OpNode(AveragePool2dOp.NAME, AveragePool2dOp.VERSION, "ap+apq", new int[] {8}, new int[] {9},
                AveragePool2dOp.attributes(new int[] {4, 3, 3}, ADD.zeroPoint(), Window2d.valid(2, 2, 1, 1), avgPool())));
        ops.add(new OpNode(GlobalAveragePoolOp.NAME, GlobalAveragePoolOp.VERSION, "gap+gapq", new int[] {9}, new int[] {10},
                GlobalAveragePoolOp.attributes(new int[] {4, 2, 2}, AP.zeroPoint(), gap(), GAP.zeroPoint(), ActivationClamp.INT8)));
        ops.add(new OpNode(FullyConnectedOp.NAME, FullyConnectedOp.VERSION, "d", new int[] {10, 11, 12}, new int[] {13},
                FullyConnectedOp.attributes(GAP.zeroPoint(), requant(GAP, S_WD, D, relu(D)))));
        ops.add(new OpNode(FullyConnectedLogitsOp.NAME, FullyConnectedLogitsOp.VERSION, "out", new int[] {13, 14, 15}, new int[] {16},
                FullyConnectedLogitsOp.attributes(D.zeroPoint())));
        return ops;
    }

    private static LoadedArtifact artifact(int formatVersion, List<OpNode> ops) {
        Constants k = constants();
        List<TensorInfo> t = new ArrayList<>();
        List<byte[]> blobs = new ArrayList<>();
        t.add(TensorInfo.activation(0, "input", ElementType.INT8, INPUT_SHAPE, 8, info(IN)));
        t.add(constant(blobs, 1, "c1/weights", ElementType.INT8, new int[] {4, 2, 3, 3}, 8, QuantInfo.symmetricPerAxis(0, S_W1), k.w1()));
        t.add(constant(blobs, 2, "c1/bias", ElementType.INT32, new int[] {4}, 32, biasInfo(IN.scale(), S_W1), int32(k.b1())));
        t.add(TensorInfo.activation(3, "c1", ElementType.INT8, new int[] {4, 6, 6}, 8, info(C1)));
        t.add(TensorInfo.activation(4, "mp", ElementType.INT8, new int[] {4, 3, 3}, 8, info(C1)));
        t.add(constant(blobs, 5, "c2/weights", ElementType.INT4_PACKED, new int[] {4, 4, 3, 3}, 4, QuantInfo.symmetricPerAxis(0, S_W2),
                PackedInt4.pack(k.w2(), 4)));
        t.add(constant(blobs, 6, "c2/bias", ElementType.INT32, new int[] {4}, 32, biasInfo(C1.scale(), S_W2), int32(k.b2())));
        t.add(TensorInfo.activation(7, "c2", ElementType.INT8, new int[] {4, 3, 3}, 8, info(C2)));
        t.add(TensorInfo.activation(8, "add", ElementType.INT8, new int[] {4, 3, 3}, 8, info(ADD)));
        t.add(TensorInfo.activation(9, "apq", ElementType.INT8, new int[] {4, 2, 2}, 8, info(AP)));
        t.add(TensorInfo.activation(10, "gapq", ElementType.INT8, new int[] {4}, 8, info(GAP)));
        t.add(constant(blobs, 11, "d/weights", ElementType.INT8, new int[] {6, 4}, 8, QuantInfo.symmetricPerAxis(0, S_WD), k.wd()));
        t.add(constant(blobs, 12, "d/bias", ElementType.INT32, new int[] {6}, 32, biasInfo(GAP.scale(), S_WD), int32(k.bd())));
        t.add(TensorInfo.activation(13, "d", ElementType.INT8, new int[] {6}, 8, info(D)));
        t.add(constant(blobs, 14, "out/weights", ElementType.INT8, new int[] {3, 6}, 8, QuantInfo.symmetricPerAxis(0, S_WO), k.wo()));
        t.add(constant(blobs, 15, "out/bias", ElementType.INT32, new int[] {3}, 32, biasInfo(D.scale(), S_WO), int32(k.bo())));
        t.add(TensorInfo.activation(16, "out", ElementType.INT32, new int[] {3}, 32, biasInfo(D.scale(), S_WO)));

        Provenance prov = Provenance.builder().put(Provenance.DATASET, "synthetic").put(Provenance.SEED, "20240601").build();
        return new LoadedArtifact(new ModelArtifact(formatVersion, prov, t, ops, new int[] {0}, new int[] {16}), blobs);
    }

    private static List<OpNode> format1Ops() {
        List<OpNode> ops = new ArrayList<>();
        Requantization r1 = requant(IN, S_W1, C1, relu(C1));
        ops.add(new OpNode("conv2d", "c1", new int[] {0, 1, 2}, new int[] {3}, requant(Attributes.builder()
                .putInts("in_shape", INPUT_SHAPE).putInts("kernel", 3, 3).putInts("stride", 1, 1).putInts("dilation", 1, 1)
                .putInts("pad", 1, 1, 1, 1).putInts("groups", 1), IN, r1).build()));
        ops.add(new OpNode("max_pool2d", "mp", new int[] {3}, new int[] {4}, Attributes.builder().putInts("in_shape", 4, 6, 6)
                .putInts("kernel", 2, 2).putInts("stride", 2, 2).putInts("pad", 0, 0, 0, 0).build()));
        Requantization r2 = requant(C1, S_W2, C2, new ActivationClamp(-128, 127));
        ops.add(new OpNode("conv2d", "c2", new int[] {4, 5, 6}, new int[] {7}, requant(Attributes.builder()
                .putInts("in_shape", 4, 3, 3).putInts("kernel", 3, 3).putInts("stride", 1, 1).putInts("dilation", 1, 1)
                .putInts("pad", 1, 1, 1, 1).putInts("groups", 1), C1, r2).build()));
        AddParams p = addParams();
        ops.add(new OpNode("add", "add", new int[] {7, 4}, new int[] {8}, Attributes.builder()
                .putInts("add_params", p.input1ZeroPoint(), p.input1Multiplier(), p.input1Shift(), p.input2ZeroPoint(),
                        p.input2Multiplier(), p.input2Shift(), p.leftShift(), p.outputMultiplier(), p.outputShift(),
                        p.outputZeroPoint(), p.activation().min(), p.activation().max()).build()));
        AveragePoolRequantization ap = avgPool();
        ops.add(new OpNode("avg_pool2d", "ap+apq", new int[] {8}, new int[] {9}, Attributes.builder().putInts("in_shape", 4, 3, 3)
                .putInts("input_zero_point", ADD.zeroPoint()).putInts("output_zero_point", AP.zeroPoint())
                .putInts("kernel", 2, 2).putInts("stride", 1, 1).putInts("pad", 0, 0, 0, 0)
                .putInts("multipliers", ap.multipliers()).putInts("shifts", ap.shifts()).build()));
        QuantizedMultiplier g = gap();
        ops.add(new OpNode("global_avg_pool", "gap+gapq", new int[] {9}, new int[] {10}, Attributes.builder()
                .putInts("in_shape", 4, 2, 2).putInts("input_zero_point", AP.zeroPoint()).putInts("output_zero_point", GAP.zeroPoint())
                .putInts("multipliers", g.multiplier()).putInts("shifts", g.shift()).putInts("clamp", -128, 127).build()));
        ops.add(new OpNode("fully_connected", "d", new int[] {10, 11, 12}, new int[] {13},
                requant(Attributes.builder(), GAP, requant(GAP, S_WD, D, relu(D))).build()));
        ops.add(new OpNode("fully_connected_logits", "out", new int[] {13, 14, 15}, new int[] {16},
                Attributes.builder().putInts("input_zero_point", D.zeroPoint()).build()));
        return ops;
    }

    private static Attributes.Builder requant(Attributes.Builder a, AffineQuantParams in, Requantization r) {
        return a.putInts("input_zero_point", in.zeroPoint()).putInts("multipliers", r.multipliers()).putInts("shifts", r.shifts())
                .putInts("output_zero_point", r.outputZeroPoint()).putInts("clamp", r.activation().min(), r.activation().max());
    }

    private static TensorInfo constant(List<byte[]> blobs, int id, String name, ElementType type, int[] shape, int bits,
            QuantInfo q, byte[] data) {
        blobs.add(data);
        return TensorInfo.constant(id, name, type, shape, bits, q, blobs.size() - 1);
    }

    private static QuantInfo info(AffineQuantParams p) {
        return QuantInfo.perTensor(p.scale(), p.zeroPoint());
    }

    private static QuantInfo biasInfo(double sIn, double[] sw) {
        double[] s = new double[sw.length];
        for (int c = 0; c < sw.length; c++) {
            s[c] = sIn * sw[c];
        }
        return QuantInfo.perAxis(0, new int[sw.length], s);
    }

    private static byte[] codes(Random r, int n, int max) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (r.nextInt(2 * max + 1) - max);
        }
        return b;
    }

    private static int[] ints(Random r, int n, int bound) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextInt(2 * bound + 1) - bound;
        }
        return v;
    }

    static byte[] int32(int[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v) {
            b.putInt(x);
        }
        return b.array();
    }
}
