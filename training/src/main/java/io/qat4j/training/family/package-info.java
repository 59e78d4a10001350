/**
 * Model families (DESIGN.md section 8, "Model family"): {@code model.family} selects a
 * {@link io.qat4j.training.family.ModelFamily}, found with {@link java.util.ServiceLoader} by
 * {@link io.qat4j.training.family.ModelFamilies}, which defines in one place the schema of the
 * {@code model} section (keys, binding, defaults, validation, writing back), the shape inference,
 * the check against the data and the DL4J network. {@code cnn}
 * ({@link io.qat4j.training.family.cnn}) is the default; {@code gnn} (Degree-Quant, Tailor et al.,
 * ICLR 2021) and {@code transformer} (Q-BERT, Shen et al., AAAI 2020) come as new families
 * without edits here.
 */
package io.qat4j.training.family;
