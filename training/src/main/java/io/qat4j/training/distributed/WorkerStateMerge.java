package io.qat4j.training.distributed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qat4j.quant.math.RangeObserver;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Merges the copies of one network that N data-parallel workers trained for an averaging round
 * into one state, which is then broadcast so that every worker holds identical parameters,
 * updater state, quantizer state and schedule step ({@link MergedState#applyTo}). Synchronous
 * parameter averaging (McDonald et al., NAACL 2010; DL4J's {@code ParameterAveragingTrainingMaster})
 * extended with explicit quantizer-state rules, because averaging observer ranges is wrong for
 * min/max observers and unsynchronised observers are a known trap of distributed QAT (pytorch
 * issues 85627, 33648, 63916; nncf issue 431).
 *
 * <p>It works on the flat parameter vector ({@code net.params()}): {@link ParameterSlices} finds
 * each vertex's parameters by key, and the observer state by the key and spec that the vertex's
 * {@link io.qat4j.quant.layers.QuantizedLayer#activationQuantizers()} name, so any network whose
 * quantized layers implement that contract merges without an edit here. The rules:
 * <ul>
 * <li><b>Trained parameters</b> (weights, biases, batch-norm gamma and beta) and the <b>updater
 *     state</b> (e.g. Adam's moments): the plain mean over workers, as
 *     {@code ParameterAveragingTrainingMaster} averages them. Each mean is summed in double in
 *     worker order, divided by N and rounded once to the network's data type, so the mean of
 *     identical values is that value bit for bit.
 * <li><b>Batch-norm running mean and variance</b> ({@code runMean}, {@code runVar}, and any other
 *     parameter that is not observer state): the same plain mean. Running statistics are EMAs, and
 *     the EMA is linear, so from a common broadcast start the mean of the workers' running means
 *     is exactly the EMA of the per-step mean of the workers' batch means (the global batch mean
 *     for equal per-worker batches); for the variance it is the EMA of the mean within-worker
 *     variance, which omits the (small) spread of the workers' batch means, as DL4J's averaging
 *     does and synchronised batch norm would not.
 * <li><b>Observer state</b> {@code [min, max, batchesSeen]} ({@link RangeObserver}), by the
 *     observer's spec ({@link ObserverMergeRule#of}), not by layer class: min/max and percentile
 *     observers take the minimum of the minima and the maximum of the maxima (exactly what one
 *     observer that saw every worker's batches would hold: both keep running extremes of per-batch
 *     values, and the percentile observer keeps no histogram, only the extremes of per-batch
 *     percentiles); EMA observers take the mean of the minima and of the maxima (exact by the same
 *     linearity as the running statistics).
 * <li><b>Uninitialised observers</b> ({@code batchesSeen = 0}, state {@code [0, 0, 0]}) take no
 *     part, so they never pull a merged range towards 0; if no worker's observer has seen data,
 *     the merged state stays {@code [0, 0, 0]}.
 * <li><b>{@code batchesSeen}</b>: the maximum over workers. It counts the steps in which the
 *     observer ran on the schedule's clock, the number a local run of as many steps shows. A sum
 *     would not survive the broadcast: every round would multiply the count by N, and merging
 *     identical copies would change it. The maximum is idempotent and never decreases; its only
 *     reader, {@link RangeObserver#initialized}, sees data when any worker saw data.
 * <li><b>Schedule step and frozen flags</b>: the quantization schedule follows the network's
 *     iteration count, and whether observers and batch norm are frozen follows from that count, so
 *     it is global by construction: all workers must hold the same iteration count and epoch
 *     count (they run the same number of local steps per round), which the merge checks and
 *     carries over; unequal counts are an error naming each worker's count.
 * </ul>
 * All workers must have the same configuration (compared as DL4J configuration JSON, the
 * iteration and epoch counts aside); a difference is an error naming the first differing JSON path
 * (e.g. {@code vertices.L0_conv.layerConf.layer.nout}) and both values.
 */
public final class WorkerStateMerge {

    private static final ObjectMapper JSON = new ObjectMapper();

    private WorkerStateMerge() {
    }

    /**
     * The merged state of one averaging round.
     *
     * @param params the merged flat parameter vector, in the shape and data type of {@code net.params()}
     * @param updaterState the merged flat updater state, null when the updater keeps no state
     * @param iterationCount the common iteration count (the schedule step)
     * @param epochCount the common epoch count
     */
    public record MergedState(INDArray params, INDArray updaterState, int iterationCount, int epochCount) {

        /**
         * Broadcasts this state into a worker's copy: parameters, updater state, iteration and epoch
         * counts, all copied.
         *
         * @param net a copy of the merged network's configuration
         * @throws IllegalArgumentException when its parameter or updater-state length differs
         */
        public void applyTo(ComputationGraph net) {
            INDArray flat = net.params();
            if (flat.length() != params.length()) {
                throw new IllegalArgumentException("the network has " + flat.length() + " parameters, the merged state "
                        + params.length());
            }
            INDArray view = updaterStateOf(net);
            long have = view == null ? 0 : view.length();
            long merged = updaterState == null ? 0 : updaterState.length();
            if (have != merged) {
                throw new IllegalArgumentException("the network's updater state has " + have + " values, the merged"
                        + " state " + merged);
            }
            flat.assign(params.reshape(flat.shape()));
            if (view != null) {
                view.assign(updaterState.reshape(view.shape()));
            }
            net.getConfiguration().setIterationCount(iterationCount);
            net.getConfiguration().setEpochCount(epochCount);
            for (Layer layer : net.getLayers()) {
                layer.setIterationCount(iterationCount);
                layer.setEpochCount(epochCount);
            }
        }
    }

    /**
     * @param workers the workers' copies of one network after their local steps (at least one)
     * @return the merged state, to {@link MergedState#applyTo apply} to every copy
     * @throws IllegalArgumentException when the copies differ in configuration, iteration count or
     *     epoch count (the message names the workers and the values)
     */
    public static MergedState merge(List<ComputationGraph> workers) {
        checkNotEmpty(workers);
        checkSameConfiguration(workers);
        return mergeCopies(workers);
    }

    private static void checkNotEmpty(List<ComputationGraph> workers) {
        if (workers.isEmpty()) {
            throw new IllegalArgumentException("no worker copies to merge");
        }
    }

    /**
     * {@link #merge} of copies known to share one configuration (clones of one network, as the
     * driver of a Spark round keeps them), without comparing their configurations; {@link #merge}
     * is the checked entry point for copies of unknown origin.
     *
     * @param workers clones of one network after their local steps (at least one)
     * @return the merged state
     * @throws IllegalArgumentException when the copies differ in iteration or epoch count
     */
    static MergedState mergeCopies(List<ComputationGraph> workers) {
        checkNotEmpty(workers);
        checkSameSchedulePosition(workers);
        ComputationGraph first = workers.get(0);
        List<ParameterSlices.Slice> slices = ParameterSlices.of(first);
        int n = workers.size();
        double[][] params = new double[n][];
        double[][] updater = new double[n][];
        for (int w = 0; w < n; w++) {
            params[w] = workers.get(w).params().toDoubleVector();
            INDArray u = updaterStateOf(workers.get(w));
            updater[w] = u == null ? null : u.toDoubleVector();
        }
        double[] mergedParams = new double[params[0].length];
        for (ParameterSlices.Slice s : slices) {
            if (s.observer().isPresent()) {
                mergeObserver(ObserverMergeRule.of(s.observer().get()), s, params, mergedParams);
            } else {
                mean(params, s.offset(), s.offset() + s.length(), mergedParams);
            }
        }
        INDArray firstParams = first.params();
        INDArray outParams = Nd4j.createFromArray(mergedParams).castTo(firstParams.dataType()).reshape(firstParams.shape());
        INDArray outUpdater = null;
        if (updater[0] != null) {
            double[] merged = new double[updater[0].length];
            mean(updater, 0, merged.length, merged);
            INDArray view = updaterStateOf(first);
            outUpdater = Nd4j.createFromArray(merged).castTo(view.dataType()).reshape(view.shape());
        }
        return new MergedState(outParams, outUpdater, first.getIterationCount(), first.getEpochCount());
    }

    private static void mergeObserver(ObserverMergeRule rule, ParameterSlices.Slice s, double[][] params, double[] out) {
        if (s.length() != RangeObserver.STATE_SIZE) {
            throw new IllegalStateException("observer state " + s.name() + " has " + s.length() + " values, expected "
                    + RangeObserver.STATE_SIZE + " [min, max, batchesSeen]");
        }
        double[][] states = new double[params.length][];
        for (int w = 0; w < params.length; w++) {
            states[w] = Arrays.copyOfRange(params[w], s.offset(), s.offset() + s.length());
        }
        System.arraycopy(rule.merge(states), 0, out, s.offset(), s.length());
    }

    /** {@code out[i] = (sum over workers of values[w][i]) / N} for i in {@code [from, to)}, summed in worker order. */
    private static void mean(double[][] values, int from, int to, double[] out) {
        for (int i = from; i < to; i++) {
            double sum = 0;
            for (double[] v : values) {
                sum += v[i];
            }
            out[i] = sum / values.length;
        }
    }

    private static INDArray updaterStateOf(ComputationGraph net) {
        return net.getUpdater() == null ? null : net.getUpdater().getStateViewArray();
    }

    private static void checkSameSchedulePosition(List<ComputationGraph> workers) {
        List<String> counts = new ArrayList<>();
        boolean same = true;
        ComputationGraph first = workers.get(0);
        for (int w = 0; w < workers.size(); w++) {
            ComputationGraph g = workers.get(w);
            counts.add("worker " + w + ": iteration " + g.getIterationCount() + ", epoch " + g.getEpochCount());
            same &= g.getIterationCount() == first.getIterationCount() && g.getEpochCount() == first.getEpochCount();
        }
        if (!same) {
            throw new IllegalArgumentException("worker copies are at different schedule steps; an averaging round needs"
                    + " the same iteration and epoch count on every worker (" + String.join("; ", counts) + ")");
        }
    }

    private static void checkSameConfiguration(List<ComputationGraph> workers) {
        JsonNode reference = configurationJson(workers.get(0));
        for (int w = 1; w < workers.size(); w++) {
            JsonNode other = configurationJson(workers.get(w));
            String difference = firstDifference("", reference, other);
            if (difference != null) {
                throw new IllegalArgumentException("worker " + w + "'s network configuration differs from worker 0's at "
                        + difference);
            }
        }
    }

    /**
     * The configuration as a JSON tree, with the iteration and epoch counts (graph-wide and per
     * layer), which {@link #checkSameSchedulePosition} compares, zeroed.
     */
    private static JsonNode configurationJson(ComputationGraph net) {
        try {
            return JSON.readTree(configurationWithoutCounts(net));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("DL4J wrote configuration JSON that does not parse", e);
        }
    }

    /**
     * @param net a network
     * @return its DL4J configuration JSON with the iteration and epoch counts (graph-wide and per
     *     layer) zeroed: what all copies of one network share whatever their schedule step
     */
    static String configurationWithoutCounts(ComputationGraph net) {
        ComputationGraphConfiguration c = net.getConfiguration().clone();
        c.setIterationCount(0);
        c.setEpochCount(0);
        for (org.deeplearning4j.nn.conf.graph.GraphVertex v : c.getVertices().values()) {
            if (v instanceof LayerVertex lv) {
                lv.getLayerConf().setIterationCount(0);
                lv.getLayerConf().setEpochCount(0);
            }
        }
        return c.toJson();
    }

    /** @return the JSON path and both values where {@code a} and {@code b} first differ, null when equal */
    private static String firstDifference(String path, JsonNode a, JsonNode b) {
        if (a.equals(b)) {
            return null;
        }
        if (a.isObject() && b.isObject()) {
            java.util.SortedSet<String> fields = new java.util.TreeSet<>();
            a.fieldNames().forEachRemaining(fields::add);
            b.fieldNames().forEachRemaining(fields::add);
            for (String f : fields) {
                String d = firstDifference(path + "." + f, a.path(f), b.path(f));
                if (d != null) {
                    return d;
                }
            }
        } else if (a.isArray() && b.isArray() && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) {
                String d = firstDifference(path + "[" + i + "]", a.get(i), b.get(i));
                if (d != null) {
                    return d;
                }
            }
        }
        return (path.isEmpty() ? "the top level" : path.substring(1)) + ": " + abbreviate(a) + " vs " + abbreviate(b);
    }

    private static String abbreviate(JsonNode n) {
        String s = n.isMissingNode() ? "(absent)" : n.toString();
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
