/**
 * Datasets for training: where they live on disk, how their files are parsed, and how they are
 * fed to Deeplearning4j.
 *
 * <ul>
 *   <li>{@link io.qat4j.training.data.DatasetLocator} resolves a dataset name to a folder
 *       (explicit path, {@code $QAT4J_DATA/<name>}, the shared {@code ../shared/datasets} folder,
 *       system packages such as Debian's {@code dataset-fashion-mnist}; an explicit path or
 *       {@code QAT4J_DATA} is the only place searched) and fails with a
 *       {@link io.qat4j.training.data.DatasetNotFoundException} that says where it looked.</li>
 *   <li>{@link io.qat4j.training.data.DatasetFormat}s, found by
 *       {@link io.qat4j.training.data.DatasetFormats} with {@link java.util.ServiceLoader}, bind
 *       their keys of {@code dataset} and read any dataset in their format from a folder into a
 *       {@link io.qat4j.training.data.LoadedDataset} whose
 *       {@link io.qat4j.training.data.DataSignature} (image shape, classes) is checked against the
 *       model; each declares the datasets known by name in it. {@code idx}
 *       ({@link io.qat4j.training.data.IdxFormat}) is the first (DESIGN.md section 8).</li>
 *   <li>{@link io.qat4j.training.data.IdxReader} parses the IDX file format defined on
 *       Y. LeCun, C. Cortes, C. J. C. Burges, "The MNIST database of handwritten digits",
 *       <a href="http://yann.lecun.com/exdb/mnist/">http://yann.lecun.com/exdb/mnist/</a>
 *       (section "FILE FORMATS FOR THE MNIST DATABASE"), plain or gzip-compressed, whole files
 *       through {@link io.qat4j.training.data.IdxStream}, which also reads a file piece by piece
 *       from any stream (a Hadoop FileSystem's, after a seek).</li>
 *   <li>{@link io.qat4j.training.data.PixelScaling} is the one definition of how pixels become a
 *       network's input.</li>
 *   <li>{@link io.qat4j.training.data.FashionMnist} loads Fashion-MNIST
 *       (H. Xiao, K. Rasul, R. Vollgraf, "Fashion-MNIST: a Novel Image Dataset for Benchmarking
 *       Machine Learning Algorithms", arXiv:1708.07747, 2017;
 *       <a href="https://github.com/zalandoresearch/fashion-mnist">github.com/zalandoresearch/fashion-mnist</a>)
 *       into immutable {@link io.qat4j.training.data.ImageDataset}s.</li>
 *   <li>{@link io.qat4j.training.data.ImageDataSetIterator} is an ND4J
 *       {@code DataSetIterator} with seeded, per-epoch reproducible shuffling that can start
 *       mid-epoch so that a resumed run continues exactly where its checkpoint left off.</li>
 *   <li>{@link io.qat4j.training.data.TaskData} serves the trainers
 *       {@link io.qat4j.training.data.TrainingBatch}es: a DL4J {@code MultiDataSet} of the
 *       network's inputs, its example count, its split into the shards of data-parallel workers
 *       and its inputs drawn per step; {@link io.qat4j.training.data.RowBatch} is the batch of
 *       independent rows (images).</li>
 * </ul>
 *
 * <p>Real datasets are never part of the repository (DESIGN.md section 6); tests that need them
 * go through {@link io.qat4j.training.data.DataRequirement}, which decides whether a missing
 * dataset skips the test (development) or fails it (CI, {@code QAT4J_REQUIRE_DATA=1}).
 */
package io.qat4j.training.data;
