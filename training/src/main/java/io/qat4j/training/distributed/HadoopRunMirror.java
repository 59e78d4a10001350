package io.qat4j.training.distributed;

import io.qat4j.executor.io.AtomicFiles;
import io.qat4j.training.train.Checkpoints;
import io.qat4j.training.train.RunDirectory;
import io.qat4j.training.train.RunFolderListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Mirrors a run folder ({@link RunDirectory}: config snapshot, checkpoints, TensorBoard logs,
 * {@code model.zip}, {@code metrics.json}, the int8 artifact and the report) to
 * {@code <outputUri>/<run name>} on any Hadoop {@link FileSystem} ({@code file://}, {@code hdfs://},
 * {@code s3a://}, {@code abfs://}, ...), and brings it back for {@code --resume}. The run itself
 * keeps working in its local folder (DL4J, the TensorBoard writer and the exporter write local
 * files); the mirror copies them (Apache Hadoop, <i>FileSystem specification</i>,
 * {@code filesystem.md}: {@code create}, {@code rename}, {@code listFiles}).
 *
 * <p><b>Push</b> ({@link #filesWritten}, after every checkpoint and after the last file of the
 * run): first the temporary files of an interrupted earlier push are removed; then every local
 * file that is new or changed is copied to a temporary file {@code .<name>.<digits>.tmp} in the
 * same remote folder and renamed over the target, so a reader never sees a partly written file on
 * file systems whose rename is atomic (HDFS, the local file system). Object stores (S3A, ABFS
 * without hierarchical namespace) implement rename as copy and delete: a reader may see a file
 * appear late, never a partial one, but should open checkpoints through their {@code LATEST}
 * pointer, which the push always writes after every other file (and always writes: a pointer of
 * constant length rewritten within one modification-time tick would look unchanged). On S3A a
 * rename over an existing file is a delete and a copy, so for a moment the remote folder may have
 * no {@code LATEST}; a reader that finds none should retry, and a remote copy taken in that moment
 * has no checkpoint to resume from. A file is unchanged when the
 * remote copy has its size and modification time (set with {@code setTimes} after the copy;
 * file systems that ignore {@code setTimes} are compared against what this mirror pushed before
 * in the same process), so growing TensorBoard event files are copied again and finished
 * checkpoints are not (an event file is copied as far as it is written at a checkpoint; the last
 * push, after the writer is closed, copies it whole). Remote files that the local folder no longer has (rotated checkpoints) are
 * removed last, after the new ones are in place. Any failure is an {@link IOException} naming the
 * local file and the remote path; nothing is lost silently and the local folder stays complete.
 *
 * <p><b>Pull</b> ({@link #prepare} with {@code resume}): when the remote folder holds a checkpoint
 * and the local one does not, or holds an older one (a smaller step in {@code LATEST}), the local
 * folder is made equal to the remote one before the run reads it; when the local checkpoint is as
 * new or newer, the local folder wins and the next push updates the remote one. Both cases are
 * logged. A new run ({@code resume == false}) refuses a remote folder that already holds
 * checkpoints, as {@code RunLifecycle} refuses such a local folder.
 *
 * <p>{@code file://} URIs go through Hadoop's {@code RawLocalFileSystem} rather than its
 * checksummed {@code LocalFileSystem}, which would add a {@code .<name>.crc} file beside every
 * file; HDFS keeps its own block checksums. Only this run writes to its remote folder.
 */
public final class HadoopRunMirror implements RunFolderListener {

    private final URI outputUri;
    private final String runName;
    private final Configuration conf;
    /** Local size and modification time of each file as last pushed, by relative path. */
    private final Map<String, Stamp> pushed = new HashMap<>();
    private FileSystem fs;
    private Path remoteRoot;

    private record Stamp(long size, long modified) {
    }

    /**
     * @param outputUri an absolute Hadoop FileSystem URI, e.g. {@code hdfs://nn:8020/runs}
     * @param runName the run's name: the remote folder is {@code <outputUri>/<runName>}
     * @param conf Hadoop configuration (from {@code core-site.xml}/{@code hdfs-site.xml} on the
     *     classpath, as spark-submit puts {@code HADOOP_CONF_DIR} there)
     */
    public HadoopRunMirror(URI outputUri, String runName, Configuration conf) {
        if (!outputUri.isAbsolute()) {
            throw new IllegalArgumentException("output URI " + outputUri + " has no scheme (file://, hdfs://, s3a://, ...)");
        }
        this.outputUri = outputUri;
        this.runName = runName;
        this.conf = conf;
    }

    /**
     * @param outputUri an absolute Hadoop FileSystem URI
     * @param runName the run's name
     */
    public HadoopRunMirror(URI outputUri, String runName) {
        this(outputUri, runName, new Configuration());
    }

    /**
     * @return the remote run folder, {@code <outputUri>/<runName>}, qualified by its file system
     * @throws IOException when the file system cannot be reached
     */
    public Path remoteRoot() throws IOException {
        fileSystem();
        return remoteRoot;
    }

    @Override
    public void prepare(RunDirectory run, boolean resume, Consumer<String> log) throws IOException {
        FileSystem f = fileSystem();
        OptionalLong remoteStep = remoteCheckpointStep(f, run);
        if (!resume) {
            if (remoteStep.isPresent()) {
                throw new IllegalStateException(remoteRoot + " already holds a run with checkpoints (step "
                        + remoteStep.getAsLong() + "): add --resume to continue it, or choose another name "
                        + "(--set name=...) or distributed.outputUri");
            }
            return;
        }
        OptionalLong localStep = localCheckpointStep(run);
        if (remoteStep.isEmpty()) {
            if (localStep.isPresent()) {
                log.accept(remoteRoot + " holds no checkpoint; resuming from the local folder " + run.root());
            }
            return;
        }
        if (localStep.isEmpty()) {
            log.accept("pulling " + remoteRoot + " (checkpoint at step " + remoteStep.getAsLong() + ") to " + run.root());
        } else if (remoteStep.getAsLong() > localStep.getAsLong()) {
            log.accept("the remote checkpoint (step " + remoteStep.getAsLong() + ", " + remoteRoot
                    + ") is newer than the local one (step " + localStep.getAsLong() + "): replacing " + run.root()
                    + " with the remote folder");
        } else {
            log.accept("the local checkpoint (step " + localStep.getAsLong() + ", " + run.root()
                    + ") is as new as or newer than the remote one (step " + remoteStep.getAsLong()
                    + "): keeping the local folder; the next push updates " + remoteRoot);
            return;
        }
        pull(f, run, log);
    }

    @Override
    public void filesWritten(RunDirectory run, boolean finished, Consumer<String> log) throws IOException {
        FileSystem f = fileSystem();
        if (!f.mkdirs(remoteRoot)) {
            throw new IOException("cannot mirror " + run.root() + ": cannot create " + remoteRoot);
        }
        List<String> stale = removeRemoteTemporaries(f);
        if (!stale.isEmpty()) {
            log.accept("removed " + stale.size() + " temporary file(s) of an interrupted push from " + remoteRoot + ": " + stale);
        }
        Map<String, Stamp> local = listLocal(run.root());
        Map<String, FileStatus> remote = listRemote(f);
        List<String> changed = new ArrayList<>();
        for (Map.Entry<String, Stamp> e : local.entrySet()) {
            if (!unchanged(e.getKey(), e.getValue(), remote.get(e.getKey()))) {
                changed.add(e.getKey());
            }
        }
        // checkpoint pointers last, so that a LATEST on the remote side only names complete files
        changed.sort((a, b) -> Boolean.compare(isPointer(a), isPointer(b)));
        long bytes = 0;
        for (String rel : changed) {
            upload(f, run.root().resolve(rel), rel, local.get(rel));
            bytes += local.get(rel).size();
        }
        int removed = 0;
        for (String rel : remote.keySet()) {
            if (!local.containsKey(rel)) {
                Path p = new Path(remoteRoot, rel);
                if (!f.delete(p, false) && f.exists(p)) {
                    throw new IOException("cannot remove " + p + " (no longer in " + run.root() + ")");
                }
                pushed.remove(rel);
                removed++;
            }
        }
        if (finished) {
            log.accept("mirrored " + run.root() + " to " + remoteRoot + " (" + local.size() + " files; this push: "
                    + changed.size() + " copied, " + bytes + " bytes, " + removed + " removed)");
        }
    }

    private FileSystem fileSystem() throws IOException {
        if (fs == null) {
            FileSystem f = FileSystem.get(outputUri, conf);
            // LocalFileSystem would add a .crc file beside every file it writes
            if (f instanceof ChecksumFileSystem c) {
                f = c.getRawFileSystem();
            }
            remoteRoot = f.makeQualified(new Path(new Path(outputUri), runName));
            fs = f;
        }
        return fs;
    }

    private boolean unchanged(String rel, Stamp local, FileStatus remote) {
        // a pointer names the newest checkpoint in a few bytes of constant length: two checkpoints within one
        // modification-time tick would look unchanged, so pointers are always pushed
        return remote != null && !isPointer(rel) && remote.getLen() == local.size()
                && (remote.getModificationTime() == local.modified() || local.equals(pushed.get(rel)));
    }

    private static boolean isPointer(String rel) {
        return rel.equals(Checkpoints.LATEST) || rel.endsWith("/" + Checkpoints.LATEST);
    }

    /** Copies one local file to a temporary name beside its remote target and renames it over the target. */
    private void upload(FileSystem f, java.nio.file.Path source, String rel, Stamp stamp) throws IOException {
        Path target = new Path(remoteRoot, rel);
        Path tmp = new Path(target.getParent(),
                "." + target.getName() + "." + ThreadLocalRandom.current().nextLong(Long.MAX_VALUE) + ".tmp");
        try {
            try (InputStream in = Files.newInputStream(source); OutputStream out = f.create(tmp, false)) {
                in.transferTo(out);
            }
            if (!f.rename(tmp, target)) {
                // HDFS's two-argument rename refuses an existing target; this one replaces it atomically
                FileUtil.rename(f, tmp, target, Options.Rename.OVERWRITE);
            }
            f.setTimes(target, stamp.modified(), -1);
        } catch (IOException | RuntimeException e) {
            try {
                f.delete(tmp, false);
            } catch (IOException | RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw new IOException("cannot mirror " + source + " to " + target + ": " + e, e);
        }
        pushed.put(rel, stamp);
    }

    /** Makes the local run folder equal to the remote one. */
    private void pull(FileSystem f, RunDirectory run, Consumer<String> log) throws IOException {
        Map<String, FileStatus> remote = listRemote(f);
        Map<String, Stamp> local = listLocal(run.root());
        int copied = 0;
        // pointers last, as in a push: an interrupted pull never leaves a LATEST that names a missing checkpoint
        List<Map.Entry<String, FileStatus>> order = new ArrayList<>(remote.entrySet());
        order.sort((a, b) -> Boolean.compare(isPointer(a.getKey()), isPointer(b.getKey())));
        for (Map.Entry<String, FileStatus> e : order) {
            FileStatus s = e.getValue();
            Stamp stamp = new Stamp(s.getLen(), s.getModificationTime());
            if (stamp.equals(local.get(e.getKey()))) {
                continue;
            }
            java.nio.file.Path target = run.root().resolve(e.getKey());
            try (FSDataInputStream in = f.open(s.getPath())) {
                AtomicFiles.writeStream(target, in::transferTo);
            } catch (IOException ex) {
                throw new IOException("cannot pull " + s.getPath() + " to " + target + ": " + ex.getMessage(), ex);
            }
            Files.setLastModifiedTime(target, FileTime.fromMillis(stamp.modified()));
            pushed.put(e.getKey(), stamp);
            copied++;
        }
        int removed = 0;
        for (String rel : local.keySet()) {
            if (!remote.containsKey(rel)) {
                Files.delete(run.root().resolve(rel));
                removed++;
            }
        }
        log.accept("pulled " + copied + " file(s) from " + remoteRoot + ", removed " + removed
                + " local file(s) it does not have");
    }

    private List<String> removeRemoteTemporaries(FileSystem f) throws IOException {
        List<String> stale = new ArrayList<>();
        if (!f.exists(remoteRoot)) {
            return stale;
        }
        RemoteIterator<LocatedFileStatus> it = f.listFiles(remoteRoot, true);
        while (it.hasNext()) {
            Path p = it.next().getPath();
            if (AtomicFiles.isTemporary(p.getName())) {
                if (!f.delete(p, false) && f.exists(p)) {
                    throw new IOException("cannot remove the temporary file " + p + " of an interrupted push");
                }
                stale.add(relative(p));
            }
        }
        return stale;
    }

    /** @return the remote files by path relative to the remote run folder, temporaries left out */
    private Map<String, FileStatus> listRemote(FileSystem f) throws IOException {
        Map<String, FileStatus> files = new TreeMap<>();
        if (!f.exists(remoteRoot)) {
            return files;
        }
        RemoteIterator<LocatedFileStatus> it = f.listFiles(remoteRoot, true);
        while (it.hasNext()) {
            LocatedFileStatus s = it.next();
            if (!AtomicFiles.isTemporary(s.getPath().getName())) {
                files.put(relative(s.getPath()), s);
            }
        }
        return files;
    }

    private String relative(Path p) {
        String root = remoteRoot.toUri().getPath();
        String path = p.toUri().getPath();
        if (!path.startsWith(root + "/")) {
            throw new IllegalStateException(p + " is not inside " + remoteRoot);
        }
        return path.substring(root.length() + 1);
    }

    /** @return the local files by path relative to the run folder ('/'-separated), temporaries left out */
    private static Map<String, Stamp> listLocal(java.nio.file.Path root) throws IOException {
        Map<String, Stamp> files = new TreeMap<>();
        if (!Files.isDirectory(root)) {
            return files;
        }
        List<java.nio.file.Path> paths;
        try (Stream<java.nio.file.Path> walk = Files.walk(root)) {
            paths = walk.filter(Files::isRegularFile)
                    .filter(p -> !AtomicFiles.isTemporary(p.getFileName().toString())).toList();
        }
        for (java.nio.file.Path p : paths) {
            files.put(relative(root, p), new Stamp(Files.size(p), Files.getLastModifiedTime(p).toMillis()));
        }
        return files;
    }

    /** @return {@code p} relative to {@code root}, '/'-separated as in Hadoop paths */
    private static String relative(java.nio.file.Path root, java.nio.file.Path p) {
        return root.relativize(p).toString().replace(java.io.File.separatorChar, '/');
    }

    private static OptionalLong localCheckpointStep(RunDirectory run) throws IOException {
        java.nio.file.Path pointer = run.checkpoints().resolve(Checkpoints.LATEST);
        if (!Files.exists(pointer)) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Checkpoints.pointerStep(Files.readString(pointer, StandardCharsets.UTF_8).trim(),
                pointer.toString()));
    }

    private OptionalLong remoteCheckpointStep(FileSystem f, RunDirectory run) throws IOException {
        Path pointer = new Path(remoteRoot, relative(run.root(), run.checkpoints().resolve(Checkpoints.LATEST)));
        if (!f.exists(pointer)) {
            return OptionalLong.empty();
        }
        try (FSDataInputStream in = f.open(pointer)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            return OptionalLong.of(Checkpoints.pointerStep(text, pointer.toString()));
        }
    }
}
