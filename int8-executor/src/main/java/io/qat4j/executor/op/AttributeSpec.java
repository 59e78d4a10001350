package io.qat4j.executor.op;

/**
 * The declaration of one named integer attribute of an op: its name, its kind (one integer or a
 * list), how many values it takes, which values it admits, and its documentation. Declared once,
 * in the op's class; the same object writes the attribute (the exporter) and reads it back (the
 * executor), so the two cannot disagree (ONNX's {@code AttributeProto} declared in an op schema).
 */
public sealed interface AttributeSpec permits IntAttribute, IntListAttribute {

    /** @return the attribute name in the artifact */
    String name();

    /** @return {@code "int"} or {@code "int list"} */
    String kind();

    /** @return how many values, in words: {@code "1"}, {@code "4"}, {@code "1 or more"} */
    String count();

    /** @return the admitted values */
    ValueRule rule();

    /** @return what the attribute means */
    String doc();

    /** @return one line for documentation and {@code qat4j inspect} */
    default String describe() {
        return name() + " (" + kind() + ", " + OpContext.values(this) + ", each "
                + rule().describe() + "): " + doc();
    }
}
