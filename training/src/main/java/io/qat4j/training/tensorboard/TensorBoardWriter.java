package io.qat4j.training.tensorboard;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.HistogramProto;
import org.tensorflow.proto.Summary;

/**
 * Writes a TensorBoard event file, as TensorFlow's {@code EventsWriter}
 * ({@code tensorflow/core/util/events_writer.cc}) does: a file
 * {@code events.out.tfevents.<unix seconds, 10 digits>.<hostname>} of TFRecords
 * ({@link TfRecordWriter}), each a serialized {@code tensorflow.Event}
 * ({@code tensorflow/core/util/event.proto}), the first of which carries only {@code wall_time} and
 * {@code file_version = "brain.Event:2"} and is flushed at once so that TensorBoard sees the file.
 *
 * <p>Every later event carries {@code wall_time} (seconds since the epoch, as a {@code double}),
 * {@code step} and a {@code Summary} with one value ({@code tensorflow/core/framework/summary.proto}):
 * <ul>
 *   <li>{@link #scalar} writes {@code Summary.Value{tag, simple_value}}, which TensorBoard's scalar
 *       dashboard reads. {@code simple_value} is a 32-bit float in TensorFlow's schema, so the value is
 *       rounded to the nearest {@code float}; NaN and infinities are written as they are.</li>
 *   <li>{@link #histogram} writes {@code Summary.Value{tag, histo}} with a {@code HistogramProto}
 *       computed by {@link TfHistogram} (TensorFlow's default exponential buckets). NaN and infinite
 *       values are skipped: they count in no bucket and not in {@code num}, {@code sum},
 *       {@code sum_squares}, {@code min} or {@code max}.</li>
 * </ul>
 *
 * <p>If a file of the same name already exists (two writers opened in the same second in the same
 * directory), the writer adds a suffix {@code .1}, {@code .2}, ...; TensorBoard reads every file whose
 * name contains {@code tfevents}.
 *
 * <p>Records are buffered; {@link #flush()} and {@link #close()} push them to the file. All methods are
 * thread-safe (synchronized on the writer). Methods that a training listener calls and that cannot
 * declare checked exceptions ({@code scalar}, {@code histogram}, {@code flush}) report I/O errors as
 * {@link UncheckedIOException} wrapping an {@link IOException} whose message names the file; writing to
 * a closed writer throws {@link IllegalStateException}.
 */
public final class TensorBoardWriter implements Closeable {

    /** {@code file_version} of the first event, as TensorFlow's {@code EventsWriter} writes it. */
    public static final String FILE_VERSION = "brain.Event:2";
    /** Prefix of every event file name ({@code <file_prefix>.out.tfevents.} with prefix {@code events}). */
    public static final String FILE_NAME_PREFIX = "events.out.tfevents.";

    private static final Logger LOG = LoggerFactory.getLogger(TensorBoardWriter.class);
    private static final int MAX_NAME_ATTEMPTS = 1000;

    private final TfRecordWriter records;
    private final Clock clock;
    private boolean closed;

    private TensorBoardWriter(TfRecordWriter records, Clock clock) {
        this.records = records;
        this.clock = clock;
    }

    /**
     * Creates {@code logDir} (and its parents) if needed and a new event file in it, named from the
     * current time and this host's name, and writes the {@code file_version} event.
     *
     * @throws IOException if the directory or file cannot be created or written; the message names it
     */
    public static TensorBoardWriter open(Path logDir) throws IOException {
        return open(logDir, Clock.systemUTC());
    }

    /**
     * As {@link #open(Path)}, with {@code clock} giving the file name's time and every event's
     * {@code wall_time}.
     */
    public static TensorBoardWriter open(Path logDir, Clock clock) throws IOException {
        Objects.requireNonNull(logDir, "logDir");
        Objects.requireNonNull(clock, "clock");
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new IOException("cannot create TensorBoard log directory " + logDir + ": " + e, e);
        }
        Instant now = clock.instant();
        String baseName = fileName(now.getEpochSecond(), hostname());
        TfRecordWriter records = null;
        for (int attempt = 0; records == null; attempt++) {
            Path file = logDir.resolve(attempt == 0 ? baseName : baseName + "." + attempt);
            try {
                records = TfRecordWriter.createNew(file);
            } catch (FileAlreadyExistsException e) {
                if (attempt + 1 >= MAX_NAME_ATTEMPTS) {
                    throw new IOException("cannot create a TensorBoard event file in " + logDir + ": "
                            + MAX_NAME_ATTEMPTS + " files named " + baseName + "[.n] already exist", e);
                }
            }
        }
        TensorBoardWriter writer = new TensorBoardWriter(records, clock);
        try {
            records.write(Event.newBuilder()
                    .setWallTime(seconds(now))
                    .setFileVersion(FILE_VERSION)
                    .build()
                    .toByteArray());
            records.flush();
        } catch (IOException e) {
            try {
                records.close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        LOG.debug("Writing TensorBoard events to {}", records.file());
        return writer;
    }

    /**
     * The event file name TensorFlow uses: {@code events.out.tfevents.%010d.<hostname>}, the seconds
     * zero-padded to 10 digits ({@code EventsWriter::InitIfNeeded}).
     */
    static String fileName(long epochSeconds, String hostname) {
        return FILE_NAME_PREFIX + String.format("%010d", epochSeconds) + "." + hostname;
    }

    /**
     * This machine's host name, as {@code gethostname} gives it (TensorFlow's {@code port::Hostname}):
     * {@code /proc/sys/kernel/hostname} on Linux, else {@link InetAddress#getLocalHost()}, else the
     * {@code HOSTNAME}/{@code COMPUTERNAME} environment variable, else {@code localhost}. Characters
     * other than letters, digits, {@code .}, {@code _} and {@code -} become {@code _} so that the name is
     * safe in a file name.
     */
    static String hostname() {
        String name = null;
        Path proc = Path.of("/proc/sys/kernel/hostname");
        if (Files.isReadable(proc)) {
            try {
                name = Files.readString(proc, StandardCharsets.UTF_8).strip();
            } catch (IOException | UncheckedIOException e) {
                name = null;
            }
        }
        if (name == null || name.isEmpty()) {
            try {
                name = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                name = null;
            }
        }
        if (name == null || name.isEmpty()) {
            name = System.getenv("HOSTNAME");
        }
        if (name == null || name.isEmpty()) {
            name = System.getenv("COMPUTERNAME");
        }
        if (name == null || name.isBlank()) {
            name = "localhost";
        }
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** The event file being written. */
    public Path file() {
        return records.file();
    }

    /**
     * Writes a scalar summary {@code Summary.Value{tag, simple_value = (float) value}} at {@code step}.
     * NaN and infinities are written as they are.
     *
     * @throws UncheckedIOException if writing fails (the message names the file)
     * @throws IllegalStateException if the writer is closed
     */
    public synchronized void scalar(String tag, double value, long step) {
        Summary.Value summaryValue = Summary.Value.newBuilder()
                .setTag(checkTag(tag))
                .setSimpleValue((float) value)
                .build();
        writeSummary(summaryValue, step);
    }

    /**
     * Writes a histogram summary of {@code values} at {@code step} (see {@link TfHistogram}); NaN and
     * infinite values are skipped and counted nowhere.
     *
     * @throws UncheckedIOException if writing fails (the message names the file)
     * @throws IllegalStateException if the writer is closed
     */
    public synchronized void histogram(String tag, float[] values, long step) {
        writeHistogram(checkTag(tag), TfHistogram.of(values), step);
    }

    /**
     * Writes a histogram summary of {@code values} at {@code step} (see {@link TfHistogram}); NaN and
     * infinite values are skipped and counted nowhere.
     *
     * @throws UncheckedIOException if writing fails (the message names the file)
     * @throws IllegalStateException if the writer is closed
     */
    public synchronized void histogram(String tag, double[] values, long step) {
        writeHistogram(checkTag(tag), TfHistogram.of(values), step);
    }

    /**
     * Pushes buffered events to the file.
     *
     * @throws UncheckedIOException if flushing fails (the message names the file)
     * @throws IllegalStateException if the writer is closed
     */
    public synchronized void flush() {
        ensureOpen();
        try {
            records.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** Flushes and closes the event file; further calls do nothing. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        records.close();
    }

    private void writeHistogram(String tag, HistogramProto histogram, long step) {
        writeSummary(Summary.Value.newBuilder().setTag(tag).setHisto(histogram).build(), step);
    }

    private void writeSummary(Summary.Value value, long step) {
        ensureOpen();
        Event event = Event.newBuilder()
                .setWallTime(seconds(clock.instant()))
                .setStep(step)
                .setSummary(Summary.newBuilder().addValue(value))
                .build();
        try {
            records.write(event.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("TensorBoard writer for " + records.file() + " is closed");
        }
    }

    private static String checkTag(String tag) {
        Objects.requireNonNull(tag, "tag");
        if (tag.isEmpty()) {
            throw new IllegalArgumentException("summary tag must not be empty");
        }
        return tag;
    }

    private static double seconds(Instant t) {
        return t.getEpochSecond() + t.getNano() / 1e9;
    }
}
