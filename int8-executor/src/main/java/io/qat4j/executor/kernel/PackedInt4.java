package io.qat4j.executor.kernel;

/**
 * Signed 4-bit weights packed two per byte, the smallest container qat4j stores below int8.
 * Weights of 2, 3 or 4 bits ({@code [-2^(b-1), 2^(b-1) - 1]}, symmetric narrow range
 * {@code [-(2^(b-1) - 1), 2^(b-1) - 1]} in practice) all use this container: 2- and 3-bit codes
 * waste bits but keep unpacking a shift and a sign extension, and the kernels see the same
 * int8 values as the unpacked path (so results are identical by construction).
 *
 * <p>Layout: a flat sequence of two's complement nibbles; element {@code i} lives in byte
 * {@code i / 2}, in the low nibble (bits 0-3) when {@code i} is even and the high nibble
 * (bits 4-7) when {@code i} is odd ("low nibble first", as TFLite's
 * {@code tensor_utils::UnpackDenseInt4IntoInt8} and ONNX {@code INT4}). A tensor of {@code n}
 * elements takes {@code ceil(n / 2)} bytes; for odd {@code n} the unused high nibble of the last
 * byte is 0. Rows of a weight matrix are not padded to whole bytes: row {@code o} of a
 * {@code [O, K]} matrix starts at element {@code o * K}, whatever the parity of {@code K}.
 */
public final class PackedInt4 {

    /** Smallest value of the container. */
    public static final int MIN_VALUE = -8;
    /** Largest value of the container. */
    public static final int MAX_VALUE = 7;
    /** Smallest bit width stored in this container. */
    public static final int MIN_BITS = 2;
    /** Largest bit width stored in this container. */
    public static final int MAX_BITS = 4;

    private PackedInt4() {
    }

    /**
     * @param count number of 4-bit elements
     * @return bytes needed, {@code ceil(count / 2)}
     */
    public static int packedLength(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("negative element count " + count);
        }
        return (int) (((long) count + 1) / 2);
    }

    /**
     * Packs int8 values that fit a signed 4-bit container.
     *
     * @param values values in {@code [-8, 7]}
     * @return {@code ceil(values.length / 2)} bytes, low nibble first
     * @throws IllegalArgumentException if a value is out of range
     */
    public static byte[] pack(byte[] values) {
        return pack(values, MAX_BITS);
    }

    /**
     * Packs int8 values of a given bit width (2 to 4) into the 4-bit container.
     *
     * @param values values in {@code [-2^(bits-1), 2^(bits-1) - 1]}
     * @param bits the bit width the values were quantized to, 2 to 4
     * @return {@code ceil(values.length / 2)} bytes, low nibble first
     * @throws IllegalArgumentException if {@code bits} is outside 2..4 or a value is out of range
     */
    public static byte[] pack(byte[] values, int bits) {
        if (bits < MIN_BITS || bits > MAX_BITS) {
            throw new IllegalArgumentException("the 4-bit container holds 2 to 4 bit values, got " + bits + " bits");
        }
        int lo = -(1 << (bits - 1));
        int hi = (1 << (bits - 1)) - 1;
        byte[] packed = new byte[packedLength(values.length)];
        for (int i = 0; i < values.length; i++) {
            int v = values[i];
            if (v < lo || v > hi) {
                throw new IllegalArgumentException("value " + v + " at index " + i + " is not a signed " + bits
                        + "-bit integer [" + lo + ", " + hi + "]");
            }
            // two's complement nibble: v & 0xF; even index -> bits 0-3, odd -> bits 4-7
            packed[i >> 1] |= (byte) ((v & 0xF) << ((i & 1) << 2));
        }
        return packed;
    }

    /**
     * Reads one element.
     *
     * @param packed packed data
     * @param index element index
     * @return the sign-extended value, in {@code [-8, 7]}
     */
    public static int get(byte[] packed, int index) {
        int b = packed[index >> 1];
        // move the nibble to bits 28-31, then arithmetic shift right sign-extends it
        return (index & 1) == 0 ? (b << 28) >> 28 : (b << 24) >> 28;
    }

    /**
     * Unpacks a whole tensor.
     *
     * @param packed packed data
     * @param count number of elements
     * @return the int8 values
     */
    public static byte[] unpack(byte[] packed, int count) {
        byte[] out = new byte[count];
        unpack(packed, 0, count, out, 0);
        return out;
    }

    /**
     * Unpacks {@code count} elements starting at element {@code fromIndex} (which may be odd) into
     * {@code dst[dstOffset ...]}; used by the kernels to expand one weight row or filter into a
     * scratch buffer.
     *
     * @param packed packed data
     * @param fromIndex first element
     * @param count number of elements
     * @param dst destination
     * @param dstOffset first destination index
     * @throws IllegalArgumentException if a range is out of bounds
     */
    public static void unpack(byte[] packed, long fromIndex, int count, byte[] dst, int dstOffset) {
        if (fromIndex < 0 || count < 0 || dstOffset < 0) {
            throw new IllegalArgumentException("negative index or count");
        }
        if ((fromIndex + count + 1) / 2 > packed.length) {
            throw new IllegalArgumentException("packed data has " + packed.length + " bytes, elements up to "
                    + (fromIndex + count) + " need " + (fromIndex + count + 1) / 2);
        }
        if ((long) dstOffset + count > dst.length) {
            throw new IllegalArgumentException("destination too small: " + dst.length + " < " + dstOffset + " + " + count);
        }
        for (int i = 0; i < count; i++) {
            long index = fromIndex + i; // up to 2 * packed.length: a long
            int b = packed[(int) (index >> 1)];
            // sign-extend the selected nibble: shift it to bits 28-31, then >> 28
            dst[dstOffset + i] = (byte) ((b << (28 - (((int) index & 1) << 2))) >> 28);
        }
    }
}
