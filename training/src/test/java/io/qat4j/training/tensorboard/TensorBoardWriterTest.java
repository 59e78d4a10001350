package io.qat4j.training.tensorboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.HistogramProto;
import org.tensorflow.proto.Summary;

/** Tests of {@link TensorBoardWriter}: files read back with {@link TfRecordReader} and TensorFlow's {@code Event}. */
class TensorBoardWriterTest {

    private static final Pattern FILE_NAME = Pattern.compile("events\\.out\\.tfevents\\.(\\d{10})\\.(.+)");

    @TempDir
    Path dir;

    private static List<Path> eventFiles(Path logDir) throws IOException {
        try (Stream<Path> files = Files.list(logDir)) {
            return files.filter(p -> p.getFileName().toString().contains("tfevents")).sorted().toList();
        }
    }

    private static Summary.Value onlyValue(Event event) {
        assertTrue(event.hasSummary(), "event has a summary");
        assertEquals(1, event.getSummary().getValueCount());
        return event.getSummary().getValue(0);
    }

    @Test
    void writesFileVersionScalarsAndHistogramsThatReadBack() throws IOException {
        Instant t = Instant.ofEpochSecond(1_700_000_000L, 250_000_000);
        Clock clock = Clock.fixed(t, ZoneOffset.UTC);
        Path logDir = dir.resolve("runs").resolve("exp1");
        double[] scalarValues = {0.1, -3.5, Double.NaN, Double.POSITIVE_INFINITY, 1e-3};
        Random random = new Random(123);
        float[] weights = new float[1000];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) (random.nextGaussian() * 0.1);
        }
        weights[10] = Float.NaN;
        weights[11] = Float.NEGATIVE_INFINITY;
        double[] activations = new double[777];
        for (int i = 0; i < activations.length; i++) {
            activations[i] = Math.abs(random.nextGaussian()) * 6.0;
        }

        Path file;
        try (TensorBoardWriter writer = TensorBoardWriter.open(logDir, clock)) {
            file = writer.file();
            for (int i = 0; i < scalarValues.length; i++) {
                writer.scalar("loss/train", scalarValues[i], 10L * i);
            }
            writer.histogram("layer0/W", weights, 5);
            writer.histogram("layer0/act", activations, Long.MAX_VALUE);
        }
        assertEquals(List.of(file), eventFiles(logDir));

        List<Event> events = TfRecordReader.readEvents(file);
        assertEquals(1 + scalarValues.length + 2, events.size());

        Event first = events.get(0);
        assertEquals(TensorBoardWriter.FILE_VERSION, first.getFileVersion());
        assertEquals("brain.Event:2", first.getFileVersion());
        assertEquals(1_700_000_000.25, first.getWallTime());
        assertFalse(first.hasSummary());

        for (int i = 0; i < scalarValues.length; i++) {
            Event e = events.get(1 + i);
            assertEquals(10L * i, e.getStep());
            assertEquals(1_700_000_000.25, e.getWallTime());
            Summary.Value v = onlyValue(e);
            assertEquals("loss/train", v.getTag());
            assertEquals(Summary.Value.ValueCase.SIMPLE_VALUE, v.getValueCase());
            assertEquals((float) scalarValues[i], v.getSimpleValue(), "scalar " + i); // NaN equals NaN here
        }

        Event w = events.get(1 + scalarValues.length);
        assertEquals(5, w.getStep());
        Summary.Value wv = onlyValue(w);
        assertEquals("layer0/W", wv.getTag());
        assertEquals(Summary.Value.ValueCase.HISTO, wv.getValueCase());
        double[] widened = new double[weights.length];
        for (int i = 0; i < weights.length; i++) {
            widened[i] = weights[i];
        }
        assertHistogramOf(wv.getHisto(), widened);

        Event a = events.get(2 + scalarValues.length);
        assertEquals(Long.MAX_VALUE, a.getStep());
        Summary.Value av = onlyValue(a);
        assertEquals("layer0/act", av.getTag());
        assertHistogramOf(av.getHisto(), activations);
    }

    private static void assertHistogramOf(HistogramProto h, double[] values) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        double sumSquares = 0;
        int n = 0;
        for (double v : values) {
            if (Double.isFinite(v)) {
                n++;
                sum += v;
                sumSquares += v * v;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        assertEquals(n, h.getNum());
        assertEquals(min, h.getMin());
        assertEquals(max, h.getMax());
        assertEquals(sum, h.getSum(), 1e-9 * Math.max(1, Math.abs(sumSquares)));
        assertEquals(sumSquares, h.getSumSquares(), 1e-9 * sumSquares);
        assertTrue(h.getBucketLimit(0) > min, "first limit bounds min");
        assertTrue(h.getBucketLimit(h.getBucketLimitCount() - 1) > max, "last limit bounds max");
        TfHistogramTest.assertConsistent(h, values);
    }

    @Test
    void wallTimeComesFromTheSystemClockByDefault() throws IOException {
        double before = System.currentTimeMillis() / 1000.0;
        Path file;
        try (TensorBoardWriter writer = TensorBoardWriter.open(dir)) {
            file = writer.file();
            writer.scalar("x", 1, 1);
        }
        double after = System.currentTimeMillis() / 1000.0;
        for (Event e : TfRecordReader.readEvents(file)) {
            assertTrue(e.getWallTime() >= before - 1e-3 && e.getWallTime() <= after + 1e-3,
                    e.getWallTime() + " not in [" + before + ", " + after + "]");
        }
    }

    @Test
    void fileNameIsEventsOutTfeventsSecondsHostname() throws IOException {
        long before = Instant.now().getEpochSecond();
        Path file;
        try (TensorBoardWriter writer = TensorBoardWriter.open(dir)) {
            file = writer.file();
        }
        long after = Instant.now().getEpochSecond();
        assertEquals(dir, file.getParent());
        Matcher m = FILE_NAME.matcher(file.getFileName().toString());
        assertTrue(m.matches(), file.getFileName().toString());
        long seconds = Long.parseLong(m.group(1));
        assertTrue(seconds >= before && seconds <= after, seconds + " not in [" + before + ", " + after + "]");
        assertEquals(TensorBoardWriter.hostname(), m.group(2));
        assertFalse(m.group(2).isBlank());
        assertTrue(m.group(2).matches("[A-Za-z0-9._-]+"), m.group(2));
        assertEquals(seconds, (long) Math.floor(TfRecordReader.readEvents(file).get(0).getWallTime()));
    }

    @Test
    void secondsAreZeroPaddedToTenDigitsAndCollisionsGetASuffix() throws IOException {
        Clock clock = Clock.fixed(Instant.ofEpochSecond(42, 5), ZoneOffset.UTC);
        String expected = "events.out.tfevents.0000000042." + TensorBoardWriter.hostname();
        try (TensorBoardWriter a = TensorBoardWriter.open(dir, clock);
                TensorBoardWriter b = TensorBoardWriter.open(dir, clock)) {
            assertEquals(expected, a.file().getFileName().toString());
            assertEquals(expected + ".1", b.file().getFileName().toString());
            a.scalar("a", 1, 0);
            b.scalar("b", 2, 0);
        }
        List<Path> files = eventFiles(dir);
        assertEquals(2, files.size());
        for (Path f : files) {
            List<Event> events = TfRecordReader.readEvents(f);
            assertEquals(TensorBoardWriter.FILE_VERSION, events.get(0).getFileVersion());
            assertEquals(2, events.size());
        }
        assertEquals("a", onlyValue(TfRecordReader.readEvents(files.get(0)).get(1)).getTag());
        assertEquals("b", onlyValue(TfRecordReader.readEvents(files.get(1)).get(1)).getTag());
    }

    @Test
    void corruptedBytesAreReportedWithTheRecordOffset() throws IOException {
        Path file;
        try (TensorBoardWriter writer = TensorBoardWriter.open(dir)) {
            file = writer.file();
            writer.scalar("a", 1.0, 1);
            writer.scalar("b", 2.0, 2);
            writer.histogram("h", new double[] {1, 2, 3}, 3);
        }
        byte[] original = Files.readAllBytes(file);
        List<TfRecordReader.Record> records = TfRecordReader.readRecords(file);
        assertEquals(4, records.size());
        // offsets computed from the lengths: each record is 12 + length + 4 bytes
        long offset = 0;
        for (TfRecordReader.Record r : records) {
            assertEquals(offset, r.offset());
            offset += 16 + r.data().length;
        }
        assertEquals(original.length, offset);

        int second = (int) records.get(2).offset();
        // a byte of the data of record 2
        assertCorruptionReported(file, original, second + 12 + 3, "data CRC mismatch", second);
        // a byte of the length of record 2
        assertCorruptionReported(file, original, second + 1, "length CRC mismatch", second);
        // a byte of the stored length CRC of record 1
        int firstScalar = (int) records.get(1).offset();
        assertCorruptionReported(file, original, firstScalar + 9, "length CRC mismatch", firstScalar);
        // a byte of the stored data CRC at the very end of the file (last record)
        int last = (int) records.get(3).offset();
        assertCorruptionReported(file, original, original.length - 1, "data CRC mismatch", last);

        // truncation of the last record
        Files.write(file, java.util.Arrays.copyOf(original, original.length - 2));
        IOException truncated = assertThrows(IOException.class, () -> TfRecordReader.readRecords(file));
        assertTrue(truncated.getMessage().contains("offset " + last), truncated.getMessage());
    }

    private static void assertCorruptionReported(Path file, byte[] original, int position, String what, long recordOffset)
            throws IOException {
        byte[] corrupted = original.clone();
        corrupted[position] ^= 0x10;
        Files.write(file, corrupted);
        IOException e = assertThrows(IOException.class, () -> TfRecordReader.readEvents(file),
                "flipping byte " + position + " must be detected");
        assertTrue(e.getMessage().contains(what), e.getMessage());
        assertTrue(e.getMessage().contains("offset " + recordOffset + " "), e.getMessage());
        Files.write(file, original);
        assertEquals(4, TfRecordReader.readEvents(file).size());
    }

    @Test
    void flushMakesEventsVisibleBeforeClose() throws IOException {
        try (TensorBoardWriter writer = TensorBoardWriter.open(dir)) {
            assertEquals(1, TfRecordReader.readEvents(writer.file()).size(), "file_version is flushed on open");
            writer.scalar("x", 0.5, 7);
            writer.flush();
            List<Event> events = TfRecordReader.readEvents(writer.file());
            assertEquals(2, events.size());
            assertEquals(0.5f, onlyValue(events.get(1)).getSimpleValue());
        }
    }

    @Test
    void concurrentWritersProduceWholeRecords() throws Exception {
        int threads = 8;
        int perThread = 400;
        Path file;
        try (TensorBoardWriter writer = TensorBoardWriter.open(dir)) {
            file = writer.file();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    String tag = "thread" + t;
                    int id = t;
                    futures.add(pool.submit(() -> {
                        for (int s = 0; s < perThread; s++) {
                            if (s % 50 == 0) {
                                writer.histogram(tag + "/h", new float[] {id, s, -s}, s);
                            } else {
                                writer.scalar(tag, id * 1000 + s, s);
                            }
                        }
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
        }
        List<Event> events = TfRecordReader.readEvents(file);
        assertEquals(1 + threads * perThread, events.size());
        Set<String> seen = new HashSet<>();
        for (Event e : events.subList(1, events.size())) {
            Summary.Value v = onlyValue(e);
            assertTrue(seen.add(v.getTag() + "@" + e.getStep()), "duplicate " + v.getTag() + "@" + e.getStep());
            if (v.hasHisto()) {
                assertEquals(3.0, v.getHisto().getNum());
            } else {
                int id = Integer.parseInt(v.getTag().substring("thread".length()));
                assertEquals(id * 1000 + e.getStep(), v.getSimpleValue());
            }
        }
        assertEquals(threads * perThread, seen.size());
    }

    @Test
    void writingAfterCloseFailsAndCloseIsIdempotent() throws IOException {
        TensorBoardWriter writer = TensorBoardWriter.open(dir);
        writer.close();
        writer.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> writer.scalar("x", 1, 1));
        assertTrue(e.getMessage().contains(writer.file().toString()), e.getMessage());
        assertThrows(IllegalStateException.class, () -> writer.histogram("h", new double[] {1}, 1));
        assertThrows(IllegalStateException.class, writer::flush);
    }

    @Test
    void invalidTagsAreRejected() throws IOException {
        try (TensorBoardWriter writer = TensorBoardWriter.open(dir)) {
            assertThrows(NullPointerException.class, () -> writer.scalar(null, 1, 1));
            assertThrows(IllegalArgumentException.class, () -> writer.histogram("", new float[] {1}, 1));
            assertThrows(NullPointerException.class, () -> writer.histogram("h", (double[]) null, 1));
        }
    }

    @Test
    void aLogDirThatIsAFileFailsNamingIt() throws IOException {
        Path notADir = Files.writeString(dir.resolve("plain-file"), "x");
        IOException e = assertThrows(IOException.class, () -> TensorBoardWriter.open(notADir));
        assertTrue(e.getMessage().contains(notADir.toString()), e.getMessage());
        Path below = notADir.resolve("sub");
        IOException e2 = assertThrows(IOException.class, () -> TensorBoardWriter.open(below));
        assertTrue(e2.getMessage().contains(below.toString()), e2.getMessage());
        assertNotEquals(e.getMessage(), e2.getMessage());
    }
}
