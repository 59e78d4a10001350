package io.qat4j.executor.artifact;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Reads and validates a model artifact (layout in the {@linkplain io.qat4j.executor.artifact
 * package documentation}).
 *
 * <p>Order of checks: magic, format version (a newer one is rejected with a message naming both
 * versions), header length, header CRC32C, flags; then the manifest length and blob count against
 * their limits and the real file length; the manifest CRC32C; the manifest structure, each count
 * and length against its limit and the bytes that remain; the record and graph invariants; the
 * blob table (offsets inside the file, 8-byte aligned, in order without overlap or gaps beyond
 * zero padding, no trailing bytes); blob references and lengths; blob CRC32Cs; stored values.
 * Every size is checked before anything of that size is allocated, so the memory used is bounded
 * by a small multiple of the file length and never exceeds the limits of {@link ArtifactFormat}.
 *
 * <p>On any malformed input the reader throws {@link ArtifactFormatException} naming the field
 * and its byte offset, never an unchecked exception; it never deserializes Java objects.
 */
public final class ArtifactReader {

    private ArtifactReader() {
    }

    /**
     * Reads an artifact file. Blobs are read with positional reads, so files above 2 GiB load as
     * long as each blob fits in an array.
     *
     * @param path the artifact file
     * @return the manifest and blobs
     * @throws ArtifactFormatException if the file is not a valid artifact; its message starts with the path
     * @throws IOException if the file cannot be read
     */
    public static LoadedArtifact read(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return read(new ChannelSource(ch, path.toString()), path.toString());
        }
    }

    /**
     * Reads an artifact held in memory.
     *
     * @param bytes the artifact's bytes (not modified, not retained)
     * @return the manifest and blobs
     * @throws ArtifactFormatException if the bytes are not a valid artifact
     */
    public static LoadedArtifact read(byte[] bytes) throws ArtifactFormatException {
        Objects.requireNonNull(bytes, "bytes");
        try {
            return read(new ArraySource(bytes), null);
        } catch (ArtifactFormatException e) {
            throw e;
        } catch (IOException e) {
            // an ArraySource does no I/O
            throw new ArtifactFormatException(null, "artifact", 0, "unexpected I/O error: " + e.getMessage(), e);
        }
    }

    private static LoadedArtifact read(Source src, String name) throws IOException {
        try {
            return new Reading(src, name).run();
        } catch (ArtifactFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            // a safety net: every check above should have caught the input first; tests assert it never fires
            throw new ArtifactFormatException(name, "artifact", 0, "malformed artifact (unexpected " + e + ")", e);
        }
    }

    /** Random access to the artifact's bytes. */
    private interface Source {
        long length() throws IOException;

        void read(long position, byte[] dst, int off, int len) throws IOException;
    }

    private record ArraySource(byte[] bytes) implements Source {
        @Override
        public long length() {
            return bytes.length;
        }

        @Override
        public void read(long position, byte[] dst, int off, int len) {
            System.arraycopy(bytes, (int) position, dst, off, len);
        }
    }

    private record ChannelSource(FileChannel ch, String name) implements Source {
        @Override
        public long length() throws IOException {
            return ch.size();
        }

        @Override
        public void read(long position, byte[] dst, int off, int len) throws IOException {
            ByteBuffer buf = ByteBuffer.wrap(dst, off, len);
            long p = position;
            while (buf.hasRemaining()) {
                int n = ch.read(buf, p);
                if (n < 0) {
                    throw new ArtifactFormatException(name, "artifact", p, "the file ended while reading (was it truncated meanwhile?)");
                }
                p += n;
            }
        }
    }

    /** One read of one artifact. */
    private static final class Reading {
        private final Source src;
        private final String name;
        private long fileLength;

        Reading(Source src, String name) {
            this.src = src;
            this.name = name;
        }

        LoadedArtifact run() throws IOException {
            fileLength = src.length();
            final long length = fileLength;

            // ---- header ----
            if (length < ArtifactFormat.MAGIC_BYTES.length) {
                throw truncatedHeader();
            }
            byte[] head = new byte[(int) Math.min(length, ArtifactFormat.HEADER_SIZE)];
            src.read(0, head, 0, head.length);
            for (int k = 0; k < ArtifactFormat.MAGIC_BYTES.length; k++) {
                if (head[k] != ArtifactFormat.MAGIC_BYTES[k]) {
                    throw fail("magic", 0, "bad magic: not a qat4j artifact (expected \"" + ArtifactFormat.MAGIC + "\", found "
                            + printable(head, ArtifactFormat.MAGIC_BYTES.length) + ")");
                }
            }
            if (length < ArtifactFormat.OFF_VERSION + 2) {
                throw truncatedHeader();
            }
            int version = u16(head, ArtifactFormat.OFF_VERSION);
            if (version == 0) {
                throw fail("formatVersion", ArtifactFormat.OFF_VERSION, "invalid artifact format version 0");
            }
            if (version > ArtifactFormat.CURRENT_VERSION) {
                throw fail("formatVersion", ArtifactFormat.OFF_VERSION, "artifact format version " + version
                        + " is newer than this qat4j (reads " + ArtifactFormat.readableVersions() + ")");
            }
            // versions 1 and 2 share the header; the manifest decoder branches on the version
            if (length < ArtifactFormat.HEADER_SIZE) {
                throw truncatedHeader();
            }
            long storedHeaderCrc = u32(head, ArtifactFormat.OFF_HEADER_CRC);
            long headerCrc = crc(head, 0, ArtifactFormat.OFF_HEADER_CRC);
            if (storedHeaderCrc != headerCrc) {
                throw fail("headerCrc32c", ArtifactFormat.OFF_HEADER_CRC, "header CRC32C mismatch: stored " + hex(storedHeaderCrc)
                        + ", computed " + hex(headerCrc) + " over bytes 0..27 (the header is corrupt)");
            }
            int flags = u16(head, ArtifactFormat.OFF_FLAGS);
            if (flags != 0) {
                throw fail("flags", ArtifactFormat.OFF_FLAGS, "unknown flags 0x" + Integer.toHexString(flags)
                        + " (format version " + version + " defines none)");
            }
            long manifestLength = u64(head, ArtifactFormat.OFF_MANIFEST_LENGTH);
            if (manifestLength < 0 || manifestLength > ArtifactFormat.MAX_MANIFEST_BYTES) {
                throw fail("manifestLength", ArtifactFormat.OFF_MANIFEST_LENGTH, "manifest length "
                        + Long.toUnsignedString(manifestLength) + " is above the limit of " + ArtifactFormat.MAX_MANIFEST_BYTES
                        + " bytes (64 MiB)");
            }
            if (manifestLength > length - ArtifactFormat.HEADER_SIZE) {
                throw fail("manifestLength", ArtifactFormat.OFF_MANIFEST_LENGTH, "manifest length " + manifestLength
                        + " runs past the end of the file (" + length + " bytes, " + (length - ArtifactFormat.HEADER_SIZE)
                        + " after the header)");
            }
            long storedManifestCrc = u32(head, ArtifactFormat.OFF_MANIFEST_CRC);
            long blobCount = u32(head, ArtifactFormat.OFF_BLOB_COUNT);
            if (blobCount > ArtifactFormat.MAX_COUNT) {
                throw fail("blobCount", ArtifactFormat.OFF_BLOB_COUNT, "blob count " + blobCount + " is above the limit of "
                        + ArtifactFormat.MAX_COUNT);
            }
            long tableStart = ArtifactFormat.HEADER_SIZE + manifestLength;
            long tableLength = blobCount * ArtifactFormat.BLOB_ENTRY_SIZE;
            if (tableLength > length - tableStart) {
                throw fail("blobCount", ArtifactFormat.OFF_BLOB_COUNT, "a blob table of " + blobCount + " entries ("
                        + tableLength + " bytes at offset " + tableStart + ") runs past the end of the file (" + length
                        + " bytes)");
            }

            // ---- manifest ----
            byte[] manifest = new byte[(int) manifestLength];
            src.read(ArtifactFormat.HEADER_SIZE, manifest, 0, manifest.length);
            long manifestCrc = crc(manifest, 0, manifest.length);
            if (manifestCrc != storedManifestCrc) {
                throw fail("manifestCrc32c", ArtifactFormat.OFF_MANIFEST_CRC, "manifest CRC32C mismatch: stored "
                        + hex(storedManifestCrc) + ", computed " + hex(manifestCrc) + " over bytes " + ArtifactFormat.HEADER_SIZE
                        + ".." + (tableStart - 1) + " (the manifest is corrupt)");
            }
            ManifestDecoder decoder = new ManifestDecoder(manifest, ArtifactFormat.HEADER_SIZE, name);
            ModelArtifact model = decoder.decode(version);

            // ---- blob table ----
            int n = (int) blobCount;
            byte[] table = new byte[(int) tableLength];
            src.read(tableStart, table, 0, table.length);
            long[] offsets = new long[n];
            long[] lengths = new long[n];
            long[] crcs = new long[n];
            long end = tableStart + tableLength;
            for (int j = 0; j < n; j++) {
                int e = j * ArtifactFormat.BLOB_ENTRY_SIZE;
                long entryAt = tableStart + e;
                long off = u64(table, e);
                long len = u64(table, e + 8);
                crcs[j] = u32(table, e + 16);
                String f = "blobs[" + j + "]";
                if (off < 0 || off > length) {
                    throw fail(f + ".offset", entryAt, "blob " + j + " offset " + Long.toUnsignedString(off)
                            + " is beyond the end of the file (" + length + " bytes)");
                }
                if (len < 0 || len > length - off) {
                    throw fail(f + ".length", entryAt + 8, "blob " + j + " of length " + Long.toUnsignedString(len)
                            + " at offset " + off + " extends beyond the end of the file (" + length + " bytes)");
                }
                if (len > ArtifactFormat.MAX_BLOB_BYTES) {
                    throw fail(f + ".length", entryAt + 8, "blob " + j + " length " + len + " is above the limit of "
                            + ArtifactFormat.MAX_BLOB_BYTES);
                }
                if (off < end) {
                    throw fail(f + ".offset", entryAt, "blob " + j + " at [" + off + ", " + (off + len) + ") overlaps "
                            + (j == 0 ? "the blob table, which ends at " + end
                                    : "blob " + (j - 1) + " at [" + offsets[j - 1] + ", " + end + ")"));
                }
                if (off % ArtifactFormat.BLOB_ALIGNMENT != 0) {
                    throw fail(f + ".offset", entryAt, "blob " + j + " offset " + off + " is not a multiple of "
                            + ArtifactFormat.BLOB_ALIGNMENT);
                }
                long expected = ArtifactFormat.align(end);
                if (off != expected) {
                    throw fail(f + ".offset", entryAt, "blob " + j + " starts at " + off + " but must start at " + expected
                            + " (blobs follow each other with only the zero padding needed for 8-byte alignment)");
                }
                offsets[j] = off;
                lengths[j] = len;
                end = off + len;
            }
            if (length > end) {
                throw fail("end of file", end, (length - end) + " trailing bytes after the " + (n == 0 ? "blob table" : "last blob"));
            }
            try {
                BlobChecks.checkReferences(model, lengths);
            } catch (InvariantViolation v) {
                throw locate(v, decoder, offsets, tableStart);
            }

            // ---- blobs ----
            List<byte[]> blobs = new ArrayList<>(n);
            long previousEnd = tableStart + tableLength;
            byte[] pad = new byte[ArtifactFormat.BLOB_ALIGNMENT];
            for (int j = 0; j < n; j++) {
                int padding = (int) (offsets[j] - previousEnd);
                src.read(previousEnd, pad, 0, padding);
                for (int k = 0; k < padding; k++) {
                    if (pad[k] != 0) {
                        throw fail("blobs[" + j + "] padding", previousEnd + k, "padding byte before blob " + j + " is "
                                + (pad[k] & 0xFF) + ", not 0");
                    }
                }
                byte[] blob = new byte[(int) lengths[j]];
                src.read(offsets[j], blob, 0, blob.length);
                long c = crc(blob, 0, blob.length);
                if (c != crcs[j]) {
                    throw fail("blobs[" + j + "].crc32c", tableStart + (long) j * ArtifactFormat.BLOB_ENTRY_SIZE + 16,
                            "blob " + j + " CRC32C mismatch: stored " + hex(crcs[j]) + ", computed " + hex(c) + " over bytes "
                                    + offsets[j] + ".." + (offsets[j] + lengths[j] - 1) + " (the blob is corrupt)");
                }
                blobs.add(blob);
                previousEnd = offsets[j] + lengths[j];
            }
            try {
                BlobChecks.checkValues(model, blobs);
            } catch (InvariantViolation v) {
                throw locate(v, decoder, offsets, tableStart);
            }
            return new LoadedArtifact(model, blobs, decoder.locations());
        }

        private ArtifactFormatException locate(InvariantViolation v, ManifestDecoder decoder, long[] offsets, long tableStart) {
            long where;
            if (v.blob >= 0 && v.blob < offsets.length) {
                where = offsets[v.blob] + v.blobPosition;
            } else if (v.field.startsWith("blobs[")) {
                int j = Math.max(0, Math.min(offsets.length - 1, leadingIndex(v.field)));
                where = tableStart + (long) j * ArtifactFormat.BLOB_ENTRY_SIZE;
            } else {
                where = decoder.locate(v.field);
            }
            return fail(v.field, where, v.problem);
        }

        private static int leadingIndex(String field) {
            int open = field.indexOf('[');
            int close = field.indexOf(']');
            if (open < 0 || close <= open + 1 || close - open > 10) {
                return 0;
            }
            int v = 0;
            for (int k = open + 1; k < close; k++) {
                char c = field.charAt(k);
                if (c < '0' || c > '9') {
                    return 0;
                }
                v = 10 * v + (c - '0');
            }
            return v;
        }

        private ArtifactFormatException truncatedHeader() {
            return fail("header", fileLength, "truncated header: the file has " + fileLength + " bytes, the header needs "
                    + ArtifactFormat.HEADER_SIZE);
        }

        private ArtifactFormatException fail(String field, long offset, String problem) {
            return new ArtifactFormatException(name, field, offset, problem);
        }
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private static String printable(byte[] b, int n) {
        StringBuilder sb = new StringBuilder(3 * n);
        for (int k = 0; k < n; k++) {
            if (k > 0) {
                sb.append(' ');
            }
            sb.append(HEX[(b[k] >> 4) & 0xF]).append(HEX[b[k] & 0xF]);
        }
        return sb.toString();
    }

    private static String hex(long crc) {
        StringBuilder sb = new StringBuilder("0x");
        for (int shift = 28; shift >= 0; shift -= 4) {
            sb.append(HEX[(int) (crc >>> shift) & 0xF]);
        }
        return sb.toString();
    }

    static long crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return c.getValue();
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    private static long u32(byte[] b, int at) {
        return ((b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (long) (b[at + 3] & 0xFF) << 24);
    }

    private static long u64(byte[] b, int at) {
        return u32(b, at) | u32(b, at + 4) << 32;
    }
}
