package io.qat4j.quant.layers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Parameter layout of the quantized compute layers, as views into the layer's flat parameter
 * vector in this order: weights {@code W}; bias {@code b} (no batch norm) or {@code gamma, beta,
 * runMean, runVar} (folded batch norm); output observer state {@code outRange} (output
 * quantization). Gradients use the same offsets.
 *
 * <p>DL4J's {@code DefaultParamInitializer} assumes a bias for unknown layer classes, so the
 * quantized layers bring their own initializer (DL4J custom-layer contract).
 */
public final class QuantLayerParamInitializer implements ParamInitializer {

    private static final QuantLayerParamInitializer INSTANCE = new QuantLayerParamInitializer();

    private QuantLayerParamInitializer() {
    }

    /** @return the shared instance */
    public static QuantLayerParamInitializer getInstance() {
        return INSTANCE;
    }

    private static QuantComputeLayer compute(Layer layer) {
        if (!(layer instanceof QuantComputeLayer q)) {
            throw new IllegalArgumentException("not a quantized compute layer: " + layer.getClass().getName());
        }
        return q;
    }

    /**
     * Keys and lengths in layout order.
     *
     * @param layer the configuration
     * @return ordered map key to length
     */
    public Map<String, Long> layout(Layer layer) {
        QuantComputeLayer q = compute(layer);
        Map<String, Long> out = new LinkedHashMap<>();
        long w = 1;
        for (long d : q.weightShape()) {
            w *= d;
        }
        out.put(QuantParams.WEIGHT, w);
        long c = q.outputChannels();
        if (q.getQuant().batchNorm()) {
            out.put(QuantParams.GAMMA, c);
            out.put(QuantParams.BETA, c);
            out.put(QuantParams.RUNNING_MEAN, c);
            out.put(QuantParams.RUNNING_VAR, c);
        } else {
            out.put(QuantParams.BIAS, c);
        }
        if (q.getQuant().output() != null) {
            out.put(QuantParams.OUTPUT_RANGE, (long) io.qat4j.quant.math.RangeObserver.STATE_SIZE);
        }
        return out;
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        return layout(layer).values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return new ArrayList<>(layout(layer).keySet());
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return Collections.singletonList(QuantParams.WEIGHT);
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return compute(layer).getQuant().batchNorm() ? List.of(QuantParams.BETA) : List.of(QuantParams.BIAS);
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return QuantParams.WEIGHT.equals(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return QuantParams.BIAS.equals(key) || QuantParams.BETA.equals(key);
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        Layer layer = conf.getLayer();
        QuantComputeLayer q = compute(layer);
        Map<String, INDArray> views = views(layer, paramsView, q);
        views.keySet().forEach(conf::addVariable);
        if (initializeParams) {
            BaseLayer base = (BaseLayer) layer;
            long[] shape = q.weightShape();
            double[] fans = fans(shape);
            IWeightInit init = base.getWeightInitFn();
            init.init(fans[0], fans[1], shape, 'c', views.get(QuantParams.WEIGHT));
            if (views.containsKey(QuantParams.BIAS)) {
                views.get(QuantParams.BIAS).assign(base.getBiasInit());
            }
            if (views.containsKey(QuantParams.GAMMA)) {
                views.get(QuantParams.GAMMA).assign(1.0);
                views.get(QuantParams.BETA).assign(0.0);
                views.get(QuantParams.RUNNING_MEAN).assign(0.0);
                views.get(QuantParams.RUNNING_VAR).assign(1.0);
            }
            if (views.containsKey(QuantParams.OUTPUT_RANGE)) {
                views.get(QuantParams.OUTPUT_RANGE).assign(0.0);
            }
        }
        return views;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        Layer layer = conf.getLayer();
        return views(layer, gradientView, compute(layer));
    }

    private Map<String, INDArray> views(Layer layer, INDArray flat, QuantComputeLayer q) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        long offset = 0;
        INDArray row = flat.reshape(flat.length());
        for (Map.Entry<String, Long> e : layout(layer).entrySet()) {
            INDArray v = row.get(NDArrayIndex.interval(offset, offset + e.getValue()));
            if (QuantParams.WEIGHT.equals(e.getKey())) {
                v = v.reshape('c', q.weightShape());
            }
            out.put(e.getKey(), v);
            offset += e.getValue();
        }
        return out;
    }

    /**
     * Fan-in and fan-out for weight initialization: dense {@code [nIn, nOut]} gives
     * {@code (nIn, nOut)}; conv {@code [o, i, kh, kw]} gives {@code (i*kh*kw, o*kh*kw)}.
     */
    private static double[] fans(long[] shape) {
        if (shape.length == 2) {
            return new double[] {shape[0], shape[1]};
        }
        double receptive = 1;
        for (int i = 2; i < shape.length; i++) {
            receptive *= shape[i];
        }
        return new double[] {shape[1] * receptive, shape[0] * receptive};
    }
}
