/**
 * The YAML experiment configuration of qat4j: one file describes a run (dataset, model,
 * quantization, training, output), is read into immutable records and validated completely
 * before any work starts (DESIGN.md section 2: "configs/x.yaml -&gt; ExperimentConfig (validated;
 * errors name the key path and line)").
 *
 * <p>Entry points: {@link io.qat4j.training.config.ExperimentConfigLoader} reads a file or a string
 * plus {@code --set key=value} overrides into an {@link io.qat4j.training.config.ExperimentConfig};
 * {@link io.qat4j.training.config.ConfigWriter} (or {@code ExperimentConfig.toYaml()}) writes the
 * effective, fully defaulted configuration back for provenance. Every problem is reported as a
 * {@link io.qat4j.training.config.ConfigException} naming the source, the line and column, and the
 * key path, all problems of a file at once, in the style of a compiler.
 *
 * <p>Each section has one schema class that lists its keys, binds them with defaults and
 * validation, and writes them back ({@code ExperimentSchema}, {@code DatasetSchema},
 * {@code QuantizationSchema}, {@code TrainingSchema}, {@code OutputSchema}); the {@code model}
 * section belongs to its model family ({@link io.qat4j.training.family}), the format-specific keys
 * of {@code dataset} to its dataset format ({@link io.qat4j.training.data.DatasetFormat}). All of
 * them use the schema-independent binding toolkit of {@link io.qat4j.training.config.binding}.
 *
 * <p>The quantization section follows the arithmetic contract of DESIGN.md section 3 (signed
 * symmetric narrow-range weights of 2..8 bits, asymmetric per-tensor activations) and the observer
 * and straight-through-estimator variants of section 4 (Jacob et al., CVPR 2018; PyTorch
 * {@code torch.ao.quantization}; Brevitas). Its values are the quantizer types of
 * {@code io.qat4j.quant.spec} ({@link io.qat4j.quant.spec.Granularity},
 * {@link io.qat4j.quant.spec.ObserverKind}, {@link io.qat4j.quant.spec.SteMode}), not copies;
 * their YAML spellings live in one table each ({@code QuantizationSchema}), and
 * {@link io.qat4j.training.config.QuantizationConfig} turns the section into the
 * {@link io.qat4j.quant.spec.QuantSpec}s the model builder uses. The schedule is written in steps,
 * epochs or fractions of the run ({@link io.qat4j.training.config.SchedulePoint}) and resolved to a
 * {@link io.qat4j.quant.spec.QuantSchedule} in steps once the run's length is known
 * ({@link io.qat4j.training.config.ScheduleConfig#resolve}).
 */
package io.qat4j.training.config;
