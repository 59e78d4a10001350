package io.qat4j.executor.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Atomic file replacement: the content goes to a temporary file beside the target, is forced to
 * the device, and is renamed over the target with {@code ATOMIC_MOVE} (POSIX {@code rename(2)}).
 * Readers see either the old file or the complete new one.
 *
 * <p>The temporary file is named {@code .<target name>.<digits>.tmp} (e.g.
 * {@code .ckpt-000000500.zip.8127394.tmp}, {@code .model.qat4j.31.tmp}); it is removed when the
 * writer fails in any way, exception or error. A process killed while writing leaves it behind:
 * {@link #removeTemporaries(Path)} and {@link #removeTemporariesOf(Path)} remove such leftovers,
 * and only files of exactly that name pattern.
 */
public final class AtomicFiles {

    /** {@code .<target name>.<digits>.tmp}: what {@link Files#createTempFile} makes of our prefix and suffix. */
    private static final Pattern TEMPORARY = Pattern.compile("\\.(.+)\\.[0-9]+\\.tmp");

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
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp"); // matches TEMPORARY
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
        } catch (IOException e) {
            deleteQuietly(tmp, e);
            throw new IOException("cannot write " + abs + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            // an unchecked failure of the writer (e.g. a native allocation failure while a network
            // is serialized) must not leave the temporary file behind either
            deleteQuietly(tmp, e);
            throw e;
        }
    }

    private static void deleteQuietly(Path tmp, Throwable failure) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * @param fileName a file name
     * @return true when it is the name of a temporary file of this class, {@code .<target>.<digits>.tmp}
     */
    public static boolean isTemporary(String fileName) {
        return TEMPORARY.matcher(fileName).matches();
    }

    /**
     * Removes the temporary files that interrupted writes (a killed process) left in a folder: the
     * regular files directly in it whose name is {@link #isTemporary temporary}. Call it only where
     * no other process is writing at the same time, e.g. when a run starts in its own folder.
     *
     * @param dir a folder; a missing folder has none
     * @return the files removed, sorted
     * @throws IOException when the folder cannot be listed or a file cannot be removed
     */
    public static List<Path> removeTemporaries(Path dir) throws IOException {
        return remove(dir, null);
    }

    /**
     * Removes the temporary files that interrupted writes of one target left beside it.
     *
     * @param target the file written atomically
     * @return the files removed, sorted
     * @throws IOException when the folder cannot be listed or a file cannot be removed
     */
    public static List<Path> removeTemporariesOf(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        return remove(abs.getParent(), abs.getFileName().toString());
    }

    private static List<Path> remove(Path dir, String targetName) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> stale = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> {
                var m = TEMPORARY.matcher(p.getFileName().toString());
                return m.matches() && (targetName == null || m.group(1).equals(targetName));
            }).filter(Files::isRegularFile).sorted().forEach(stale::add);
        }
        for (Path p : stale) {
            Files.deleteIfExists(p);
        }
        return stale;
    }
}
