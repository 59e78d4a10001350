package io.qat4j.executor.artifact;

import java.util.Arrays;
import java.util.List;

/**
 * The checks that tie constants to blobs: every constant names an existing blob of exactly its
 * byte length, every blob is used by exactly one constant, and every stored value lies in the
 * {@code bits}-wide range of the tensor's element type (INT4_PACKED: with a zero high nibble
 * after an odd count). Shared by {@link ArtifactWriter} and {@link ArtifactReader}; all throw
 * {@link InvariantViolation}.
 */
final class BlobChecks {

    private BlobChecks() {
    }

    /**
     * @param model the manifest
     * @param blobLengths the byte length of every blob
     */
    static void checkReferences(ModelArtifact model, long[] blobLengths) {
        int[] user = new int[blobLengths.length];
        Arrays.fill(user, -1);
        List<TensorInfo> tensors = model.tensors();
        for (int i = 0; i < tensors.size(); i++) {
            TensorInfo t = tensors.get(i);
            if (!t.isConstant()) {
                continue;
            }
            int j = t.blobIndex();
            String who = "tensor " + t.id() + " '" + t.name() + "'";
            if (j >= blobLengths.length) {
                throw new InvariantViolation("tensors[" + i + "].blobIndex", who + " refers to blob " + j + " but there are "
                        + blobLengths.length + " blobs");
            }
            if (user[j] >= 0) {
                TensorInfo other = tensors.get(user[j]);
                throw new InvariantViolation("tensors[" + i + "].blobIndex", who + " refers to blob " + j + ", which tensor "
                        + other.id() + " '" + other.name() + "' uses already");
            }
            user[j] = i;
            long expected = t.byteLength();
            if (blobLengths[j] != expected) {
                throw new InvariantViolation("tensors[" + i + "].shape", who + " " + t.type() + " "
                        + Arrays.toString(t.shape()) + " needs " + expected + " bytes but blob " + j + " holds "
                        + blobLengths[j]);
            }
        }
        for (int j = 0; j < user.length; j++) {
            if (user[j] < 0) {
                throw new InvariantViolation("blobs[" + j + "]", "blob " + j + " is not used by any tensor");
            }
        }
    }

    /**
     * @param model the manifest, whose references {@link #checkReferences} accepted
     * @param blobs the blobs
     */
    static void checkValues(ModelArtifact model, List<byte[]> blobs) {
        List<TensorInfo> tensors = model.tensors();
        for (int i = 0; i < tensors.size(); i++) {
            TensorInfo t = tensors.get(i);
            if (t.isConstant()) {
                checkValues(i, t, blobs.get(t.blobIndex()));
            }
        }
    }

    private static void checkValues(int index, TensorInfo t, byte[] data) {
        int bits = t.bits();
        ElementType type = t.type();
        long lo = type.minValue(bits);
        long hi = type.maxValue(bits);
        int j = t.blobIndex();
        switch (type) {
            case INT32 -> {
                // every 32-bit pattern is a valid int32
            }
            case INT8, UINT8 -> {
                if (bits < 8) {
                    for (int k = 0; k < data.length; k++) {
                        int v = type == ElementType.INT8 ? data[k] : data[k] & 0xFF;
                        if (v < lo || v > hi) {
                            throw outOfRange(index, t, k, v, lo, hi, k);
                        }
                    }
                }
            }
            case INT16 -> {
                if (bits < 16) {
                    for (int k = 0; k + 1 < data.length; k += 2) {
                        int v = (short) ((data[k] & 0xFF) | data[k + 1] << 8); // little-endian
                        if (v < lo || v > hi) {
                            throw outOfRange(index, t, k / 2, v, lo, hi, k);
                        }
                    }
                }
            }
            case INT4_PACKED -> {
                int n = t.elementCount();
                for (int k = 0; k < data.length; k++) {
                    int low = (data[k] << 28) >> 28; // sign-extend the low nibble
                    int high = data[k] >> 4;          // arithmetic shift sign-extends the high nibble
                    if (low < lo || low > hi) {
                        throw outOfRange(index, t, 2L * k, low, lo, hi, k);
                    }
                    if (2L * k + 1 < n) {
                        if (high < lo || high > hi) {
                            throw outOfRange(index, t, 2L * k + 1, high, lo, hi, k);
                        }
                    } else if (high != 0) {
                        throw new InvariantViolation("blobs[" + j + "]", "tensor " + t.id() + " '" + t.name()
                                + "' has an odd element count " + n + " but the unused high nibble of its last byte is "
                                + high + ", not 0", j, k);
                    }
                }
            }
        }
    }

    private static InvariantViolation outOfRange(int index, TensorInfo t, long element, int value, long lo, long hi, long position) {
        return new InvariantViolation("blobs[" + t.blobIndex() + "]", "element " + element + " of tensor " + t.id() + " '"
                + t.name() + "' (tensors[" + index + "]) is " + value + ", outside the " + t.bits() + "-bit " + t.type()
                + " range [" + lo + ", " + hi + "]", t.blobIndex(), position);
    }
}
