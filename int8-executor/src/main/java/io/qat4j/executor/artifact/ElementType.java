package io.qat4j.executor.artifact;

/**
 * How a tensor's integers are stored. The {@linkplain #code() code} is the byte written in the
 * manifest; it never changes once released.
 *
 * <p>Bit widths: the {@code bits} of a tensor say which integers it holds (DESIGN.md section 3,
 * weights and activations use 2 to 8 bits), the element type says which container stores them.
 */
public enum ElementType {

    /** Signed 8-bit container, one byte per element, holding 2- to 8-bit signed values. */
    INT8(1, 2, 8, true, 1),
    /** Signed 32-bit integers (biases, accumulators, indices), four bytes little-endian; 32 bits. */
    INT32(2, 32, 32, true, 1),
    /**
     * Two signed 4-bit values per byte, element {@code 2k} in the low nibble and {@code 2k+1} in
     * the high nibble; holds 2- to 4-bit signed values. An odd element count leaves the last high
     * nibble zero.
     */
    INT4_PACKED(3, 2, 4, true, 1),
    /** Unsigned 8-bit container, one byte per element, holding 2- to 8-bit unsigned values. */
    UINT8(4, 2, 8, false, 1),
    /**
     * Signed 16-bit container, two bytes little-endian per element, holding 2- to 16-bit signed
     * values (e.g. I-BERT's 16-bit intermediates). Artifact format version 2 and later.
     */
    INT16(5, 2, 16, true, 2);

    private final int code;
    private final int minBits;
    private final int maxBits;
    private final boolean signed;
    private final int sinceFormatVersion;

    ElementType(int code, int minBits, int maxBits, boolean signed, int sinceFormatVersion) {
        this.code = code;
        this.minBits = minBits;
        this.maxBits = maxBits;
        this.signed = signed;
        this.sinceFormatVersion = sinceFormatVersion;
    }

    /** @return the code stored in the manifest */
    public int code() {
        return code;
    }

    /** @return the first artifact format version that stores this type */
    public int sinceFormatVersion() {
        return sinceFormatVersion;
    }

    /** @return the smallest bit width this container holds */
    public int minBits() {
        return minBits;
    }

    /** @return the largest bit width this container holds */
    public int maxBits() {
        return maxBits;
    }

    /** @return whether values are two's complement */
    public boolean signed() {
        return signed;
    }

    /**
     * @param bits a bit width
     * @return whether this container holds {@code bits}-wide values
     */
    public boolean supportsBits(int bits) {
        return bits >= minBits && bits <= maxBits;
    }

    /**
     * @param bits a supported bit width
     * @return the smallest value of a {@code bits}-wide integer of this signedness
     */
    public long minValue(int bits) {
        return signed ? -(1L << (bits - 1)) : 0;
    }

    /**
     * @param bits a supported bit width
     * @return the largest value of a {@code bits}-wide integer of this signedness
     */
    public long maxValue(int bits) {
        return signed ? (1L << (bits - 1)) - 1 : (1L << bits) - 1;
    }

    /**
     * @param elementCount number of elements, {@code >= 0}
     * @return bytes needed to store them: {@code n}, {@code 2n}, {@code 4n} or {@code ceil(n/2)}
     */
    public long byteLength(long elementCount) {
        return switch (this) {
            case INT8, UINT8 -> elementCount;
            case INT16 -> 2 * elementCount;
            case INT32 -> 4 * elementCount;
            case INT4_PACKED -> (elementCount + 1) / 2;
        };
    }

    /**
     * @param code a manifest code
     * @return its element type, or {@code null} if the code is unknown
     */
    static ElementType ofCode(int code) {
        for (ElementType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
