package io.qat4j.executor.artifact;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A model artifact in memory: the manifest and the blobs its constants refer to, as
 * {@link ArtifactReader} returns it and {@link ArtifactWriter} takes it.
 *
 * <p>The blob arrays are shared, not copied (they hold the model's weights): the list is
 * unmodifiable, and callers must not modify the arrays. Equality compares the manifest and blob
 * contents, not the locations.
 *
 * @param model the manifest
 * @param blobs the constant data, indexed by {@link TensorInfo#blobIndex()}
 * @param locations where the manifest's fields are in the file it was read from
 *     ({@link ManifestLocations#NONE} for a model built in memory), for errors found at load
 */
public record LoadedArtifact(ModelArtifact model, List<byte[]> blobs, ManifestLocations locations) {

    /** Checks for nulls and freezes the list. */
    public LoadedArtifact {
        Checks.nonNull(model, "model");
        Checks.nonNull(blobs, "blobs");
        Checks.nonNull(locations, "locations");
        blobs = Collections.unmodifiableList(new ArrayList<>(blobs));
        for (int j = 0; j < blobs.size(); j++) {
            Checks.nonNull(blobs.get(j), "blobs[" + j + "]");
        }
    }

    /**
     * A model built in memory, with no file locations.
     *
     * @param model the manifest
     * @param blobs the constant data, indexed by {@link TensorInfo#blobIndex()}
     */
    public LoadedArtifact(ModelArtifact model, List<byte[]> blobs) {
        this(model, blobs, ManifestLocations.NONE);
    }

    /**
     * @param tensor a constant tensor of {@link #model()}
     * @return the blob holding its data (shared, do not modify)
     * @throws IllegalArgumentException if the tensor is an activation
     */
    public byte[] data(TensorInfo tensor) {
        if (!tensor.isConstant()) {
            throw new IllegalArgumentException("tensor " + tensor.id() + " '" + tensor.name() + "' is an activation, it has no data");
        }
        return blobs.get(tensor.blobIndex());
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof LoadedArtifact a) || !model.equals(a.model) || blobs.size() != a.blobs.size()) {
            return false;
        }
        for (int j = 0; j < blobs.size(); j++) {
            if (!Arrays.equals(blobs.get(j), a.blobs.get(j))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = model.hashCode();
        for (byte[] b : blobs) {
            h = 31 * h + Arrays.hashCode(b);
        }
        return h;
    }

    @Override
    public String toString() {
        long bytes = 0;
        for (byte[] b : blobs) {
            bytes += b.length;
        }
        return "LoadedArtifact[model=" + model + ", blobs=" + blobs.size() + " (" + bytes + " bytes)]";
    }
}
