package io.qat4j.quant.export;

import io.qat4j.executor.quant.AffineQuantParams;
import java.util.Arrays;

/**
 * An int8 activation of the exported graph: its tensor id, its per-example shape and its affine
 * quantization ({@code r = S (q - Z)}, Jacob et al., CVPR 2018, equation 1).
 *
 * @param id tensor id in the artifact
 * @param shape per-example shape, e.g. {@code [channels, height, width]} or {@code [features]}
 * @param params scale, zero point and code range
 */
public record Int8Value(int id, int[] shape, AffineQuantParams params) {

    /** @return number of elements per example */
    public int size() {
        return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    }
}
