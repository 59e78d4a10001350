package io.qat4j.training.distributed;

import io.qat4j.training.train.RunFolderListener;
import java.net.URI;

/**
 * Chooses the {@link RunFolderListener} for a run's {@code distributed.outputUri}: none without
 * one, else a {@link HadoopRunMirror} of {@code <outputUri>/<name>}. The Hadoop FileSystem classes
 * come with Spark ({@code provided}); where they are missing this says so instead of failing with
 * a {@link NoClassDefFoundError} in the middle of a run. This class refers to no Hadoop type, so it
 * loads without them.
 */
public final class RunFolderMirrors {

    /** A class of Hadoop's client API that every mirror needs. */
    static final String HADOOP_FILE_SYSTEM = "org.apache.hadoop.fs.FileSystem";

    private RunFolderMirrors() {
    }

    /**
     * @param outputUri the config's {@code distributed.outputUri}, absolute; null for none
     * @param runName the run's name
     * @return the listener that mirrors the run folder there, or {@link RunFolderListener#NONE}
     * @throws IllegalStateException when the Hadoop FileSystem classes are not on the classpath
     */
    public static RunFolderListener forOutputUri(URI outputUri, String runName) {
        return forOutputUri(outputUri, runName, RunFolderMirrors.class.getClassLoader());
    }

    /**
     * @param outputUri the output URI, absolute; null for none
     * @param runName the run's name
     * @param loader where the Hadoop classes are looked up
     * @return the listener
     */
    static RunFolderListener forOutputUri(URI outputUri, String runName, ClassLoader loader) {
        if (outputUri == null) {
            return RunFolderListener.NONE;
        }
        try {
            Class.forName(HADOOP_FILE_SYSTEM, false, loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("distributed.outputUri " + outputUri + " needs Hadoop's FileSystem classes ("
                    + HADOOP_FILE_SYSTEM + "), which come with Spark and are not on this classpath: submit the run "
                    + "with spark-submit and the job jar, or leave distributed.outputUri unset", e);
        }
        return new HadoopRunMirror(outputUri, runName);
    }
}
