package io.qat4j.training.distributed;

import java.util.ArrayDeque;
import java.util.Deque;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The networks one JVM (a Spark executor, or the driver in local mode) keeps between averaging
 * rounds, so that a task loads the round's {@link NetworkBytes} into a network it already has
 * instead of parsing the configuration and building one (an object pool; the networks are
 * expensive to build and cheap to overwrite). Tasks of one executor run concurrently, so a task
 * {@link #take takes} a network for itself and {@link #give gives} it back when it is done; a
 * task that fails gives nothing back, so a network in an unknown state is never reused. The pool
 * holds networks of one configuration, the last one asked for: a new configuration (another run
 * in the same JVM) drops the networks of the previous one.
 */
final class NetworkPool {

    private static final Object LOCK = new Object();
    private static String configuration;
    private static final Deque<ComputationGraph> IDLE = new ArrayDeque<>();

    private NetworkPool() {
    }

    /**
     * @param configurationJson the network's DL4J configuration JSON, with iteration and epoch counts zeroed
     * @return an idle network of that configuration, or a new one (initialised, with its updater);
     *     its state is arbitrary until the caller loads one
     */
    static ComputationGraph take(String configurationJson) {
        synchronized (LOCK) {
            if (configurationJson.equals(configuration) && !IDLE.isEmpty()) {
                return IDLE.pop();
            }
        }
        ComputationGraph net = new ComputationGraph(ComputationGraphConfiguration.fromJson(configurationJson));
        net.init();
        net.getUpdater();
        return net;
    }

    /**
     * @param configurationJson the configuration {@code net} was taken for
     * @param net a network that {@link #take} returned, no longer used by the caller
     */
    static void give(String configurationJson, ComputationGraph net) {
        synchronized (LOCK) {
            if (!configurationJson.equals(configuration)) {
                IDLE.clear();
                configuration = configurationJson;
            }
            IDLE.push(net);
        }
    }

    /** Drops the idle networks (a run that ends releases the memory of its networks). */
    static void clear() {
        synchronized (LOCK) {
            IDLE.clear();
            configuration = null;
        }
    }
}
