package io.qat4j.training.config;

import io.qat4j.training.config.binding.ConfigChoice;

/**
 * {@code training.select}: which parameters a finished run keeps, reports, saves and exports.
 */
public enum ModelSelection implements ConfigChoice {
    /** The parameters after the last epoch (the default). */
    LAST("last"),
    /**
     * The parameters of the epoch with the lowest validation loss, the model selection of
     * camlsys/degree-quant's {@code train_eval.py} (Tailor et al., ICLR 2021): the reported test
     * figure is the test score at that epoch. Needs a validation split and an evaluation every epoch.
     */
    BEST_VALIDATION_LOSS("best-validation-loss");

    private final String yamlName;

    ModelSelection(String yamlName) {
        this.yamlName = yamlName;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }
}
