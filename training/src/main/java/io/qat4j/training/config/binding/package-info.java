/**
 * The binding toolkit of the experiment configuration, independent of any schema: a located YAML
 * tree ({@link io.qat4j.training.config.binding.YamlNode}, read with Jackson's streaming
 * {@code YAMLParser} by {@link io.qat4j.training.config.binding.YamlTreeReader}, which reports
 * duplicate keys, aliases and extra documents), {@code --set} overrides
 * ({@link io.qat4j.training.config.binding.Overrides}), typed reads with ranges and enumerated
 * choices ({@link io.qat4j.training.config.binding.ValueReader},
 * {@link io.qat4j.training.config.binding.ConfigChoices}), sections that report unknown keys with
 * did-you-mean suggestions ({@link io.qat4j.training.config.binding.Section},
 * {@link io.qat4j.training.config.binding.Suggestions}, optimal string alignment distance,
 * Damerau 1964), and the problems collected in one pass and reported together as
 * {@code file:line:column: key.path: message}
 * ({@link io.qat4j.training.config.binding.ConfigException}), as compilers report errors.
 *
 * <p>The experiment sections, the model families and the dataset formats are schemas written
 * with it; none of its classes knows a key of any schema.
 */
package io.qat4j.training.config.binding;
