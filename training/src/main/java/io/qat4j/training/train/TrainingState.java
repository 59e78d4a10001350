package io.qat4j.training.train;

/**
 * Where a training run stands: the position the next step starts from. Stored beside each
 * checkpoint as JSON; together with the network's parameters, updater state and iteration count
 * (in the checkpoint) it lets a resumed run continue exactly as an uninterrupted one would.
 *
 * @param step optimizer steps done (equals the network's iteration count)
 * @param epoch the epoch the next step belongs to (0-based)
 * @param batchInEpoch minibatches of that epoch already done
 * @param formatVersion version of this record's JSON form
 */
public record TrainingState(long step, int epoch, int batchInEpoch, int formatVersion) {

    /** Current JSON format version. */
    public static final int CURRENT_VERSION = 1;

    /** @throws IllegalArgumentException on negative positions or an unknown version */
    public TrainingState {
        if (step < 0 || epoch < 0 || batchInEpoch < 0) {
            throw new IllegalArgumentException("negative training position: step " + step + ", epoch " + epoch
                    + ", batch " + batchInEpoch);
        }
        if (formatVersion != CURRENT_VERSION) {
            throw new IllegalArgumentException("unknown training-state format version " + formatVersion
                    + " (this qat4j reads version " + CURRENT_VERSION + ")");
        }
    }

    /** @return the state of a run that has not started */
    public static TrainingState start() {
        return new TrainingState(0, 0, 0, CURRENT_VERSION);
    }
}
