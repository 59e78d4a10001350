package io.qat4j.training.train;

import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.training.config.DistributedConfig;
import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.ExperimentConfigLoader;
import io.qat4j.training.config.QuantizationConfig;
import io.qat4j.training.config.ScheduleConfig;
import io.qat4j.training.config.TrainingConfig;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Whether {@code --resume} continues the run a folder holds: the config given now against the
 * snapshot the run was started with ({@link RunLifecycle}).
 */
final class ResumeCheck {

    private ResumeCheck() {
    }

    /**
     * Checks that a resumed run is the run the folder holds: the config, with its overrides, must
     * equal the stored one in every key but {@code training.epochs}, {@code distributed.master},
     * {@code distributed.nd4jThreadsPerTask} and {@code distributed.outputUri}: where the run trains
     * and where it is mirrored. Spark masters with the same workers and averaging period run the
     * same rounds; a run moved between the local trainer and Spark continues from its checkpoint
     * with the same global minibatch, but its steps then differ (batch statistics and dropout per
     * shard, averaged copies), so it is not bit-identical to an uninterrupted run on either.
     * Schedules are compared as the steps they resolve to over the stored run's length, so a
     * schedule written in epochs or fractions matches the same schedule written in steps (as configs before the epoch/fraction
     * syntax stored it); the resumed network keeps the schedule it was built with either way.
     */
    static ExperimentConfig sameRun(ExperimentConfig config, RunDirectory run, int batchesPerEpoch)
            throws IOException {
        // the stored master may differ from spark-submit's (a run started on local[2], resumed on a cluster):
        // it is no part of the comparison, so it is not checked against spark-submit's either
        ExperimentConfig stored = ExperimentConfigLoader.load(run.config(), List.of("distributed.master=none"));
        long storedSteps = (long) batchesPerEpoch * stored.training().epochs();
        if (!comparable(stored, batchesPerEpoch, storedSteps).equals(comparable(config, batchesPerEpoch, storedSteps))) {
            throw new IllegalStateException("--resume: the config differs from the one the run was started with ("
                    + run.config() + "); only training.epochs, distributed.master, distributed.nd4jThreadsPerTask and"
                    + " distributed.outputUri may change when resuming");
        }
        return withResolvedSchedule(config, batchesPerEpoch, storedSteps);
    }

    /** The config without the keys a resumed run may change, with the schedule resolved to steps over {@code totalSteps}. */
    private static ExperimentConfig comparable(ExperimentConfig c, int batchesPerEpoch, long totalSteps) {
        return withoutResumableKeys(withResolvedSchedule(c, batchesPerEpoch, totalSteps));
    }

    /**
     * @return the config with its schedule written in the steps it resolves to over {@code totalSteps}
     *     (its {@code allowFloatOnly} kept), unchanged when quantization is off
     */
    private static ExperimentConfig withResolvedSchedule(ExperimentConfig c, int batchesPerEpoch, long totalSteps) {
        QuantizationConfig q = c.quantization();
        if (!q.enabled()) {
            return c;
        }
        QuantSchedule s = q.schedule().resolve(batchesPerEpoch, totalSteps, c.name());
        ScheduleConfig steps = ScheduleConfig.steps(s.fp32WarmupSteps(), s.freezeObserversStep(), s.freezeBatchNormStep());
        QuantizationConfig resolved = new QuantizationConfig(q.enabled(), q.weights(), q.activations(), q.ste(),
                new ScheduleConfig(steps.fp32Warmup(), steps.freezeObservers(), steps.freezeBatchNorm(),
                        q.schedule().allowFloatOnly()), q.method(), q.degreeQuant());
        return new ExperimentConfig(c.name(), c.seed(), c.dataset(), c.model(), resolved, c.training(), c.output(),
                c.distributed());
    }

    /**
     * @return the config without the keys a resumed run may change: the epoch count, where the
     *     run trains (Spark master, ND4J threads per task) and where it is mirrored
     */
    private static ExperimentConfig withoutResumableKeys(ExperimentConfig c) {
        TrainingConfig t = c.training();
        TrainingConfig t1 = t.withEpochs(1);
        DistributedConfig d = c.distributed();
        DistributedConfig d1 = new DistributedConfig(DistributedConfig.NO_SPARK, d.workers(), d.batchSizePerWorker(),
                d.averagingSteps(), 1, Optional.empty());
        return new ExperimentConfig(c.name(), c.seed(), c.dataset(), c.model(), c.quantization(), t1, c.output(), d1);
    }
}
