package io.qat4j.training.family.cnn;

/**
 * A height/width pair for kernel sizes, strides and dilations; written in YAML as one integer
 * (square) or as {@code [height, width]}.
 *
 * @param height extent along the rows, {@code >= 1}
 * @param width extent along the columns, {@code >= 1}
 */
public record Size2d(int height, int width) {

    /** Checks that both extents are at least 1. */
    public Size2d {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("extents must be >= 1: " + height + "x" + width);
        }
    }

    /**
     * @param size the extent along both axes
     * @return a square size
     */
    public static Size2d square(int size) {
        return new Size2d(size, size);
    }

    /** @return true when height equals width */
    public boolean isSquare() {
        return height == width;
    }

    /** @return {@code 3x3} */
    @Override
    public String toString() {
        return height + "x" + width;
    }
}
