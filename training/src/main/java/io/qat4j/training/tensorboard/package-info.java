/**
 * TensorBoard event files written from Java, without TensorFlow's native runtime.
 *
 * <p>An event file is a sequence of TFRecords ({@link io.qat4j.training.tensorboard.TfRecordWriter},
 * the framing of TensorFlow's {@code tensorflow/core/lib/io/record_writer.cc}) each holding one
 * serialized {@code tensorflow.Event} ({@code tensorflow/core/util/event.proto}); the first event
 * carries {@code file_version = "brain.Event:2"} and the file is named
 * {@code events.out.tfevents.<unix seconds>.<hostname>} as TensorFlow's
 * {@code tensorflow/core/util/events_writer.cc} names it. The messages are TensorFlow's own generated
 * protobuf classes from {@code org.tensorflow:tensorflow-core-native} ({@code org.tensorflow.proto}).
 * {@link io.qat4j.training.tensorboard.TensorBoardWriter} writes scalars and histograms;
 * {@link io.qat4j.training.tensorboard.TfHistogram} computes histograms with the default exponential
 * buckets of {@code tensorflow/core/lib/histogram/histogram.cc}.
 */
package io.qat4j.training.tensorboard;
