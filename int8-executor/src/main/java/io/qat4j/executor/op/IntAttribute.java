package io.qat4j.executor.op;

import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.Attributes;

/**
 * A required attribute holding one integer (stored as a list of one value).
 *
 * @see AttributeSpec
 */
public final class IntAttribute implements AttributeSpec {

    private final String name;
    private final ValueRule rule;
    private final String doc;

    private IntAttribute(String name, ValueRule rule, String doc) {
        this.name = name;
        this.rule = rule;
        this.doc = doc;
    }

    /**
     * @param name attribute name
     * @param rule admitted values
     * @param doc what it means
     * @return the declaration
     */
    public static IntAttribute of(String name, ValueRule rule, String doc) {
        return new IntAttribute(name, rule, doc);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kind() {
        return "int";
    }

    @Override
    public String count() {
        return "1";
    }

    @Override
    public ValueRule rule() {
        return rule;
    }

    @Override
    public String doc() {
        return doc;
    }

    /**
     * Writes the attribute.
     *
     * @param attributes the op's attributes being built
     * @param value the value
     * @return {@code attributes}
     * @throws IllegalArgumentException if the rule does not admit the value
     */
    public Attributes.Builder write(Attributes.Builder attributes, int value) {
        if (!rule.admits(value)) {
            throw new IllegalArgumentException("attribute '" + name + "': " + value + " is not " + rule.describe());
        }
        return attributes.putInts(name, value);
    }

    /**
     * Reads and checks the attribute.
     *
     * @param op the op being loaded
     * @return the value
     * @throws ArtifactFormatException if it is missing, not one integer, or not admitted
     */
    public int read(OpContext op) throws ArtifactFormatException {
        return op.readInts(this, 1, 1)[0];
    }

    @Override
    public String toString() {
        return describe();
    }
}
