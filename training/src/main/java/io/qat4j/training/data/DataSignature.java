package io.qat4j.training.data;

import java.util.OptionalInt;

/**
 * What a dataset's examples look like, as far as the model must match it: read from the files
 * by a dataset format when the data is loaded, or known before for a named dataset. A model
 * family compares it with its model ({@code io.qat4j.training.family.ModelFamily#mismatches}).
 *
 * <p>One implementation per kind of example: {@link ImageSignature} for image classification
 * (the {@code idx} format); graph and text formats add theirs (DESIGN.md section 8).
 */
public interface DataSignature {

    /** @return the kind of examples in plural, for messages, e.g. {@code images} */
    String examples();

    /** @return the number of classes of a classification dataset, empty for regression */
    OptionalInt classes();
}
