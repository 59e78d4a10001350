package io.qat4j.executor.op;

import java.util.List;

/**
 * The parts of an {@link OpDefinition} that are plain data, given once to the constructor, so that
 * an op class holds only its attribute builder and its {@link #prepare}.
 */
public abstract class AbstractOpDefinition implements OpDefinition {

    private final String name;
    private final int version;
    private final String summary;
    private final List<AttributeSpec> attributes;

    /**
     * @param name the op type
     * @param version the version this class defines
     * @param summary what the op computes, for documentation and {@code qat4j inspect}
     * @param attributes the attributes it takes
     */
    protected AbstractOpDefinition(String name, int version, String summary, List<AttributeSpec> attributes) {
        this.name = name;
        this.version = version;
        this.summary = summary;
        this.attributes = List.copyOf(attributes);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final int version() {
        return version;
    }

    @Override
    public final String summary() {
        return summary;
    }

    @Override
    public final List<AttributeSpec> attributes() {
        return attributes;
    }

    @Override
    public String toString() {
        return name + " v" + version;
    }
}
