/**
 * Quantized Deeplearning4j layers and graph vertices: configuration classes (what a network
 * configuration holds and serializes as JSON) and, in {@code impl}, their implementations with
 * hand-written backward passes.
 *
 * <p>Each compute layer fake-quantizes its weights with a straight-through estimator, can fold a
 * batch normalization into its weights (PyTorch {@code ConvBn2d}; HAWQ-V3, Yao et al., ICML 2021),
 * and fake-quantizes its output activation. Quantizer state (observer ranges, batch-norm running
 * statistics) lives in the layer's parameter view with a no-op updater, so that checkpoints and
 * Spark parameter averaging carry it.
 *
 * <p><b>Adding a quantized layer.</b> Every quantized layer or vertex implements
 * {@link io.qat4j.quant.layers.QuantizedLayer} on its configuration class: its specs and
 * schedule, a copy on another schedule, its output quantizer, its exportable weights and its
 * export contribution ({@link io.qat4j.quant.layers.QuantComputeLayer} and
 * {@link io.qat4j.quant.layers.QuantizedActivation} supply most of it for layers with weights and
 * for element-wise quantizers). Discovery is by the configuration class itself: monitoring
 * ({@link io.qat4j.quant.layers.OutputQuantizers}), {@link io.qat4j.quant.layers.Schedules} and
 * the exporter ask each vertex of the network whether its configuration implements the contract,
 * so a layer defined in any module (and on the class path when its network's JSON is read) needs
 * no registration and no edit in this module. Plain DL4J layers, whose classes cannot implement it,
 * are exported by {@link io.qat4j.quant.export.Int8ExportHandler}s found with
 * {@link java.util.ServiceLoader}.
 */
package io.qat4j.quant.layers;
