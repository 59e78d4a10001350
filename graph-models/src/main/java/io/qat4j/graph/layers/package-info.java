/**
 * Graph layers as DL4J {@code ComputationGraph} vertices with quantization-aware training and
 * Degree-Quant (Tailor, Fernandez-Marques and Lane, "Degree-Quant: Quantization-Aware Training for
 * Graph Neural Networks", ICLR 2021): {@link io.qat4j.graph.layers.GcnVertex} (Kipf and Welling,
 * ICLR 2017), {@link io.qat4j.graph.layers.GinVertex} (Xu et al., ICLR 2019),
 * {@link io.qat4j.graph.layers.GatVertex} (Velickovic et al., ICLR 2018) and
 * {@link io.qat4j.graph.layers.GraphPoolVertex}, each in FP32, plain QAT or Degree-Quant mode
 * ({@link io.qat4j.graph.layers.GnnQuantSettings}); the protective mask
 * ({@link io.qat4j.graph.layers.DegreeQuantMask}); message passing by gather and scatter-add over
 * the edge list ({@link io.qat4j.graph.layers.MessagePassing}), never a dense adjacency matrix.
 *
 * <p>A network feeds every vertex the inputs of {@link io.qat4j.graph.GraphInputs}; a node-level
 * network does not read {@code graph} and needs {@code GraphBuilder.allowDisconnected(true)}.
 * Trained parameters, observer states and batch-norm statistics live in each vertex's parameter
 * view (the pattern of quant-layers' {@code QuantAddVertex}), so checkpoints, {@code ModelSerializer}
 * and Spark's worker merge carry them; each vertex implements quant-layers'
 * {@link io.qat4j.quant.layers.QuantizedLayer} and lists all its observers in
 * {@link io.qat4j.quant.layers.QuantizedLayer#activationQuantizers()}.
 */
package io.qat4j.graph.layers;
