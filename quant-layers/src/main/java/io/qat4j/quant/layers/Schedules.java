package io.qat4j.quant.layers;

import io.qat4j.quant.spec.QuantSchedule;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Copies a network with every quantizer on another schedule: {@link QuantSchedule#NEVER} gives the
 * float model of a quantization-aware-trained network (same weights, batch norm on its running
 * statistics, no fake quantization), the reference a report compares the integer model against.
 * Every layer and vertex whose configuration implements {@link QuantizedLayer} is switched, through
 * {@link QuantizedLayer#withSchedule}, wherever it is defined.
 */
public final class Schedules {

    private Schedules() {
    }

    /**
     * @param net a network of quantized layers
     * @param schedule the schedule for every quantizer of the copy
     * @return an independent copy with the same parameters (and quantizer state)
     */
    public static ComputationGraph withSchedule(ComputationGraph net, QuantSchedule schedule) {
        ComputationGraphConfiguration conf = net.getConfiguration().clone();
        for (Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
            if (e.getValue() instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof QuantizedLayer q) {
                lv.getLayerConf().setLayer(copy(q, schedule, Layer.class, e.getKey()));
            } else if (e.getValue() instanceof QuantizedLayer q) {
                e.setValue(copy(q, schedule, GraphVertex.class, e.getKey()));
            }
        }
        ComputationGraph copy = new ComputationGraph(conf);
        copy.init(net.params().dup(), false);
        return copy;
    }

    private static <T> T copy(QuantizedLayer q, QuantSchedule schedule, Class<T> kind, String vertex) {
        QuantizedLayer copy = q.withSchedule(schedule);
        if (copy == null || copy.getClass() != q.getClass()) {
            throw new IllegalStateException("vertex '" + vertex + "': " + q.getClass().getName()
                    + ".withSchedule must return a copy of the same class, got " + (copy == null ? "null" : copy.getClass().getName()));
        }
        return kind.cast(copy);
    }
}
