package io.qat4j.quant.layers;

import io.qat4j.quant.math.RangeObserver;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Parameters of a layer whose only parameter is the observer state of its output quantizer,
 * {@link QuantParams#OUTPUT_RANGE} {@code = [min, max, batchesSeen]} ({@link RangeObserver}),
 * zero-initialized: the {@link ActivationQuantizerLayer}, and quantized activation layers defined
 * in other modules. Give the parameter a no-op updater ({@code getUpdaterByParam}) so that the
 * optimizer leaves it to the observer.
 */
public final class ObserverStateInitializer implements ParamInitializer {

    /** The one instance. */
    public static final ObserverStateInitializer INSTANCE = new ObserverStateInitializer();

    private ObserverStateInitializer() {
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return RangeObserver.STATE_SIZE;
    }

    @Override
    public long numParams(Layer layer) {
        return RangeObserver.STATE_SIZE;
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return List.of(QuantParams.OUTPUT_RANGE);
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return List.of();
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return List.of();
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return false;
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return false;
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        INDArray v = paramsView.reshape(paramsView.length()).get(NDArrayIndex.interval(0, RangeObserver.STATE_SIZE));
        if (initializeParams) {
            v.assign(0);
        }
        conf.addVariable(QuantParams.OUTPUT_RANGE);
        return Map.of(QuantParams.OUTPUT_RANGE, v);
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return Map.of(QuantParams.OUTPUT_RANGE,
                gradientView.reshape(gradientView.length()).get(NDArrayIndex.interval(0, RangeObserver.STATE_SIZE)));
    }
}
