package io.qat4j.training.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes synthetic IDX files (LeCun et al., MNIST page, "THE IDX FILE FORMAT") for tests. */
public final class IdxFiles {

    private IdxFiles() {
    }

    /** Header of an IDX file: 0x00 0x00, type, rank, then big-endian dims. */
    public static byte[] header(int type, int... dims) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(0);
        out.write(type);
        out.write(dims.length);
        for (int d : dims) {
            out.write(d >>> 24);
            out.write(d >>> 16);
            out.write(d >>> 8);
            out.write(d);
        }
        return out.toByteArray();
    }

    /** A complete unsigned-byte IDX file. */
    public static byte[] ubyte(byte[] data, int... dims) {
        return concat(header(IdxReader.TYPE_UNSIGNED_BYTE, dims), data);
    }

    public static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    public static byte[] gzip(byte[] content) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static Path write(Path file, byte[] content) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, content);
    }

    /** Deterministic bytes covering the whole unsigned range, including values above 127. */
    public static byte[] pattern(int n, int salt) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 37 + salt * 11 + (i >>> 8));
        }
        return b;
    }

    /**
     * @param file a file
     * @return the SHA-256 of its bytes in lower-case hex, as {@code sha256sum} prints it
     * @throws Exception when it cannot be read
     */
    public static String sha256(Path file) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(file)));
    }
}
