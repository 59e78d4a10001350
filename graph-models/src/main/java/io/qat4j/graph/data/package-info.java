/**
 * Graph data for the GNNs of issue 10: {@link io.qat4j.graph.data.Graph} (one graph: node
 * features, directed edges, labels), {@link io.qat4j.graph.data.GraphDataset} (the graphs of a
 * dataset with its task, classes and shipped splits), {@link io.qat4j.graph.data.GraphBatch}
 * (graphs collated into a disjoint union, PyG's {@code Batch}, with Degree-Quant's per-graph
 * in-degree CDF of Tailor et al., ICLR 2021, and the network inputs as INDArrays), and one
 * {@link io.qat4j.graph.data.GraphLoader} per file format: LINQS/Planetoid, TU, the GIN text
 * format and SMILES CSV (parsed with the Chemistry Development Kit). Every loader reads any
 * dataset of its format, cleans edges by the documented rules of
 * {@link io.qat4j.graph.data.CleaningReport} and logs what it did in one line; malformed files fail
 * with a {@link io.qat4j.graph.data.GraphFormatException} naming file, line and field.
 */
package io.qat4j.graph.data;
