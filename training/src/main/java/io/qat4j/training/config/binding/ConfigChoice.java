package io.qat4j.training.config.binding;

/**
 * A value of an enumerated configuration option, with the exact spelling used in the YAML file
 * (lower case, words separated by {@code -}, e.g. {@code per-channel}).
 *
 * <p>Implemented by every enum of this package so that the loader can list the allowed spellings
 * in error messages and the {@link ConfigWriter} can write them back. Enums of other modules (the
 * quantizer types of {@code io.qat4j.quant.spec}) get their spellings from {@link ConfigChoices}
 * instead.
 */
public interface ConfigChoice {

    /** @return the spelling of this value in the YAML file */
    String yamlName();
}
