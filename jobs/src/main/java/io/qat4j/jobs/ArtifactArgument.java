package io.qat4j.jobs;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The artifact file that {@code qat4j eval} and {@code qat4j inspect} take, checked before it is
 * read, so that a user who names the run folder, or mistypes the path, reads what to type instead
 * of an operating-system error ({@code Is a directory}) or a bare path.
 */
final class ArtifactArgument {

    /** The file {@code train} and {@code export} write in a run folder. */
    static final String RUN_ARTIFACT = "model.qat4j";

    private ArtifactArgument() {
    }

    /**
     * @param artifact the path as given
     * @return the same path, a regular file
     * @throws FileNotFoundException naming the path: no such file, or a folder (with the artifact
     *     file it probably means)
     */
    static Path require(Path artifact) throws FileNotFoundException {
        if (Files.isDirectory(artifact)) {
            Path inside = artifact.resolve(RUN_ARTIFACT);
            throw new FileNotFoundException(artifact + " is a folder, not an artifact file; give the artifact in it, e.g. " + inside
                    + (Files.isRegularFile(inside) ? "" : " (" + RUN_ARTIFACT + " is not there yet: run `qat4j export " + artifact + "`)"));
        }
        if (!Files.exists(artifact)) {
            throw new FileNotFoundException("no such file: " + artifact);
        }
        return artifact;
    }
}
