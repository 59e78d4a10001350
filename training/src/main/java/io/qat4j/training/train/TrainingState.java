package io.qat4j.training.train;

/**
 * Where a training run stands: the position the next step starts from, and the loss of the steps
 * already done in the current epoch. Stored beside each checkpoint as JSON; together with the
 * network's parameters, updater state and iteration count (in the checkpoint) it lets a resumed run
 * continue exactly as an uninterrupted one would, down to the epoch's mean loss in
 * {@code metrics.json} and TensorBoard.
 *
 * <p>JSON versions: 2 (current) adds {@code epochLossSum} and {@code epochLossSteps}; version 1
 * (without them) still reads, with an empty epoch loss, so the mean loss of an epoch resumed from
 * a version-1 checkpoint covers only the steps after the resume.
 *
 * @param step optimizer steps done (equals the network's iteration count)
 * @param epoch the epoch the next step belongs to (0-based)
 * @param batchInEpoch minibatches of that epoch already done
 * @param epochLossSum sum of the minibatch losses of that epoch's steps done so far, in step order
 * @param epochLossSteps number of losses in {@code epochLossSum}, at most {@code batchInEpoch}
 * @param formatVersion version of this record's JSON form
 */
public record TrainingState(long step, int epoch, int batchInEpoch, double epochLossSum, int epochLossSteps,
                            int formatVersion) {

    /** Current JSON format version. */
    public static final int CURRENT_VERSION = 2;

    /** Oldest JSON format version still read. */
    public static final int OLDEST_VERSION = 1;

    /** @throws IllegalArgumentException on negative positions, an inconsistent epoch loss or an unknown version */
    public TrainingState {
        if (step < 0 || epoch < 0 || batchInEpoch < 0) {
            throw new IllegalArgumentException("negative training position: step " + step + ", epoch " + epoch
                    + ", batch " + batchInEpoch);
        }
        if (epochLossSteps < 0 || epochLossSteps > batchInEpoch) {
            throw new IllegalArgumentException("epochLossSteps " + epochLossSteps + " is not within 0.." + batchInEpoch
                    + " (the batches of the epoch done)");
        }
        if (formatVersion < OLDEST_VERSION || formatVersion > CURRENT_VERSION) {
            throw new IllegalArgumentException("unknown training-state format version " + formatVersion
                    + " (this qat4j reads versions " + OLDEST_VERSION + " to " + CURRENT_VERSION + ")");
        }
    }

    /**
     * @param step optimizer steps done
     * @param epoch the epoch the next step belongs to
     * @param batchInEpoch minibatches of that epoch already done
     * @param epochLossSum sum of the losses of those minibatches
     * @param epochLossSteps number of those losses
     * @return the state in the current version
     */
    public static TrainingState at(long step, int epoch, int batchInEpoch, double epochLossSum, int epochLossSteps) {
        return new TrainingState(step, epoch, batchInEpoch, epochLossSum, epochLossSteps, CURRENT_VERSION);
    }

    /** @return the state of a run that has not started */
    public static TrainingState start() {
        return at(0, 0, 0, 0, 0);
    }
}
