/**
 * Sweeps: one experiment config run over several seeds and/or folds, each run in its own folder,
 * aggregated as mean and sample standard deviation (the "mean ± std over seeds / folds" of
 * Degree-Quant's tables, Tailor et al., ICLR 2021, and of Xu et al.'s 10-fold protocol for GIN).
 */
package io.qat4j.training.sweep;
