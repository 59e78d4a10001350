package io.qat4j.training.data;

import static io.qat4j.training.data.IdxFiles.concat;
import static io.qat4j.training.data.IdxFiles.gzip;
import static io.qat4j.training.data.IdxFiles.header;
import static io.qat4j.training.data.IdxFiles.pattern;
import static io.qat4j.training.data.IdxFiles.ubyte;
import static io.qat4j.training.data.IdxFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

    @TempDir
    Path dir;

    private static IdxFormatException assertIdxError(Path file, long offset, boolean decompressed, String fragment,
                                                     Executable read) {
        IdxFormatException e = assertThrows(IdxFormatException.class, read);
        String m = e.getMessage();
        assertEquals(file, e.file(), m);
        assertEquals(offset, e.offset(), m);
        assertEquals(decompressed, e.offsetInDecompressedData(), m);
        assertTrue(m.contains(file.toString()), "message names the file: " + m);
        assertTrue(m.contains("offset " + offset), "message names the offset: " + m);
        assertTrue(m.contains(fragment), "message contains '" + fragment + "': " + m);
        return e;
    }

    // ---- well-formed files ----

    @Test
    void readsPlainRank3() throws IOException {
        byte[] data = pattern(3 * 2 * 4, 1);
        Path f = write(dir.resolve("images-idx3-ubyte"), ubyte(data, 3, 2, 4));
        IdxArray a = IdxReader.read(f, 3);
        assertArrayEquals(new int[] {3, 2, 4}, a.dims());
        assertEquals(3, a.rank());
        assertEquals(24, a.size());
        assertArrayEquals(data, a.bytes());
        assertEquals(f, a.source());
        assertFalse(IdxReader.isGzip(f));
    }

    @Test
    void readsGzippedRank1DetectedByMagicNotName() throws IOException {
        byte[] data = pattern(300, 2);
        Path f = write(dir.resolve("labels.idx"), gzip(ubyte(data, 300)));
        assertTrue(IdxReader.isGzip(f));
        IdxArray a = IdxReader.read(f, 1);
        assertArrayEquals(new int[] {300}, a.dims());
        assertArrayEquals(data, a.bytes());
    }

    @Test
    void plainFileNamedGzIsReadAsPlain() throws IOException {
        byte[] data = pattern(10, 3);
        Path f = write(dir.resolve("labels-idx1-ubyte.gz"), ubyte(data, 10));
        assertArrayEquals(data, IdxReader.read(f).bytes());
    }

    @Test
    void unsignedValuesAbove127() throws IOException {
        byte[] data = {0, 1, 127, (byte) 128, (byte) 200, (byte) 255};
        Path f = write(dir.resolve("u"), ubyte(data, 6));
        IdxArray a = IdxReader.read(f);
        assertEquals(0, a.unsigned(0));
        assertEquals(127, a.unsigned(2));
        assertEquals(128, a.unsigned(3));
        assertEquals(255, a.unsigned(5));
    }

    @Test
    void zeroSizedDimensionIsAnEmptyArray() throws IOException {
        Path f = write(dir.resolve("empty"), ubyte(new byte[0], 0, 28, 28));
        IdxArray a = IdxReader.read(f, 3);
        assertEquals(0, a.size());
        assertArrayEquals(new int[] {0, 28, 28}, a.dims());
    }

    @Test
    void largeGzippedFileRoundTrips() throws IOException {
        byte[] data = pattern(1000 * 28 * 28, 4);
        Path f = write(dir.resolve("big.gz"), gzip(ubyte(data, 1000, 28, 28)));
        assertArrayEquals(data, IdxReader.read(f, 3).bytes());
    }

    // ---- malformed headers ----

    @Test
    void rejectsBadMagic() throws IOException {
        byte[] content = ubyte(pattern(4, 0), 4);
        content[0] = 0x12;
        content[1] = 0x34;
        Path f = write(dir.resolve("bad-magic"), content);
        assertIdxError(f, 0, false, "bad magic number 0x12340801", () -> IdxReader.read(f, 1));
        Path g = write(dir.resolve("bad-magic.gz"), gzip(content));
        assertIdxError(g, 0, true, "bad magic number", () -> IdxReader.read(g, 1));
    }

    @Test
    void rejectsUnsupportedType() throws IOException {
        Path f = write(dir.resolve("floats"), concat(header(0x0D, 2), new byte[8]));
        IdxFormatException e = assertIdxError(f, 2, false, "unsupported data type 0x0D (float)",
                () -> IdxReader.read(f));
        assertTrue(e.getMessage().contains("0x08 (unsigned byte)"), e.getMessage());
        Path g = write(dir.resolve("unknown.gz"), gzip(concat(header(0x42, 2), new byte[2])));
        assertIdxError(g, 2, true, "0x42 (unknown)", () -> IdxReader.read(g));
    }

    @Test
    void rejectsRankMismatch() throws IOException {
        Path f = write(dir.resolve("labels-as-images"), ubyte(pattern(5, 0), 5));
        assertIdxError(f, 3, false, "rank mismatch", () -> IdxReader.read(f, 3));
    }

    @Test
    void rejectsRankZero() throws IOException {
        Path f = write(dir.resolve("scalar"), new byte[] {0, 0, 8, 0, 42});
        assertIdxError(f, 3, false, "rank 0", () -> IdxReader.read(f));
    }

    @Test
    void rejectsTruncatedHeader() throws IOException {
        Path empty = write(dir.resolve("empty-file"), new byte[0]);
        assertIdxError(empty, 0, false, "truncated header", () -> IdxReader.read(empty));

        Path twoBytes = write(dir.resolve("two-bytes"), new byte[] {0, 0});
        assertIdxError(twoBytes, 2, false, "truncated header (4-byte magic number)", () -> IdxReader.read(twoBytes));

        // rank 3 but only one full dimension and half of the second
        byte[] h = header(IdxReader.TYPE_UNSIGNED_BYTE, 10, 28, 28);
        Path cut = write(dir.resolve("cut-dims"), Arrays.copyOf(h, 10));
        assertIdxError(cut, 10, false, "size of dimension 1 of 3", () -> IdxReader.read(cut, 3));

        Path cutGz = write(dir.resolve("cut-dims.gz"), gzip(Arrays.copyOf(h, 10)));
        assertIdxError(cutGz, 10, true, "truncated header", () -> IdxReader.read(cutGz, 3));
    }

    // ---- dimensions ----

    @Test
    void rejectsNegativeDimension() throws IOException {
        Path f = write(dir.resolve("negative"), header(IdxReader.TYPE_UNSIGNED_BYTE, 10, -1, 28));
        assertIdxError(f, 8, false, "negative size -1", () -> IdxReader.read(f, 3));
    }

    @Test
    void rejectsDimensionsAboveTheHardCapBeforeAllocating() throws IOException {
        // 65536 * 65536 = 2^32 elements: over the cap once the second dimension is read (offset 8)
        Path f = write(dir.resolve("huge"), header(IdxReader.TYPE_UNSIGNED_BYTE, 65536, 65536, 65536));
        assertIdxError(f, 8, false, "more than the limit of " + IdxReader.MAX_ELEMENTS,
                () -> IdxReader.read(f, 3));
        // largest positive dims: every product check must be overflow-free
        Path g = write(dir.resolve("max.gz"), gzip(header(IdxReader.TYPE_UNSIGNED_BYTE,
                Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE)));
        assertIdxError(g, 4, true, "more than the limit", () -> IdxReader.read(g, 3));
    }

    @Test
    void rejectsDimensionsAboveTheCallersCap() throws IOException {
        Path f = write(dir.resolve("capped"), ubyte(pattern(1000, 0), 1000));
        assertIdxError(f, 4, false, "more than the limit of 100", () -> IdxReader.read(f, 1, 100));
    }

    @Test
    void rejectsDimensionsLargerThanAPlainFileBeforeAllocating() throws IOException {
        // 2e9 declared bytes, 10 present: rejected from the file size, no 2 GB allocation
        Path f = write(dir.resolve("too-large"), ubyte(pattern(10, 0), 2_000_000_000));
        assertIdxError(f, 18, false, "truncated data", () -> IdxReader.read(f, 1));
    }

    @Test
    void rejectsDimensionsLargerThanAGzipFileCanHold() throws IOException {
        Path f = write(dir.resolve("bomb.gz"), gzip(ubyte(pattern(10, 0), 2_000_000_000)));
        assertIdxError(f, 4, true, "more than a gzip file of", () -> IdxReader.read(f, 1));
    }

    // ---- data ----

    @Test
    void rejectsTruncatedPlainData() throws IOException {
        byte[] content = ubyte(pattern(98, 0), 2, 7, 7);
        Path f = write(dir.resolve("truncated"), Arrays.copyOf(content, content.length - 5));
        // header 16 bytes, 98 declared, 93 present: the file ends at offset 109
        assertIdxError(f, 109, false, "truncated data", () -> IdxReader.read(f, 3));
    }

    @Test
    void rejectsTruncatedGzipData() throws IOException {
        byte[] content = ubyte(pattern(98, 0), 2, 7, 7);
        Path f = write(dir.resolve("truncated.gz"), gzip(Arrays.copyOf(content, content.length - 5)));
        assertIdxError(f, 109, true, "truncated data", () -> IdxReader.read(f, 3));
    }

    @Test
    void gzipDataLargerThanTheFirstChunkGrowsAndLyingHeaderIsCaught() throws IOException {
        int n = 17_000_000; // more than the 16 MiB first chunk
        byte[] data = new byte[n];
        new java.util.Random(5).nextBytes(data);
        Path ok = write(dir.resolve("large.gz"), gzip(ubyte(data, n)));
        assertArrayEquals(data, IdxReader.read(ok, 1).bytes());
        // header claims 100 M bytes; the ratio bound allows it, the data ends after 17 M
        Path lying = write(dir.resolve("lying.gz"), gzip(ubyte(data, 100_000_000)));
        assertIdxError(lying, 8L + n, true, "truncated data", () -> IdxReader.read(lying, 1));
    }

    @Test
    void rejectsTruncatedGzipStream() throws IOException {
        byte[] gz = gzip(ubyte(pattern(5000, 0), 5000));
        Path f = write(dir.resolve("cut-stream.gz"), Arrays.copyOf(gz, gz.length / 2));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(f, 1));
        assertTrue(e.offsetInDecompressedData());
        assertTrue(e.offset() >= 8 && e.offset() < 5008, e.getMessage());
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("offset " + e.offset()),
                e.getMessage());
    }

    @Test
    void rejectsTrailingBytes() throws IOException {
        Path f = write(dir.resolve("trailing"), concat(ubyte(pattern(6, 0), 6), new byte[] {1, 2, 3}));
        assertIdxError(f, 14, false, "3 unexpected trailing byte(s)", () -> IdxReader.read(f, 1));
        Path g = write(dir.resolve("trailing.gz"), gzip(concat(ubyte(pattern(6, 0), 6), new byte[] {1})));
        assertIdxError(g, 14, true, "unexpected trailing byte(s)", () -> IdxReader.read(g, 1));
    }

    @Test
    void rejectsGarbageAfterTheGzipStreamAsThePlainFileIsRejected() throws IOException {
        byte[] gz = gzip(ubyte(pattern(6, 0), 6));
        Path g = write(dir.resolve("garbage.gz"), concat(gz, new byte[] {1, 2, 3}));
        IdxFormatException e = assertIdxError(g, gz.length, false, "3 trailing byte(s) after the gzip data",
                () -> IdxReader.read(g, 1));
        assertTrue(e.getMessage().contains("not a gzip member"), e.getMessage());
        // zero padding, as some tools leave it, is garbage too
        Path z = write(dir.resolve("zeros.gz"), concat(gz, new byte[512]));
        assertIdxError(z, gz.length, false, "512 trailing byte(s) after the gzip data", () -> IdxReader.read(z, 1));
        // the gzip magic followed by nothing valid is a corrupt second member, at its offset
        Path m = write(dir.resolve("half-member.gz"), concat(gz, new byte[] {0x1f, (byte) 0x8b, 8}));
        assertIdxError(m, gz.length + 3, false, "ends inside the header of the gzip member at offset " + gz.length,
                () -> IdxReader.read(m, 1));
    }

    @Test
    void concatenatedGzipMembersAreOneStreamAsGunzipReadsThem() throws IOException {
        byte[] content = ubyte(pattern(300, 4), 300);
        // RFC 1952 section 2.2: a gzip file is a series of members; gunzip outputs their concatenation
        Path split = write(dir.resolve("two-members.gz"),
                concat(gzip(Arrays.copyOf(content, 8)), gzip(Arrays.copyOfRange(content, 8, content.length))));
        assertArrayEquals(pattern(300, 4), IdxReader.read(split, 1).bytes());
        Path withEmpty = write(dir.resolve("empty-member.gz"), concat(gzip(content), gzip(new byte[0])));
        assertArrayEquals(pattern(300, 4), IdxReader.read(withEmpty, 1).bytes());
        // a second member holding more bytes than the header declares: trailing decompressed data
        Path extra = write(dir.resolve("extra-member.gz"), concat(gzip(content), gzip(new byte[] {7})));
        assertIdxError(extra, 308, true, "unexpected trailing byte(s)", () -> IdxReader.read(extra, 1));
        // garbage after the second member, at the offset where the second member ends
        byte[] two = concat(gzip(Arrays.copyOf(content, 8)), gzip(Arrays.copyOfRange(content, 8, content.length)));
        Path late = write(dir.resolve("late-garbage.gz"), concat(two, new byte[] {9}));
        assertIdxError(late, two.length, false, "1 trailing byte(s)", () -> IdxReader.read(late, 1));
    }

    /** {@code content} as one gzip member with every optional header field (RFC 1952 section 2.3.1). */
    private static byte[] gzipWithEveryHeaderField(byte[] content, boolean wrongHeaderCrc) {
        byte[] plain = gzip(content); // a 10-byte header without optional fields, the deflate data, the trailer
        java.io.ByteArrayOutputStream h = new java.io.ByteArrayOutputStream();
        h.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0x02 | 0x04 | 0x08 | 0x10, 1, 2, 3, 4, 0, 3});
        h.writeBytes(new byte[] {4, 0, 'Q', 'T', 0, 0});                      // FEXTRA: XLEN 4, one subfield
        h.writeBytes("images\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));          // FNAME
        h.writeBytes("made by a test\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));  // FCOMMENT
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(h.toByteArray());
        int crc16 = (int) crc.getValue() & 0xFFFF ^ (wrongHeaderCrc ? 1 : 0);
        h.write(crc16);
        h.write(crc16 >>> 8);
        h.write(plain, 10, plain.length - 10);
        return h.toByteArray();
    }

    @Test
    void readsEveryGzipHeaderFieldAndChecksTheHeaderCrc() throws IOException {
        byte[] content = ubyte(pattern(40, 3), 40);
        Path ok = write(dir.resolve("fields.gz"), gzipWithEveryHeaderField(content, false));
        assertArrayEquals(pattern(40, 3), IdxReader.read(ok, 1).bytes());
        // header: 10 fixed bytes, FEXTRA 2 + 4, FNAME 7, FCOMMENT 15: the CRC16 is at offset 38
        Path bad = write(dir.resolve("header-crc.gz"), gzipWithEveryHeaderField(content, true));
        assertIdxError(bad, 38, false, "header CRC16 mismatch", () -> IdxReader.read(bad, 1));
        byte[] reserved = gzip(content);
        reserved[3] = (byte) 0x20;
        Path r = write(dir.resolve("reserved.gz"), reserved);
        assertIdxError(r, 3, false, "reserved flag bits 0x20", () -> IdxReader.read(r, 1));
    }

    @Test
    void everyMutatedGzipFileReadsUnchangedOrIsAnIdxFormatException() throws IOException {
        byte[] content = ubyte(pattern(120, 5), 120);
        byte[] half = ubyte(pattern(120, 5), 120);
        List<byte[]> originals = List.of(gzip(content), gzipWithEveryHeaderField(content, false),
                concat(gzip(Arrays.copyOf(half, 50)), gzip(Arrays.copyOfRange(half, 50, half.length))));
        java.util.Random random = new java.util.Random(20261130);
        int rejected = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] m = originals.get(i % originals.size()).clone();
            switch (random.nextInt(4)) {
                case 0 -> m[random.nextInt(m.length)] ^= (byte) (1 + random.nextInt(255));
                case 1 -> m = Arrays.copyOf(m, random.nextInt(m.length));
                case 2 -> {
                    byte[] tail = new byte[1 + random.nextInt(40)];
                    random.nextBytes(tail);
                    m = concat(m, tail);
                }
                default -> {
                    for (int k = 0; k < 4; k++) {
                        m[random.nextInt(m.length)] = (byte) random.nextInt(256);
                    }
                }
            }
            Path f = write(dir.resolve("mutant.gz"), m);
            try {
                assertArrayEquals(pattern(120, 5), IdxReader.read(f, 1).bytes(), "mutant " + i + " read other data");
            } catch (IdxFormatException e) {
                rejected++;
                assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("offset " + e.offset()),
                        e.getMessage());
            }
        }
        assertTrue(rejected > 1500, rejected + " of 3000 mutants rejected");
    }

    @Test
    void rejectsCorruptGzipChecksum() throws IOException {
        byte[] gz = gzip(ubyte(pattern(64, 0), 64));
        gz[gz.length - 8] ^= 0x5A; // CRC32 in the gzip trailer (RFC 1952)
        Path f = write(dir.resolve("crc.gz"), gz);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(f, 1));
        assertTrue(e.getMessage().contains("corrupt gzip"), e.getMessage());
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void rejectsInvalidArguments() throws IOException {
        Path f = write(dir.resolve("ok"), ubyte(pattern(2, 0), 2));
        assertThrows(IllegalArgumentException.class, () -> IdxReader.read(f, 0));
        assertThrows(IllegalArgumentException.class, () -> IdxReader.read(f, 1, -1));
        assertThrows(IllegalArgumentException.class, () -> IdxReader.read(f, 1, IdxReader.MAX_ELEMENTS + 1));
    }

    @Test
    void typeNames() {
        assertEquals("unsigned byte", IdxReader.typeName(0x08));
        assertEquals("signed byte", IdxReader.typeName(0x09));
        assertEquals("short", IdxReader.typeName(0x0B));
        assertEquals("int", IdxReader.typeName(0x0C));
        assertEquals("float", IdxReader.typeName(0x0D));
        assertEquals("double", IdxReader.typeName(0x0E));
        assertEquals("unknown", IdxReader.typeName(0x0A));
    }
}
