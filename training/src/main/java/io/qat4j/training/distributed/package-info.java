/**
 * Distributed quantization-aware training: how the copies of one network that data-parallel
 * workers train are merged after a synchronous averaging round (parameter averaging as in
 * McDonald et al., NAACL 2010, and DL4J's {@code ParameterAveragingTrainingMaster}), with explicit
 * rules for the quantizer state so that every worker holds identical state after every round
 * (the failure PyTorch DDP users meet with unsynchronised observers: pytorch issues 85627, 33648,
 * 63916; nncf issue 431). {@link io.qat4j.training.distributed.SparkStepRunner} runs such rounds
 * as Spark jobs ({@code mapPartitions} over the shards of each global minibatch), moving only the
 * networks' state ({@link io.qat4j.training.distributed.NetworkBytes}) into networks each JVM keeps
 * ({@code NetworkPool}).
 * {@link io.qat4j.training.distributed.HadoopRunMirror} mirrors a run folder to any Hadoop
 * FileSystem ({@code distributed.outputUri}) and brings it back for {@code --resume}.
 *
 * <p>{@link io.qat4j.training.distributed.DistributedEvaluation} scores an exported int8 artifact on
 * IDX files of any Hadoop FileSystem with the int8 executor inside {@code mapPartitions}; its task
 * code ({@link io.qat4j.training.distributed.PartitionScorer}) uses no DL4J or ND4J.
 */
package io.qat4j.training.distributed;
