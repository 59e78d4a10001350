package io.qat4j.training.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.graph.GraphInputs;
import io.qat4j.quant.layers.QuantAddVertex;
import io.qat4j.quant.layers.QuantConv2dLayer;
import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.ExperimentConfigLoader;
import io.qat4j.training.family.cnn.CnnModelConfig;
import io.qat4j.training.family.gnn.GnnModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Every config shipped in {@code configs/} validates and builds a network that runs. */
class ShippedConfigsTest {

    static Path configsDir() {
        Path p = Path.of("../configs");
        return Files.isDirectory(p) ? p : Path.of("configs");
    }

    static Stream<Path> configs() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(configsDir())) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no configs found in " + configsDir().toAbsolutePath());
        return files.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void configValidatesBuildsAndRuns(Path file) {
        ExperimentConfig cfg = ExperimentConfigLoader.load(file);
        assertEquals(file.getFileName().toString().replace(".yaml", ""), cfg.name(), "name matches the file name");
        ComputationGraph net = new NetworkBuilder(cfg, 100).build();
        if (cfg.model() instanceof GnnModelConfig gnn) {
            // three nodes on a path 0-1-2, both directions, one graph: a row per node, or one for the graph
            INDArray[] in = {Nd4j.rand(DataType.FLOAT, 3, gnn.features()),
                GraphInputs.edgesArray(new int[] {0, 1, 1, 2}, new int[] {1, 0, 2, 1}),
                Nd4j.zeros(DataType.FLOAT, 3, 1), Nd4j.zeros(DataType.FLOAT, 3, 1)};
            INDArray y = net.output(false, in)[0];
            long rows = gnn.graphLevel() ? 1 : 3;
            assertEquals(rows, y.size(0));
            assertEquals(gnn.outputs(), y.size(1));
            if (!gnn.regression()) {
                assertEquals(rows, y.sumNumber().doubleValue(), 1e-4, "softmax rows sum to 1");
            }
        } else {
            CnnModelConfig model = (CnnModelConfig) cfg.model();
            var in = model.input();
            INDArray x = Nd4j.rand(DataType.FLOAT, 2, in.channels(), in.height(), in.width());
            INDArray y = net.outputSingle(x);
            assertEquals(model.outputLayer().classes(), y.size(1));
            assertEquals(2.0, y.sumNumber().doubleValue(), 1e-4, "softmax rows sum to 1");
        }
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(net.getConfiguration().toJson());
        assertEquals(net.getConfiguration(), back);
    }

    @Test
    void residualConfigUsesQuantizedAddsAndProjections() {
        ExperimentConfig cfg = ExperimentConfigLoader.load(configsDir().resolve("fashion-mnist-resnet-w8a8.yaml"));
        ComputationGraphConfiguration conf = new NetworkBuilder(cfg, 100).configuration();
        long adds = conf.getVertices().values().stream().filter(v -> v instanceof QuantAddVertex).count();
        assertEquals(3, adds);
        assertTrue(conf.getVertices().containsKey("L2_res_proj"), "stride-2 block projects its shortcut");
        assertFalse(conf.getVertices().containsKey("L1_res_proj"), "identity shortcut when shapes match");
        var stem = (org.deeplearning4j.nn.conf.graph.LayerVertex) conf.getVertices().get("L0_conv");
        assertTrue(((QuantConv2dLayer) stem.getLayerConf().getLayer()).getQuant().batchNorm());
    }

    @Test
    void fp32ConfigNeverQuantizes() {
        ExperimentConfig cfg = ExperimentConfigLoader.load(configsDir().resolve("fashion-mnist-fp32.yaml"));
        ComputationGraphConfiguration conf = new NetworkBuilder(cfg, 100).configuration();
        var conv = (org.deeplearning4j.nn.conf.graph.LayerVertex) conf.getVertices().get("L0_conv");
        var q = ((QuantConv2dLayer) conv.getLayerConf().getLayer()).getQuant();
        assertFalse(q.schedule().quantizing(Long.MAX_VALUE - 1));
    }
}
