package io.qat4j.training.train;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * Told by {@link RunLifecycle} when the files of a run folder ({@link RunDirectory}) are about to
 * be read and when they have been written, e.g. to mirror the folder to another file system
 * ({@link io.qat4j.training.distributed.HadoopRunMirror}). The run always works in its local
 * folder; a listener keeps a copy elsewhere and may, before a run starts, bring that copy back.
 *
 * <p>Calls, in order: {@link #prepare} once, before the lifecycle looks at the run folder (before
 * the {@code --resume} check); {@link #filesWritten} with {@code finished == false} after every
 * checkpoint; {@link #filesWritten} with {@code finished == true} once, after the last file of the
 * run (metrics, model, artifact and report) is written. A failure of any call fails the run with
 * its message; the local folder stays complete either way.
 */
public interface RunFolderListener {

    /** Does nothing: runs without a mirror. */
    RunFolderListener NONE = new RunFolderListener() {
        @Override
        public void prepare(RunDirectory run, boolean resume, Consumer<String> log) {
        }

        @Override
        public void filesWritten(RunDirectory run, boolean finished, Consumer<String> log) {
        }
    };

    /**
     * Called before the run folder is read or written.
     *
     * @param run the local run folder (it may not exist yet)
     * @param resume whether the run resumes from its newest checkpoint
     * @param log where to say what was done
     * @throws IOException naming the file or folder that failed
     */
    void prepare(RunDirectory run, boolean resume, Consumer<String> log) throws IOException;

    /**
     * Called after the run wrote files.
     *
     * @param run the local run folder
     * @param finished true after the last file of the run, false after a checkpoint
     * @param log where to say what was done
     * @throws IOException naming the file or folder that failed
     */
    void filesWritten(RunDirectory run, boolean finished, Consumer<String> log) throws IOException;
}
