package io.qat4j.quant.layers;

import io.qat4j.quant.spec.QuantSchedule;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Copies a network with every quantizer on another schedule: {@link QuantSchedule#NEVER} gives the
 * float model of a quantization-aware-trained network (same weights, batch norm on its running
 * statistics, no fake quantization), the reference a report compares the integer model against.
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
        for (GraphVertex v : conf.getVertices().values()) {
            if (v instanceof LayerVertex lv) {
                Object l = lv.getLayerConf().getLayer();
                if (l instanceof QuantDenseLayer d) {
                    d.setQuant(with(d.getQuant(), schedule));
                } else if (l instanceof QuantConv2dLayer c) {
                    c.setQuant(with(c.getQuant(), schedule));
                } else if (l instanceof QuantOutputLayer o) {
                    o.setQuant(with(o.getQuant(), schedule));
                } else if (l instanceof ActivationQuantizerLayer a) {
                    a.setSchedule(schedule);
                }
            } else if (v instanceof QuantAddVertex a) {
                a.setSchedule(schedule);
            }
        }
        ComputationGraph copy = new ComputationGraph(conf);
        copy.init(net.params().dup(), false);
        return copy;
    }

    private static QuantLayerSettings with(QuantLayerSettings s, QuantSchedule schedule) {
        return new QuantLayerSettings(s.weights(), s.output(), s.batchNorm(), s.batchNormMomentum(), s.batchNormEps(), schedule);
    }
}
