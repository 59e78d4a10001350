package io.qat4j.training.family.cnn;

/**
 * Shape of the activations between two layers of a sequential model, without the batch axis:
 * either spatial (channels x height x width, after convolutions and pooling) or a flat vector of
 * features (after {@code flatten}, {@code globalavgpool}, {@code dense}, {@code output}).
 *
 * @param spatial true for channels x height x width, false for a flat vector
 * @param channels channels (spatial), or 0
 * @param height rows (spatial), or 0
 * @param width columns (spatial), or 0
 * @param size number of values: {@code channels * height * width}, or the vector length
 */
public record ActivationShape(boolean spatial, int channels, int height, int width, long size) {

    /** Checks that the components are consistent. */
    public ActivationShape {
        if (spatial ? channels < 1 || height < 1 || width < 1
                || size != (long) channels * height * width
                : channels != 0 || height != 0 || width != 0 || size < 1) {
            throw new IllegalArgumentException("inconsistent shape: spatial=" + spatial + " "
                    + channels + "x" + height + "x" + width + " size " + size);
        }
    }

    /**
     * @param channels channels, {@code >= 1}
     * @param height rows, {@code >= 1}
     * @param width columns, {@code >= 1}
     * @return a channels x height x width shape
     */
    public static ActivationShape spatial(int channels, int height, int width) {
        return new ActivationShape(true, channels, height, width, (long) channels * height * width);
    }

    /**
     * @param size vector length, {@code >= 1}
     * @return a flat shape
     */
    public static ActivationShape flat(long size) {
        return new ActivationShape(false, 0, 0, 0, size);
    }

    /**
     * @param input a model input shape
     * @return the same shape as activations
     */
    public static ActivationShape of(InputShape input) {
        return spatial(input.channels(), input.height(), input.width());
    }

    /** @return {@code 32x14x14} for a spatial shape, {@code [128]} for a vector */
    @Override
    public String toString() {
        return spatial ? channels + "x" + height + "x" + width : "[" + size + "]";
    }
}
