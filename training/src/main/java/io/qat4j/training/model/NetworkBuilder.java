package io.qat4j.training.model;

import io.qat4j.quant.layers.InputScales;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.graph.layers.GnnVertex;
import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.LrScheduleConfig;
import io.qat4j.training.config.OptimizerConfig;
import io.qat4j.training.config.TrainingConfig;
import io.qat4j.training.config.binding.ConfigException;
import io.qat4j.training.config.binding.ConfigLocation;
import io.qat4j.training.config.binding.ConfigProblem;
import io.qat4j.training.family.ModelFamilies;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;

/**
 * Turns an {@link ExperimentConfig} into a DL4J {@link ComputationGraph}: the settings every
 * family shares (seed, float data type, weight initialization, the optimizer with its
 * learning-rate schedule and weight decay, workspaces) here, the layers by the model's
 * {@link io.qat4j.training.family.ModelFamily family}
 * ({@link io.qat4j.training.family.ModelFamily#addNetwork}).
 *
 * <p>Every family names the graph input {@value #INPUT} and the output layer {@value #OUTPUT},
 * so that trainers, listeners, exporters and reports can refer to them.
 */
public final class NetworkBuilder {

    /** Name of the graph input. */
    public static final String INPUT = "input";
    /** Name of the output layer. */
    public static final String OUTPUT = "output";

    private final ExperimentConfig config;
    private final int iterationsPerEpoch;
    private final QuantSchedule schedule;

    /**
     * Resolves the run's length and its quantization schedule, and checks them: a run of more
     * than {@link TrainingConfig#MAX_STEPS} steps, or a schedule that does not fit the run
     * ({@link io.qat4j.training.config.ScheduleConfig#resolve}), is a config error.
     *
     * @param config a validated experiment config
     * @param iterationsPerEpoch minibatches per epoch (for the learning-rate and quantization
     *     schedules)
     * @throws ConfigException when the run is too long or the schedule does not fit it, with the
     *     numbers
     */
    public NetworkBuilder(ExperimentConfig config, int iterationsPerEpoch) {
        this.config = config;
        this.iterationsPerEpoch = Math.max(1, iterationsPerEpoch);
        int epochs = config.training().epochs();
        long total = (long) this.iterationsPerEpoch * epochs;
        String run = config.name() + " (" + epochs + " epochs x " + this.iterationsPerEpoch + " batches = " + total
                + " steps)";
        if (total > TrainingConfig.MAX_STEPS) {
            throw new ConfigException(new ConfigProblem(new ConfigLocation(run, 0, 0), "training.epochs",
                    epochs + " epochs x " + this.iterationsPerEpoch + " batches = " + total + " steps; a run may have"
                            + " at most " + TrainingConfig.MAX_STEPS));
        }
        this.schedule = config.quantization().effectiveSchedule(this.iterationsPerEpoch, total, run);
    }

    /**
     * @return the quantization schedule of every quantized layer, in steps of this run
     *     ({@link QuantSchedule#NEVER} when quantization is disabled)
     */
    public QuantSchedule schedule() {
        return schedule;
    }

    /** @return an initialized graph, its integer biases bound to their input scales ({@link InputScales}) */
    public ComputationGraph build() {
        ComputationGraph g = new ComputationGraph(configuration());
        g.init();
        InputScales.bind(g);
        return g;
    }

    /** @return the graph configuration */
    public ComputationGraphConfiguration configuration() {
        NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder()
                .seed(config.seed())
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.RELU)
                .updater(updater(config.training().optimizer(), learningRate()))
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED);
        List<Regularization> reg = regularization(config.training().optimizer());
        if (!reg.isEmpty()) {
            base.regularization(reg);
        }
        ComputationGraphConfiguration.GraphBuilder gb = base.graphBuilder();
        ModelFamilies.of(config.model()).addNetwork(gb, config, schedule);
        // graph vertices are not layers: DL4J does not hand them the global updater and regularization
        return GnnVertex.inheritGlobalConfig(base, gb).build();
    }

    private ISchedule learningRate() {
        OptimizerConfig o = config.training().optimizer();
        long total = (long) iterationsPerEpoch * config.training().epochs();
        LrScheduleConfig lr = config.training().lrSchedule();
        if (lr instanceof LrScheduleConfig.Cosine c) {
            return new CosineSchedule(o.learningRate(), c.minLearningRate(), Math.toIntExact(total));
        } else if (lr instanceof LrScheduleConfig.Step s) {
            return new StepSchedule(ScheduleType.ITERATION, o.learningRate(), s.gamma(), s.intervalSteps(iterationsPerEpoch));
        }
        return null;
    }

    /**
     * The DL4J updater of an optimizer config. DL4J has no heavy-ball momentum SGD: {@code sgd} with
     * momentum maps to Nesterov momentum, as {@code nesterovs} does.
     */
    static IUpdater updater(OptimizerConfig o, ISchedule lr) {
        return switch (o.type()) {
            case ADAM, ADAMW -> lr == null ? new Adam(o.learningRate()) : new Adam(lr);
            case SGD -> o.momentum() == 0
                    ? (lr == null ? new Sgd(o.learningRate()) : new Sgd(lr))
                    : (lr == null ? new Nesterovs(o.learningRate(), o.momentum()) : new Nesterovs(lr, o.momentum()));
            case NESTEROVS -> lr == null ? new Nesterovs(o.learningRate(), o.momentum()) : new Nesterovs(lr, o.momentum());
        };
    }

    /**
     * Weight decay: coupled L2 for adam, sgd and nesterovs (PyTorch's {@code weight_decay}), decoupled
     * and scaled by the learning rate for adamw (Loshchilov and Hutter, ICLR 2019).
     */
    static List<Regularization> regularization(OptimizerConfig o) {
        if (o.weightDecay() == 0) {
            return List.of();
        }
        return switch (o.type()) {
            case ADAMW -> List.of(new WeightDecay(o.weightDecay(), true));
            default -> List.of(new L2Regularization(o.weightDecay()));
        };
    }
}
