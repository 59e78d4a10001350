package io.qat4j.training.train;

import io.qat4j.quant.layers.QuantizedLayer;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.training.data.TaskData;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;

/**
 * What a run is about to do, printed before its first step: the model (each vertex with parameters
 * or a quantizer, its parameter count (layers and graph vertices: DL4J's {@code numParams} of a
 * network counts layers only) and its weight and activation bits, in the W<i>n</i>A<i>m</i>
 * notation of the QAT literature), the schedule in steps and epochs with the phases of the
 * quantization schedule ({@link QuantPhase}), and the data ({@link TaskData#describe()} and where it came from, {@link TaskData#origin()}).
 */
public final class RunSummary {

    private RunSummary() {
    }

    /**
     * @param net the network about to train
     * @param data the run's data
     * @param batchesPerEpoch optimizer steps per epoch
     * @param epochs epochs of the run
     * @param batchSize examples per step
     * @return the summary, several lines, each ending with a line break
     */
    public static String describe(ComputationGraph net, TaskData data, int batchesPerEpoch, int epochs, int batchSize) {
        StringBuilder b = new StringBuilder();
        model(b, net);
        long totalSteps = (long) batchesPerEpoch * epochs;
        b.append(String.format(Locale.ROOT, "schedule: %d steps = %d epochs x %d %s%n", totalSteps, epochs,
                batchesPerEpoch, data.describeBatches(batchSize)));
        QuantPhase.of(net).ifPresent(s -> phases(b, s, totalSteps, batchesPerEpoch));
        b.append("data: ").append(data.describe()).append(System.lineSeparator());
        b.append("  ").append(data.origin().source()).append(System.lineSeparator());
        return b.toString();
    }

    private static void model(StringBuilder b, ComputationGraph net) {
        List<String> rows = new ArrayList<>();
        TreeSet<String> bits = new TreeSet<>();
        int vertices = 0;
        for (GraphVertex v : net.getVertices()) {
            if (v.isInputVertex()) {
                continue;
            }
            vertices++;
            Optional<QuantizedLayer> q = QuantizedLayer.of(v);
            // a graph vertex (GCN, GIN, ...) holds parameters outside any DL4J layer
            long params = v.numParams();
            if (params == 0 && q.isEmpty()) {
                continue;
            }
            String w = q.flatMap(QuantizedLayer::weightSpec).map(s -> "W" + s.bits()).orElse("");
            String a = q.flatMap(QuantizedLayer::outputQuantizer).map(o -> "A" + o.spec().bits()).orElse("");
            if (!w.isEmpty() && !a.isEmpty()) {
                bits.add(w + a);
            }
            rows.add(String.format(Locale.ROOT, "  %-16s %-26s %,10d  %s%n", v.getVertexName(), layerType(v), params, w + a));
        }
        b.append(String.format(Locale.ROOT, "model: %d vertices, %,d parameters (with observer and batch-norm state)%s%n",
                vertices, net.params().length(), bits.isEmpty() ? "" : ", " + String.join(" / ", bits)));
        rows.forEach(b::append);
    }

    private static String layerType(GraphVertex v) {
        Object conf = v.hasLayer() ? v.getLayer().conf().getLayer() : v.getConfig();
        return conf == null ? v.getClass().getSimpleName() : conf.getClass().getSimpleName();
    }

    private static void phases(StringBuilder b, QuantSchedule s, long totalSteps, int batchesPerEpoch) {
        if (s.fp32WarmupSteps() == QuantSchedule.NEVER.fp32WarmupSteps()) {
            b.append("  quantization off: every step trains in FP32").append(System.lineSeparator());
            return;
        }
        if (s.fp32WarmupSteps() > 0) {
            long last = Math.min(s.fp32WarmupSteps(), totalSteps) - 1;
            b.append("  float warm-up: steps 0-").append(last).append(" (to ").append(position(last, batchesPerEpoch))
                    .append(')').append(System.lineSeparator());
        }
        phase(b, "quantizing", s.fp32WarmupSteps(), totalSteps, batchesPerEpoch);
        phase(b, "observers frozen", s.freezeObserversStep(), totalSteps, batchesPerEpoch);
        phase(b, "batch norm frozen", s.freezeBatchNormStep(), totalSteps, batchesPerEpoch);
    }

    private static void phase(StringBuilder b, String name, long from, long totalSteps, int batchesPerEpoch) {
        b.append("  ").append(name);
        if (from < 0) {
            b.append(": never");
        } else if (from >= totalSteps) {
            b.append(": never within this run (from step ").append(from).append(", the run has ").append(totalSteps)
                    .append(" steps)");
        } else {
            b.append(" from step ").append(from).append(" (").append(position(from, batchesPerEpoch)).append(')');
        }
        b.append(System.lineSeparator());
    }

    /** @return where an iteration falls: {@code "epoch 3, batch 1"}, both counted from 1 */
    private static String position(long iteration, int batchesPerEpoch) {
        return "epoch " + (iteration / batchesPerEpoch + 1) + ", batch " + (iteration % batchesPerEpoch + 1);
    }
}
