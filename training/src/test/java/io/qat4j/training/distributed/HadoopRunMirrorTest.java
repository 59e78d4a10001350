package io.qat4j.training.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.data.FashionMnist;
import io.qat4j.training.data.ImageTaskData;
import io.qat4j.training.data.RequiresData;
import io.qat4j.training.train.LocalStepRunner;
import io.qat4j.training.train.LocalTrainerTest;
import io.qat4j.training.train.RunDirectory;
import io.qat4j.training.train.RunFolderListener;
import io.qat4j.training.train.RunLifecycle;
import io.qat4j.training.train.RunOptions;
import io.qat4j.training.train.TrainResult;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.security.AccessControlException;
import org.apache.hadoop.util.Progressable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run-folder mirror through the real Hadoop {@code FileSystem} API on {@code file://} URIs:
 * a run leaves an equal remote folder without checksum clutter, a run resumes from the remote
 * folder alone and ends bit-identical to an uninterrupted run, interrupted pushes are cleaned,
 * failures name the remote path, the newer checkpoint wins a pull, and a file system with HDFS's
 * rename semantics (no overwrite) still gets every file replaced.
 */
class HadoopRunMirrorTest {

    private static ImageTaskData slice;

    @BeforeAll
    static void loadSlice() throws Exception {
        FashionMnist fm = FashionMnist.load(RequiresData.fashionMnist());
        slice = new ImageTaskData(fm.train().subset(0, 192), null, fm.test().subset(0, 100));
    }

    private static TrainResult train(ExperimentConfig config, RunOptions options, RunFolderListener mirror)
            throws IOException {
        return new RunLifecycle(new LocalStepRunner(), c -> slice, mirror).run(config, options);
    }

    /** @return every regular file under a folder, by '/'-separated relative path, with its bytes */
    private static Map<String, byte[]> files(Path root) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(root)) {
            paths = walk.filter(Files::isRegularFile).toList();
        }
        for (Path p : paths) {
            files.put(root.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
        }
        return files;
    }

    private static void assertSameFiles(Path expected, Path actual) throws IOException {
        Map<String, byte[]> e = files(expected);
        Map<String, byte[]> a = files(actual);
        assertEquals(e.keySet(), a.keySet(), "file sets of " + expected + " and " + actual);
        for (String rel : e.keySet()) {
            assertArrayEquals(e.get(rel), a.get(rel), rel);
        }
    }

    @Test
    void aRunLeavesAnEqualRemoteFolderWithoutChecksumFiles(@TempDir Path dir) throws Exception {
        Path remote = dir.resolve("remote");
        ExperimentConfig config = LocalTrainerTest.config(dir.resolve("local"), "m");
        List<String> log = new ArrayList<>();
        HadoopRunMirror mirror = new HadoopRunMirror(remote.toUri(), "m");
        TrainResult r = train(config, LocalTrainerTest.quiet().withReport(true).withListeners(List.of()), mirror);
        Path remoteRun = remote.resolve("m");
        Map<String, byte[]> local = files(r.run().root());
        for (String f : List.of("config.yaml", "model.zip", "metrics.json", "model.qat4j", "report.json",
                "checkpoints/LATEST")) {
            assertTrue(local.containsKey(f), f + " in " + local.keySet());
        }
        assertTrue(local.keySet().stream().anyMatch(f -> f.startsWith("tensorboard/")), local.keySet().toString());
        // same file set, same bytes: no .crc files beside them (LocalFileSystem would write them)
        assertSameFiles(r.run().root(), remoteRun);
        // rotated checkpoints were removed remotely too: the newest two, as locally
        assertEquals(2, files(remoteRun).keySet().stream().filter(f -> f.matches("checkpoints/ckpt-\\d+\\.zip")).count());
        assertEquals(remoteRun.toString(), mirror.remoteRoot().toUri().getPath());
        // a push of an unchanged folder copies only the checkpoint pointer, which is always pushed
        mirror.filesWritten(r.run(), true, log::add);
        long pointerBytes = Files.size(r.run().checkpoints().resolve("LATEST"));
        assertTrue(log.get(0).contains("1 copied, " + pointerBytes + " bytes, 0 removed"), log.toString());
    }

    @Test
    void aRunResumesFromTheRemoteFolderAloneAndEndsLikeAnUninterruptedRun(@TempDir Path dir)
            throws Exception {
        TrainResult full = train(LocalTrainerTest.config(dir.resolve("full"), "full"), LocalTrainerTest.quiet(),
                RunFolderListener.NONE);
        URI remote = dir.resolve("remote").toUri();
        ExperimentConfig cut = LocalTrainerTest.config(dir.resolve("local"), "cut");
        train(cut, LocalTrainerTest.quiet().withMaxSteps(8), new HadoopRunMirror(remote, "cut"));
        deleteTree(dir.resolve("local"));
        List<String> log = new ArrayList<>();
        RunOptions resume = new RunOptions(true, new java.io.PrintStream(new java.io.OutputStream() {
            private final StringBuilder line = new StringBuilder();

            @Override
            public void write(int b) {
                if (b == '\n') {
                    log.add(line.toString());
                    line.setLength(0);
                } else {
                    line.append((char) b);
                }
            }
        }, true), false, List.of(), -1, false);
        TrainResult resumed = train(cut, resume, new HadoopRunMirror(remote, "cut"));
        assertTrue(log.stream().anyMatch(l -> l.startsWith("pulling ") && l.contains("step 8")), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("resuming ") && l.contains("step 8")), log.toString());
        assertEquals(full.steps(), resumed.steps());
        assertEquals(full.network().params(), resumed.network().params());
        assertSameFiles(resumed.run().root(), dir.resolve("remote").resolve("cut"));
        // a new run under the same name refuses the remote checkpoints
        IllegalStateException again = assertThrows(IllegalStateException.class, () -> train(
                LocalTrainerTest.config(dir.resolve("elsewhere"), "cut"), LocalTrainerTest.quiet(),
                new HadoopRunMirror(remote, "cut")));
        assertTrue(again.getMessage().contains("--resume") && again.getMessage().contains("/remote/cut"),
                again.getMessage());
    }

    /** A run folder with a checkpoint pointer at {@code step} and one checkpoint file, without training. */
    private static RunDirectory fakeRun(Path root, long step, String content) throws IOException {
        RunDirectory run = new RunDirectory(root);
        Files.createDirectories(run.checkpoints());
        String base = String.format("ckpt-%09d", step);
        Files.writeString(run.checkpoints().resolve(base + ".zip"), content);
        Files.writeString(run.checkpoints().resolve("LATEST"), base + "\n");
        Files.writeString(run.metrics(), "{\"steps\": " + step + "}");
        return run;
    }

    @Test
    void theNextPushRemovesTheTemporariesOfAnInterruptedOne(@TempDir Path dir) throws Exception {
        RunDirectory run = fakeRun(dir.resolve("local/r"), 5, "five");
        HadoopRunMirror mirror = new HadoopRunMirror(dir.resolve("remote").toUri(), "r");
        mirror.filesWritten(run, false, s -> { });
        Path stale = dir.resolve("remote/r/checkpoints/.ckpt-000000010.zip.4711.tmp");
        Files.writeString(stale, "half a checkpoint");
        List<String> log = new ArrayList<>();
        mirror.filesWritten(run, true, log::add);
        assertFalse(Files.exists(stale));
        assertTrue(log.get(0).contains("interrupted push") && log.get(0).contains(".ckpt-000000010.zip.4711.tmp"),
                log.toString());
        assertSameFiles(run.root(), dir.resolve("remote/r"));
    }

    @Test
    void aPushThatCannotWriteFailsNamingTheRemotePath(@TempDir Path dir) throws Exception {
        RunDirectory run = fakeRun(dir.resolve("local/r"), 5, "five");
        Files.createDirectories(dir.resolve("remote/r"));
        Configuration conf = fileSystem(ReadOnlyFileSystem.class);
        URI uri = dir.resolve("remote").toUri();
        IOException e = assertThrows(IOException.class,
                () -> new HadoopRunMirror(uri, "r", conf).filesWritten(run, false, s -> { }));
        assertTrue(e.getMessage().contains(" to file:" + dir.resolve("remote/r/checkpoints/ckpt-000000005.zip")),
                e.getMessage());
        assertTrue(e.getMessage().contains("Permission denied"), e.getMessage());
        // nothing half-written is left behind, and the local folder is untouched
        assertEquals(List.of(), List.copyOf(files(dir.resolve("remote")).keySet()));
        assertEquals("five", Files.readString(run.checkpoints().resolve("ckpt-000000005.zip")));
    }

    @Test
    void onResumeTheNewerCheckpointWins(@TempDir Path dir) throws Exception {
        URI remote = dir.resolve("remote").toUri();
        // the remote folder is at step 10, the local one at step 5: the remote one replaces it
        RunDirectory ahead = fakeRun(dir.resolve("ahead/r"), 10, "ten");
        new HadoopRunMirror(remote, "r").filesWritten(ahead, true, s -> { });
        RunDirectory behind = fakeRun(dir.resolve("local/r"), 5, "five");
        List<String> log = new ArrayList<>();
        new HadoopRunMirror(remote, "r").prepare(behind, true, log::add);
        assertSameFiles(ahead.root(), behind.root());
        assertTrue(log.get(0).contains("step 10") && log.get(0).contains("newer than the local one (step 5)"),
                log.toString());
        // the local folder at step 12 beats the remote one at step 10 and is kept as it is
        RunDirectory newer = fakeRun(dir.resolve("newer/r"), 12, "twelve");
        log.clear();
        new HadoopRunMirror(remote, "r").prepare(newer, true, log::add);
        assertEquals("twelve", Files.readString(newer.checkpoints().resolve("ckpt-000000012.zip")));
        assertFalse(Files.exists(newer.checkpoints().resolve("ckpt-000000010.zip")));
        assertTrue(log.get(0).contains("keeping the local folder"), log.toString());
    }

    /**
     * A pull that fails part-way (here: the checkpoint cannot be read) leaves no local pointer to a
     * checkpoint it did not copy, so the next {@code --resume} pulls again instead of finding a
     * local LATEST that names a missing file.
     */
    @Test
    void anInterruptedPullLeavesNoPointerToAMissingCheckpoint(@TempDir Path dir) throws Exception {
        URI remote = dir.resolve("remote").toUri();
        RunDirectory ahead = fakeRun(dir.resolve("ahead/r"), 10, "ten");
        new HadoopRunMirror(remote, "r").filesWritten(ahead, true, s -> { });
        RunDirectory fresh = new RunDirectory(dir.resolve("local/r"));
        Configuration conf = fileSystem(UnreadableCheckpointFileSystem.class);
        IOException e = assertThrows(IOException.class,
                () -> new HadoopRunMirror(remote, "r", conf).prepare(fresh, true, s -> { }));
        assertTrue(e.getMessage().contains("ckpt-000000010.zip"), e.getMessage());
        assertFalse(Files.exists(fresh.checkpoints().resolve("LATEST")), "no pointer before its checkpoint");
        new HadoopRunMirror(remote, "r").prepare(fresh, true, s -> { });
        assertSameFiles(ahead.root(), fresh.root());
    }

    /** A local file system on which checkpoint archives cannot be opened. */
    public static final class UnreadableCheckpointFileSystem extends RawLocalFileSystem {
        @Override
        public org.apache.hadoop.fs.FSDataInputStream open(org.apache.hadoop.fs.Path f, int bufferSize) throws IOException {
            if (f.getName().endsWith(".zip")) {
                throw new IOException("cannot read " + f);
            }
            return super.open(f, bufferSize);
        }
    }

    @Test
    void aFileSystemWhoseRenameDoesNotOverwriteStillGetsEveryFileReplaced(@TempDir Path dir)
            throws Exception {
        Configuration conf = fileSystem(NoOverwriteRenameFileSystem.class);
        URI uri = dir.resolve("remote").toUri();
        HadoopRunMirror mirror = new HadoopRunMirror(uri, "r", conf);
        RunDirectory run = fakeRun(dir.resolve("local/r"), 5, "five");
        NoOverwriteRenameFileSystem.RENAMED.clear();
        mirror.filesWritten(run, false, s -> { });
        // every file renamed once into place, the checkpoint pointer last
        assertEquals(List.of("LATEST", "ckpt-000000005.zip", "metrics.json"),
                NoOverwriteRenameFileSystem.RENAMED.stream().sorted().toList());
        assertEquals("LATEST", NoOverwriteRenameFileSystem.RENAMED.get(2));
        // a new pointer of the same length within the same modification-time tick is still pushed
        Path latest = run.checkpoints().resolve("LATEST");
        FileTime tick = Files.getLastModifiedTime(latest);
        Files.writeString(latest, "ckpt-000000006\n");
        Files.setLastModifiedTime(latest, tick);
        mirror.filesWritten(run, true, s -> { });
        assertEquals("ckpt-000000006\n", Files.readString(dir.resolve("remote/r/checkpoints/LATEST"),
                StandardCharsets.UTF_8));
        assertSameFiles(run.root(), dir.resolve("remote/r"));
    }

    @Test
    void theOutputUriChoosesTheMirrorAndWithoutHadoopTheErrorSaysSo() {
        URI uri = URI.create("hdfs://nn:8020/runs");
        assertTrue(RunFolderMirrors.forOutputUri(null, "r") == RunFolderListener.NONE);
        assertTrue(RunFolderMirrors.forOutputUri(uri, "r") instanceof HadoopRunMirror);
        // a class loader that sees only the JDK, as a classpath without Spark
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> RunFolderMirrors.forOutputUri(uri, "r", ClassLoader.getPlatformClassLoader()));
        assertTrue(e.getMessage().contains("distributed.outputUri hdfs://nn:8020/runs")
                && e.getMessage().contains("spark-submit"), e.getMessage());
    }

    /** @return a configuration whose {@code file://} URIs go to a fresh instance of {@code impl} */
    private static Configuration fileSystem(Class<? extends RawLocalFileSystem> impl) {
        Configuration conf = new Configuration();
        conf.set("fs.file.impl", impl.getName());
        conf.setBoolean("fs.file.impl.disable.cache", true);
        return conf;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * Refuses to create files as HDFS does in a folder without write permission (the tests may run
     * as root, whom the local file system's POSIX modes do not stop).
     */
    public static final class ReadOnlyFileSystem extends RawLocalFileSystem {
        @Override
        public FSDataOutputStream create(org.apache.hadoop.fs.Path f, boolean overwrite, int bufferSize,
                short replication, long blockSize, Progressable progress) throws IOException {
            throw new AccessControlException("Permission denied: access=WRITE, inode=\"" + f.getParent() + "\"");
        }
    }

    /** Has HDFS's two-argument rename: false when the target exists, instead of replacing it. */
    public static final class NoOverwriteRenameFileSystem extends RawLocalFileSystem {
        /** Targets of the successful renames, in order. */
        static final List<String> RENAMED = new ArrayList<>();

        @Override
        public boolean rename(org.apache.hadoop.fs.Path src, org.apache.hadoop.fs.Path dst) throws IOException {
            if (exists(dst) || !super.rename(src, dst)) {
                return false;
            }
            RENAMED.add(dst.getName());
            return true;
        }
    }
}
