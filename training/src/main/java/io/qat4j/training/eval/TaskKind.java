package io.qat4j.training.eval;

/**
 * What a model predicts. The level (one prediction per image, per node or per graph) does not
 * matter for scoring: node-level tasks score the rows their label mask selects.
 */
public enum TaskKind {

    /** One class per example; the prediction is the arg max of the outputs (first maximum wins). */
    CLASSIFICATION,
    /** One or more real values per example; the prediction is the outputs themselves. */
    REGRESSION
}
