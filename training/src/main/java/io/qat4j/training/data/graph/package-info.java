/**
 * Graph datasets as the trainers read them: the {@code planetoid} dataset format (LINQS citation
 * graphs with a Planetoid split, read by graph-models' {@code PlanetoidLoader}), and full-batch node
 * classification (Kipf and Welling, ICLR 2017) as {@link io.qat4j.training.data.TaskData}: one
 * training batch per epoch holding the whole graph, with Degree-Quant's protective mask drawn per
 * step (Tailor, Fernandez-Marques, Lane, ICLR 2021).
 */
package io.qat4j.training.data.graph;
