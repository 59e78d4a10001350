package io.qat4j.training.data;

import java.util.OptionalInt;

/**
 * Image classification data: every image has {@code channels x height x width} pixels and one
 * of {@code classes} labels.
 *
 * @param channels channels per image, {@code >= 1}
 * @param height rows, {@code >= 1}
 * @param width columns, {@code >= 1}
 * @param classCount number of classes, {@code >= 1}
 */
public record ImageSignature(int channels, int height, int width, int classCount)
        implements DataSignature {

    /** Checks that every extent is positive. */
    public ImageSignature {
        if (channels < 1 || height < 1 || width < 1 || classCount < 1) {
            throw new IllegalArgumentException("extents and classes must be >= 1: " + channels
                    + "x" + height + "x" + width + ", " + classCount + " classes");
        }
    }

    /**
     * @param d an image dataset
     * @return its signature
     */
    public static ImageSignature of(ImageDataset d) {
        return new ImageSignature(d.channels(), d.height(), d.width(), d.numClasses());
    }

    @Override
    public String examples() {
        return "images";
    }

    @Override
    public OptionalInt classes() {
        return OptionalInt.of(classCount);
    }

    /** @return {@code channels x height x width}, e.g. {@code 1x28x28} */
    public String shape() {
        return channels + "x" + height + "x" + width;
    }
}
