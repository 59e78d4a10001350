package io.qat4j.jobs.bench;

import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.artifact.Provenance;
import io.qat4j.executor.runtime.Int8Executor;
import io.qat4j.executor.tensor.Tensor;
import io.qat4j.graph.GraphInputs;
import io.qat4j.graph.data.GraphBatch;
import io.qat4j.quant.export.Int8Exporter;
import io.qat4j.quant.layers.Schedules;
import io.qat4j.quant.spec.QuantSchedule;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Inference of one batch of graphs by the GIN of a shipped experiment config ({@link RedditSizedGin}:
 * by default Degree-Quant's REDDIT-BINARY GIN, Tailor et al., ICLR 2021): the int8 executor on its
 * exported artifact against DL4J FP32 inference of the same network (quantization off). The batch
 * is {@code graphs} random graphs of about {@code nodes} nodes and {@code edges} directed edges
 * each (REDDIT-BINARY's means are about 430 and 995); the network is trained for a few
 * Degree-Quant steps on it first, so that every quantizer has a range to export.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class GinInferenceBenchmark {

    /** Training steps before export. */
    static final int CALIBRATION_STEPS = 3;

    /** The experiment config whose network is exported, relative to the working directory. */
    @Param(RedditSizedGin.CONFIG)
    public String config;

    /** Graphs per batch. */
    @Param("128")
    public int graphs;

    /** Nodes per graph (each graph draws between 3/4 and 5/4 of it). */
    @Param("430")
    public int nodes;

    /** Directed edges per graph (both directions of half as many undirected edges). */
    @Param("1000")
    public int edges;

    private Int8Executor executor;
    private ComputationGraph fp32;
    private INDArray[] networkInputs;
    private Map<String, Tensor> executorInputs;

    /** Builds, calibrates and exports the network, and draws the batch. */
    @Setup(Level.Trial)
    public void setUp() {
        GraphBatch b = RedditSizedGin.batch(graphs, nodes, edges, 20261130L);
        MultiDataSet data = RedditSizedGin.data(b);
        networkInputs = data.getFeatures().clone();
        RedditSizedGin.Model model = RedditSizedGin.model(Path.of(config), RedditSizedGin.Mode.DQ_INT8, 1);
        ComputationGraph net = model.network();
        for (int step = 0; step < CALIBRATION_STEPS; step++) {
            model.drawMask(data, b, step);
            net.fit(data);
        }
        LoadedArtifact artifact = Int8Exporter.export(net, new int[] {1}, Provenance.EMPTY);
        try {
            executor = Int8Executor.of(artifact, "gin-benchmark");
        } catch (io.qat4j.executor.artifact.ArtifactFormatException e) {
            throw new IllegalStateException("the exported GIN does not load: " + e.getMessage(), e);
        }
        fp32 = Schedules.withSchedule(net, QuantSchedule.NEVER);
        executorInputs = new LinkedHashMap<>();
        for (String name : executor.inputs().keySet()) {
            executorInputs.put(name, switch (name) {
                case GraphInputs.NODES -> Tensor.int8(new int[] {b.nodeCount(), 1},
                        Int8Executor.quantizeInput(executor.inputs().get(name), b.nodesArray().dup('c').data().asFloat()));
                case GraphInputs.EDGES -> Tensor.int32(new int[] {b.edgeCount(), 2}, edgePairs(b));
                case GraphInputs.GRAPH -> Tensor.int32(new int[] {b.nodeCount()}, b.graphIds().clone());
                default -> throw new IllegalStateException("unexpected artifact input " + name);
            });
        }
    }

    /** @return one batch's int32 logits, so the work is not optimized away */
    @Benchmark
    public Tensor int8Executor() {
        return executor.run(executorInputs).values().iterator().next();
    }

    /** @return one batch's probabilities, so the work is not optimized away */
    @Benchmark
    public INDArray dl4jFp32() {
        return fp32.output(false, networkInputs)[0];
    }

    private static int[] edgePairs(GraphBatch b) {
        int[] p = new int[2 * b.edgeCount()];
        for (int k = 0; k < b.edgeCount(); k++) {
            p[2 * k] = b.src()[k];
            p[2 * k + 1] = b.dst()[k];
        }
        return p;
    }
}
