/**
 * Scoring a model on labelled data, whatever the task: top-1 accuracy for classification of
 * images, nodes or graphs, mean absolute and root-mean-square error for regression
 * (MoleculeNet's metrics for ESOL, Wu et al., Chemical Science 2018). The same
 * {@link io.qat4j.training.eval.Predictions} come from a DL4J network and from the int8 executor, so
 * the report compares the float, fake-quantized and integer models with one piece of code.
 */
package io.qat4j.training.eval;
