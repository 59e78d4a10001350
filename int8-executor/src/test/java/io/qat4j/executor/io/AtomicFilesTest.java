package io.qat4j.executor.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @Test
    void replacesTheTargetAndLeavesNoTemporaryFiles(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("sub/a.bin");
        AtomicFiles.write(f, new byte[] {1, 2, 3});
        AtomicFiles.write(f, new byte[] {4, 5});
        assertArrayEquals(new byte[] {4, 5}, Files.readAllBytes(f));
        try (Stream<Path> s = Files.list(f.getParent())) {
            assertEquals(1, s.count());
        }
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }

    @Test
    void aFailingWriterKeepsTheOldContentAndCleansUp(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("a.bin");
        AtomicFiles.write(f, new byte[] {9});
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeStream(f, out -> {
            out.write(1);
            throw new IOException("disk full");
        }));
        assertTrue(e.getMessage().contains(f.toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("disk full"), e.getMessage());
        assertArrayEquals(new byte[] {9}, Files.readAllBytes(f));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.count(), "temporary file removed");
        }
    }
    @Test
    void aWriterThatThrowsAnErrorOrARuntimeExceptionLeavesNoTemporaryFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("ckpt-000000010.zip");
        AtomicFiles.write(f, new byte[] {9});
        assertThrows(OutOfMemoryError.class, () -> AtomicFiles.writePath(f, tmp -> {
            Files.write(tmp, new byte[] {1, 2});
            throw new OutOfMemoryError("simulated: native allocation failed while serializing");
        }));
        assertThrows(IllegalStateException.class, () -> AtomicFiles.writeStream(f, out -> {
            out.write(1);
            throw new IllegalStateException("simulated");
        }));
        assertArrayEquals(new byte[] {9}, Files.readAllBytes(f));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList(), "only the target remains");
        }
    }

    @Test
    void recognisesItsOwnTemporaryNamesOnly(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("model.qat4j");
        Path[] seen = new Path[1];
        AtomicFiles.writePath(f, tmp -> {
            seen[0] = tmp;
            Files.write(tmp, new byte[] {1});
        });
        assertTrue(AtomicFiles.isTemporary(seen[0].getFileName().toString()), seen[0].toString());
        for (String ours : List.of(".model.qat4j.123.tmp", ".ckpt-000000500.zip.18446744073709551615.tmp", ".LATEST.0.tmp")) {
            assertTrue(AtomicFiles.isTemporary(ours), ours);
        }
        for (String other : List.of("model.qat4j", "model.qat4j.123.tmp", "..123.tmp", ".model.qat4j.tmp",
                ".model.qat4j.12a.tmp", ".model.qat4j.123.tmp~", ".notes.tmp", "ckpt-000000500.zip")) {
            assertTrue(!AtomicFiles.isTemporary(other), other);
        }
    }

    @Test
    void removesStaleTemporariesOfAKilledWriterAndNothingElse(@TempDir Path dir) throws Exception {
        // what kill -9 during a checkpoint or an export leaves behind
        Path staleCkpt = Files.write(dir.resolve(".ckpt-000000500.zip.4242.tmp"), new byte[] {1});
        Path staleModel = Files.write(dir.resolve(".model.qat4j.77.tmp"), new byte[] {2});
        // not ours: kept
        Path user = Files.write(dir.resolve("model.qat4j.123.tmp"), new byte[] {3});
        Path hidden = Files.write(dir.resolve(".notes.tmp"), new byte[] {4});
        Path target = Files.write(dir.resolve("model.qat4j"), new byte[] {5});
        Path folder = Files.createDirectory(dir.resolve(".sub.1.tmp"));

        assertEquals(List.of(staleModel), AtomicFiles.removeTemporariesOf(target));
        assertTrue(Files.exists(staleCkpt));
        assertEquals(List.of(staleCkpt), AtomicFiles.removeTemporaries(dir));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(folder, hidden, target, user).stream().sorted().toList(), s.sorted().toList());
        }
        assertEquals(List.of(), AtomicFiles.removeTemporaries(dir.resolve("absent")), "a missing folder has none");
    }
}
