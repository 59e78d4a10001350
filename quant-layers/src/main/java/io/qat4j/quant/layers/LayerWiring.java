package io.qat4j.quant.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The steps every layer configuration's {@code instantiate} performs on a new layer
 * implementation (DL4J custom-layer contract): listeners, index, parameter view, initialized
 * parameter table, configuration; and the memory report of a layer that caches one activation.
 */
final class LayerWiring {

    private LayerWiring() {
    }

    /**
     * @param layer the new implementation
     * @param conf its configuration
     * @param listeners training listeners
     * @param index layer index
     * @param paramsView the layer's view of the network's parameters
     * @param initializeParams whether to initialize the parameters
     * @param initializer the parameter initializer
     * @param <T> implementation type
     * @return the wired layer
     */
    static <T extends Layer> T wire(T layer, NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                    int index, INDArray paramsView, boolean initializeParams, ParamInitializer initializer) {
        layer.setListeners(listeners);
        layer.setIndex(index);
        layer.setParamsViewArray(paramsView);
        layer.setParamTable(initializer.init(conf, paramsView, initializeParams));
        layer.setConf(conf);
        return layer;
    }

    /**
     * @param name layer name
     * @param type configuration class
     * @param in input type
     * @param out output type
     * @param numParams parameters
     * @param updaterState updater state size
     * @return a report with one cached activation of working memory per example
     */
    static LayerMemoryReport memoryReport(String name, Class<? extends org.deeplearning4j.nn.conf.layers.Layer> type,
                                          InputType in, InputType out, long numParams, long updaterState) {
        return new LayerMemoryReport.Builder(name, type, in, out)
                .standardMemory(numParams, updaterState)
                .workingMemory(0, 0, 0, 4L * out.arrayElementsPerExample())
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
                .build();
    }
}
