package io.qat4j.training.data;

/**
 * How the pixels of an image dataset become a network's input, the one definition used by the
 * training pipeline ({@link ImageDataSetIterator}) and by everything that feeds the same images to
 * an exported model outside it (the distributed evaluation's Spark tasks): an unsigned byte
 * {@code p} in 0..255 becomes the float {@code (float) p / 255f} in [0, 1], as the usual MNIST
 * preprocessing ({@code ToTensor} in torchvision, Xiao et al. 2017 for Fashion-MNIST) scales it.
 *
 * <p>Depends on the JDK only, so code that must run without ND4J can use it.
 */
public final class PixelScaling {

    private PixelScaling() {
    }

    /**
     * Scales {@code n} pixels: {@code dst[dstOff + j] = (float) (src[srcOff + j] & 0xFF) / 255f}.
     *
     * @param src unsigned pixel bytes
     * @param srcOff first pixel
     * @param dst network inputs
     * @param dstOff first input
     * @param n pixels
     */
    public static void toUnitInterval(byte[] src, int srcOff, float[] dst, int dstOff, int n) {
        for (int j = 0; j < n; j++) {
            dst[dstOff + j] = (float) (src[srcOff + j] & 0xFF) / 255f; // x / 255 in [0, 1]
        }
    }
}
