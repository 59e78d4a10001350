package io.qat4j.executor.artifact;

import io.qat4j.executor.io.AtomicFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a model artifact in format {@link ArtifactFormat#CURRENT_VERSION} (layout in the
 * {@linkplain io.qat4j.executor.artifact package documentation}).
 *
 * <p>The writer checks everything the reader checks (the records check themselves on
 * construction; this class checks the blobs against the constants), so it never produces a file
 * the reader rejects. The output is canonical: one model has exactly one encoding, and writing
 * what {@link ArtifactReader} returns reproduces the file byte for byte.
 */
public final class ArtifactWriter {

    private ArtifactWriter() {
    }

    /**
     * Writes an artifact atomically ({@link AtomicFiles}: temporary file, forced to disk, renamed
     * over the target).
     *
     * @param manifest the manifest, of format version {@link ArtifactFormat#CURRENT_VERSION}
     * @param blobs the constant data, indexed by {@link TensorInfo#blobIndex()}
     * @param target the file to create or replace
     * @throws IllegalArgumentException if the blobs do not match the constants or the manifest is too large
     * @throws IOException if the file cannot be written
     */
    public static void write(ModelArtifact manifest, List<byte[]> blobs, Path target) throws IOException {
        Layout layout = layout(manifest, blobs);
        AtomicFiles.writeStream(target, out -> {
            BufferedOutputStream buffered = new BufferedOutputStream(out, 1 << 16);
            layout.writeTo(buffered);
            buffered.flush();
        });
    }

    /**
     * Writes an artifact atomically.
     *
     * @param artifact manifest and blobs
     * @param target the file to create or replace
     * @throws IOException if the file cannot be written
     */
    public static void write(LoadedArtifact artifact, Path target) throws IOException {
        write(artifact.model(), artifact.blobs(), target);
    }

    /**
     * Encodes an artifact in memory.
     *
     * @param manifest the manifest, of format version {@link ArtifactFormat#CURRENT_VERSION}
     * @param blobs the constant data, indexed by {@link TensorInfo#blobIndex()}
     * @return the artifact's bytes
     * @throws IllegalArgumentException if the blobs do not match the constants, or the manifest or
     *     the whole artifact is too large
     */
    public static byte[] toBytes(ModelArtifact manifest, List<byte[]> blobs) {
        Layout layout = layout(manifest, blobs);
        if (layout.total > ArtifactFormat.MAX_BLOB_BYTES) {
            throw new IllegalArgumentException("the artifact has " + layout.total + " bytes, too many for one array; use write(Path)");
        }
        ArrayOut out = new ArrayOut((int) layout.total);
        try {
            layout.writeTo(out);
        } catch (IOException e) {
            throw new IllegalStateException("in-memory write failed", e);
        }
        return out.buf;
    }

    /**
     * Encodes an artifact in memory.
     *
     * @param artifact manifest and blobs
     * @return the artifact's bytes
     */
    public static byte[] toBytes(LoadedArtifact artifact) {
        return toBytes(artifact.model(), artifact.blobs());
    }

    private static Layout layout(ModelArtifact manifest, List<byte[]> blobs) {
        if (manifest == null || blobs == null) {
            throw new IllegalArgumentException("manifest and blobs must not be null");
        }
        if (manifest.formatVersion() != ArtifactFormat.CURRENT_VERSION) {
            throw new IllegalArgumentException("this qat4j writes artifact format version " + ArtifactFormat.CURRENT_VERSION
                    + " only, the manifest says " + manifest.formatVersion());
        }
        List<byte[]> data = new ArrayList<>(blobs);
        if (data.size() > ArtifactFormat.MAX_COUNT) {
            throw new IllegalArgumentException(data.size() + " blobs, above the limit of " + ArtifactFormat.MAX_COUNT);
        }
        long[] lengths = new long[data.size()];
        for (int j = 0; j < data.size(); j++) {
            byte[] b = data.get(j);
            if (b == null) {
                throw new IllegalArgumentException("blobs[" + j + "] is null");
            }
            lengths[j] = b.length;
        }
        BlobChecks.checkReferences(manifest, lengths);
        BlobChecks.checkValues(manifest, data);
        byte[] encoded = ManifestEncoder.encode(manifest);
        return new Layout(encoded, data);
    }

    /** Where everything goes; computes offsets and checksums before anything is written. */
    private static final class Layout {
        final byte[] manifest;
        final List<byte[]> blobs;
        final long[] offsets;
        final long[] crcs;
        final long tableStart;
        final long total;

        Layout(byte[] manifest, List<byte[]> blobs) {
            this.manifest = manifest;
            this.blobs = blobs;
            int n = blobs.size();
            offsets = new long[n];
            crcs = new long[n];
            tableStart = ArtifactFormat.HEADER_SIZE + (long) manifest.length;
            long end = tableStart + (long) n * ArtifactFormat.BLOB_ENTRY_SIZE;
            for (int j = 0; j < n; j++) {
                offsets[j] = ArtifactFormat.align(end);
                crcs[j] = ArtifactReader.crc(blobs.get(j), 0, blobs.get(j).length);
                end = offsets[j] + blobs.get(j).length;
            }
            total = end;
        }

        void writeTo(OutputStream out) throws IOException {
            byte[] header = new byte[ArtifactFormat.HEADER_SIZE];
            System.arraycopy(ArtifactFormat.MAGIC_BYTES, 0, header, 0, ArtifactFormat.MAGIC_BYTES.length);
            put(header, ArtifactFormat.OFF_VERSION, ArtifactFormat.CURRENT_VERSION, 2);
            put(header, ArtifactFormat.OFF_FLAGS, 0, 2);
            put(header, ArtifactFormat.OFF_MANIFEST_LENGTH, manifest.length, 8);
            put(header, ArtifactFormat.OFF_MANIFEST_CRC, ArtifactReader.crc(manifest, 0, manifest.length), 4);
            put(header, ArtifactFormat.OFF_BLOB_COUNT, blobs.size(), 4);
            put(header, ArtifactFormat.OFF_HEADER_CRC, ArtifactReader.crc(header, 0, ArtifactFormat.OFF_HEADER_CRC), 4);
            out.write(header);
            out.write(manifest);
            byte[] table = new byte[blobs.size() * ArtifactFormat.BLOB_ENTRY_SIZE];
            for (int j = 0; j < blobs.size(); j++) {
                int e = j * ArtifactFormat.BLOB_ENTRY_SIZE;
                put(table, e, offsets[j], 8);
                put(table, e + 8, blobs.get(j).length, 8);
                put(table, e + 16, crcs[j], 4);
            }
            out.write(table);
            long position = tableStart + table.length;
            byte[] zeros = new byte[ArtifactFormat.BLOB_ALIGNMENT];
            for (int j = 0; j < blobs.size(); j++) {
                out.write(zeros, 0, (int) (offsets[j] - position));
                out.write(blobs.get(j));
                position = offsets[j] + blobs.get(j).length;
            }
        }

        private static void put(byte[] b, int at, long value, int bytes) {
            for (int k = 0; k < bytes; k++) {
                b[at + k] = (byte) (value >>> (8 * k));
            }
        }
    }

    /** An output stream into an array of the exact final size. */
    private static final class ArrayOut extends OutputStream {
        final byte[] buf;
        int pos;

        ArrayOut(int size) {
            buf = new byte[size];
        }

        @Override
        public void write(int b) {
            buf[pos++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            System.arraycopy(b, off, buf, pos, len);
            pos += len;
        }
    }
}
