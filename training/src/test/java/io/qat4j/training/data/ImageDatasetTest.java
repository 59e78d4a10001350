package io.qat4j.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ImageDatasetTest {

    /** {@code n} images of 1x2x3 whose first pixel is the image index. */
    static ImageDataset tiny(int n) {
        byte[] px = new byte[n * 6];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 6; j++) {
                px[i * 6 + j] = (byte) (j == 0 ? i : 200 + j);
            }
            labels[i] = i % 3;
        }
        return new ImageDataset(1, 2, 3, px, labels, 3, List.of("a", "b", "c"));
    }

    @Test
    void accessorsAndCopies() {
        ImageDataset d = tiny(5);
        assertEquals(5, d.count());
        assertEquals(1, d.channels());
        assertEquals(2, d.height());
        assertEquals(3, d.width());
        assertEquals(6, d.imageSize());
        assertEquals(3, d.numClasses());
        assertEquals(List.of("a", "b", "c"), d.classNames());
        assertEquals(4, d.pixel(4, 0, 0, 0));
        assertEquals(205, d.pixel(4, 0, 1, 2));
        assertEquals(2, d.label(2));
        assertArrayEquals(new int[] {2, 2, 1}, d.labelCounts());

        byte[] p = d.pixels();
        p[0] = 99;
        int[] l = d.labels();
        l[0] = 2;
        assertEquals(0, d.pixel(0, 0, 0, 0));
        assertEquals(0, d.label(0));
        assertEquals(30, d.pixelBuffer().remaining());
        assertThrows(java.nio.ReadOnlyBufferException.class, () -> d.pixelBuffer().put((byte) 1));
    }

    @Test
    void constructorCopiesItsArguments() {
        byte[] px = new byte[6];
        int[] labels = {1};
        ImageDataset d = new ImageDataset(1, 2, 3, px, labels, 2);
        px[0] = 7;
        labels[0] = 0;
        assertEquals(0, d.pixel(0, 0, 0, 0));
        assertEquals(1, d.label(0));
        assertEquals(List.of("0", "1"), d.classNames());
    }

    @Test
    void constructorValidates() {
        assertThrows(IllegalArgumentException.class, () -> new ImageDataset(1, 2, 3, new byte[5], new int[] {0}, 2));
        assertThrows(IllegalArgumentException.class, () -> new ImageDataset(1, 2, 3, new byte[6], new int[] {2}, 2));
        assertThrows(IllegalArgumentException.class, () -> new ImageDataset(1, 2, 3, new byte[6], new int[] {-1}, 2));
        assertThrows(IllegalArgumentException.class, () -> new ImageDataset(0, 2, 3, new byte[0], new int[0], 2));
        assertThrows(IllegalArgumentException.class, () -> new ImageDataset(1, 2, 3, new byte[0], new int[0], 0));
        assertThrows(IllegalArgumentException.class,
                () -> new ImageDataset(1, 2, 3, new byte[0], new int[0], 2, List.of("x")));
    }

    @Test
    void subsetAndSelect() {
        ImageDataset d = tiny(10);
        ImageDataset s = d.subset(3, 7);
        assertEquals(4, s.count());
        assertEquals(3, s.pixel(0, 0, 0, 0));
        assertEquals(6, s.pixel(3, 0, 0, 0));
        assertEquals(d.label(5), s.label(2));
        assertEquals(0, d.subset(4, 4).count());
        assertThrows(IndexOutOfBoundsException.class, () -> d.subset(5, 11));
        assertThrows(IndexOutOfBoundsException.class, () -> d.subset(6, 5));

        ImageDataset sel = d.select(new int[] {9, 0, 9});
        assertEquals(3, sel.count());
        assertEquals(9, sel.pixel(0, 0, 0, 0));
        assertEquals(0, sel.pixel(1, 0, 0, 0));
        assertEquals(d.subset(0, 10), d);
    }

    @Test
    void splitIsReproducibleDisjointAndComplete() {
        ImageDataset d = tiny(50);
        ImageDataset.Split a = d.split(42, 0.2);
        ImageDataset.Split b = d.split(42, 0.2);
        assertEquals(a, b);
        assertEquals(10, a.first().count());
        assertEquals(40, a.second().count());
        List<Integer> ids = new ArrayList<>();
        for (ImageDataset part : List.of(a.first(), a.second())) {
            for (int i = 0; i < part.count(); i++) {
                ids.add(part.pixel(i, 0, 0, 0));
            }
        }
        Collections.sort(ids);
        assertEquals(IntStream.range(0, 50).boxed().toList(), ids);
        assertNotEquals(a.first(), d.split(43, 0.2).first());
        assertEquals(0, d.split(1, 0.0).first().count());
        assertEquals(50, d.split(1, 1.0).first().count());
        assertThrows(IllegalArgumentException.class, () -> d.split(1, 1.5));
        assertThrows(IllegalArgumentException.class, () -> d.split(1, Double.NaN));
    }

    @Test
    void shuffledIndicesIsCollectionsShuffleWithTheSameSeed() {
        for (long seed : new long[] {0, 1, -7, 123456789L}) {
            List<Integer> expected = new ArrayList<>(IntStream.range(0, 97).boxed().toList());
            Collections.shuffle(expected, new Random(seed));
            int[] actual = ImageDataset.shuffledIndices(97, seed);
            assertEquals(expected, Arrays.stream(actual).boxed().toList());
        }
    }

    @Test
    void serializationRoundTripAndRevalidation() throws IOException, ClassNotFoundException {
        ImageDataset d = tiny(4);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(d);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(d, in.readObject());
        }
        assertEquals(d.hashCode(), tiny(4).hashCode());
    }
}
