package io.qat4j.executor.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Atomic file replacement: the content goes to a temporary file beside the target, is forced to
 * the device, and is renamed over the target with {@code ATOMIC_MOVE} (POSIX {@code rename(2)}).
 * Readers see either the old file or the complete new one.
 */
public final class AtomicFiles {

    private AtomicFiles() {
    }

    /** Writes the content of a file given its path. */
    @FunctionalInterface
    public interface PathWriter {
        /**
         * @param tmp the temporary file to fill
         * @throws IOException on failure
         */
        void write(Path tmp) throws IOException;
    }

    /** Writes the content of a file to a stream. */
    @FunctionalInterface
    public interface StreamWriter {
        /**
         * @param out the stream to write to
         * @throws IOException on failure
         */
        void write(OutputStream out) throws IOException;
    }

    /**
     * Writes bytes atomically.
     *
     * @param target destination
     * @param bytes content
     * @throws IOException naming the target on failure
     */
    public static void write(Path target, byte[] bytes) throws IOException {
        writeStream(target, out -> out.write(bytes));
    }

    /**
     * Writes a stream's content atomically.
     *
     * @param target destination
     * @param writer fills the stream
     * @throws IOException naming the target on failure
     */
    public static void writeStream(Path target, StreamWriter writer) throws IOException {
        writePath(target, tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writer.write(out);
            }
        });
    }

    /**
     * Lets a writer fill a temporary file, then moves it over the target atomically.
     *
     * @param target destination
     * @param writer fills the temporary file
     * @throws IOException naming the target on failure
     */
    public static void writePath(Path target, PathWriter writer) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
        try {
            writer.write(tmp);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            // createTempFile makes the file owner-only; give it the usual rw-r--r--
            if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            if (e instanceof IOException io) {
                throw new IOException("cannot write " + abs + ": " + io.getMessage(), io);
            }
            throw e;
        }
    }
}
