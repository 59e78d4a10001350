package io.qat4j.executor.artifact;

import java.nio.charset.StandardCharsets;

/**
 * Constants of the artifact format: magic, version, fixed sizes and the limits the reader
 * enforces before it allocates anything. The byte layout is specified in the
 * {@linkplain io.qat4j.executor.artifact package documentation}.
 *
 * <p>Versioning follows Tribuo's {@code CURRENT_VERSION} convention: the writer always writes
 * {@link #CURRENT_VERSION}; the reader accepts every version from 1 up to it and rejects newer
 * ones with a message naming both versions. Fixtures of every released version live under
 * {@code src/test/resources/artifacts/} and must keep loading.
 */
public final class ArtifactFormat {

    private ArtifactFormat() {
    }

    /** The version this code writes, and the newest it reads. */
    public static final int CURRENT_VERSION = 2;

    /** The first eight bytes of every artifact, ASCII {@code QAT4JART}. */
    public static final String MAGIC = "QAT4JART";

    static final byte[] MAGIC_BYTES = MAGIC.getBytes(StandardCharsets.US_ASCII);

    /** Size of the fixed header in bytes. */
    public static final int HEADER_SIZE = 32;

    /** Size of one blob table entry: u64 offset, u64 length, u32 CRC32C. */
    public static final int BLOB_ENTRY_SIZE = 20;

    /** Every blob starts at a file offset that is a multiple of this. */
    public static final int BLOB_ALIGNMENT = 8;

    /** Largest manifest accepted, 64 MiB. */
    public static final long MAX_MANIFEST_BYTES = 64L << 20;

    /** Largest encoded string accepted, 1 MiB of UTF-8. */
    public static final int MAX_STRING_BYTES = 1 << 20;

    /** Largest element count of any array in the manifest, 2^28. */
    public static final int MAX_ARRAY_LENGTH = 1 << 28;

    /** Largest number of tensors, of ops, of blobs and of entries in any map. */
    public static final int MAX_COUNT = 1_000_000;

    /** Largest tensor rank. */
    public static final int MAX_RANK = 8;

    /** Largest blob, the largest Java array that every JVM allocates. */
    public static final long MAX_BLOB_BYTES = Integer.MAX_VALUE - 8;

    // header field offsets
    static final int OFF_VERSION = 8;
    static final int OFF_FLAGS = 10;
    static final int OFF_MANIFEST_LENGTH = 12;
    static final int OFF_MANIFEST_CRC = 20;
    static final int OFF_BLOB_COUNT = 24;
    static final int OFF_HEADER_CRC = 28;

    /**
     * @param position a file offset
     * @return the smallest multiple of {@link #BLOB_ALIGNMENT} not below {@code position}
     */
    static long align(long position) {
        return (position + BLOB_ALIGNMENT - 1) & -BLOB_ALIGNMENT;
    }

    /** @return the versions this code reads, for messages: "1" or "1 to 3" */
    static String readableVersions() {
        return CURRENT_VERSION == 1 ? "1" : "1 to " + CURRENT_VERSION;
    }
}
