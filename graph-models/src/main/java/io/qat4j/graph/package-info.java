/**
 * Graph neural networks for qat4j: the network inputs every graph model shares
 * ({@link io.qat4j.graph.GraphInputs}), graph data and loaders ({@code data}), and the quantized
 * graph layers with Degree-Quant ({@code layers}; Tailor, Fernandez-Marques and Lane, ICLR 2021).
 */
package io.qat4j.graph;
