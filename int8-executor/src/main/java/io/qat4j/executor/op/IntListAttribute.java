package io.qat4j.executor.op;

import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.Attributes;

/**
 * A required attribute holding a list of integers, of a fixed length ({@code kernel}: 2 values)
 * or of a length the op derives from its tensors ({@code multipliers}: one per output channel,
 * checked by the op with {@link OpContext#expectCount}).
 *
 * @see AttributeSpec
 */
public final class IntListAttribute implements AttributeSpec {

    private final String name;
    private final int minCount;
    private final int maxCount;
    private final ValueRule rule;
    private final String doc;

    private IntListAttribute(String name, int minCount, int maxCount, ValueRule rule, String doc) {
        this.name = name;
        this.minCount = minCount;
        this.maxCount = maxCount;
        this.rule = rule;
        this.doc = doc;
    }

    /**
     * @param name attribute name
     * @param count the exact number of values
     * @param rule admitted values
     * @param doc what it means
     * @return the declaration
     */
    public static IntListAttribute exactly(String name, int count, ValueRule rule, String doc) {
        return new IntListAttribute(name, count, count, rule, doc);
    }

    /**
     * @param name attribute name
     * @param rule admitted values
     * @param doc what it means, including how many values the op expects
     * @return the declaration of a list of at least one value
     */
    public static IntListAttribute nonEmpty(String name, ValueRule rule, String doc) {
        return new IntListAttribute(name, 1, Integer.MAX_VALUE, rule, doc);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kind() {
        return "int list";
    }

    @Override
    public String count() {
        return minCount == maxCount ? Integer.toString(minCount) : minCount + " or more";
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
     * @param values the values
     * @return {@code attributes}
     * @throws IllegalArgumentException on a wrong count or a value the rule does not admit
     */
    public Attributes.Builder write(Attributes.Builder attributes, int... values) {
        if (values.length < minCount || values.length > maxCount) {
            throw new IllegalArgumentException("attribute '" + name + "' takes " + count() + " values, got " + values.length);
        }
        for (int k = 0; k < values.length; k++) {
            if (!rule.admits(values[k])) {
                throw new IllegalArgumentException("attribute '" + name + "': value " + values[k] + " at [" + k + "] is not "
                        + rule.describe());
            }
        }
        return attributes.putInts(name, values);
    }

    /**
     * Reads and checks the attribute.
     *
     * @param op the op being loaded
     * @return the values
     * @throws ArtifactFormatException if it is missing, a real attribute, of a wrong count, or holds a value not admitted
     */
    public int[] read(OpContext op) throws ArtifactFormatException {
        return op.readInts(this, minCount, maxCount);
    }

    @Override
    public String toString() {
        return describe();
    }
}
