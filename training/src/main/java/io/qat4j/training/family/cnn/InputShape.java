package io.qat4j.training.family.cnn;

/**
 * Shape of one input example as the model sees it, channels-first (NCHW without the batch axis,
 * the DL4J convolutional layout).
 *
 * @param channels number of channels, {@code >= 1}
 * @param height rows, {@code >= 1}
 * @param width columns, {@code >= 1}
 */
public record InputShape(int channels, int height, int width) {

    /** Checks that all extents are at least 1. */
    public InputShape {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "extents must be >= 1: " + channels + "x" + height + "x" + width);
        }
    }

    /** @return {@code channels x height x width}, e.g. {@code 1x28x28} */
    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
