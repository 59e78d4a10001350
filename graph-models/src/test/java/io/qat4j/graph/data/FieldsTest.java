package io.qat4j.graph.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TextFile} and {@link Fields}, the reading every loader shares: line numbers, line endings,
 * a byte order mark, blank lines, the four ways of splitting, and the bounds of integer and real
 * fields.
 */
class FieldsTest {

    private static Path file(Path dir, String content) throws IOException {
        Path p = dir.resolve("f.txt");
        Files.write(p, content.getBytes(StandardCharsets.UTF_8));
        return p;
    }

    private static List<List<String>> split(Path p, Fields.Separator separator) throws IOException {
        List<List<String>> lines = new ArrayList<>();
        try (TextFile text = TextFile.open(p)) {
            Fields f = new Fields(text, separator);
            while (f.next()) {
                List<String> fields = new ArrayList<>();
                for (int i = 0; i < f.count(); i++) {
                    fields.add(f.text(i));
                }
                lines.add(fields);
            }
        }
        return lines;
    }

    @Test
    void crlfAByteOrderMarkAndTrailingBlankLines(@TempDir Path dir) throws IOException {
        Path p = file(dir, "\uFEFFa b\r\nc\r\n\r\n  \n");
        try (TextFile text = TextFile.open(p)) {
            assertEquals("a b", text.next());
            assertEquals(1, text.line());
            assertEquals("c", text.next());
            assertNull(text.next());
            assertNull(text.next());
            assertEquals(3, text.errorAtEnd("expected more").line(), "the line after the last line of data");
        }
    }

    @Test
    void aBlankLineInsideTheFileIsAnErrorAtThatLine(@TempDir Path dir) throws IOException {
        Path p = file(dir, "a\n\n \nb\n");
        try (TextFile text = TextFile.open(p)) {
            assertEquals("a", text.next());
            GraphFormatException e = assertThrows(GraphFormatException.class, text::next);
            assertEquals(2, e.line());
        }
    }

    @Test
    void theFourSeparators(@TempDir Path dir) throws IOException {
        assertEquals(List.of(List.of("a", "b", "c")), split(file(dir, "  a \t b\tc  \n"), Fields.Separator.WHITESPACE));
        assertEquals(List.of(List.of("a b", "", "c ")), split(file(dir, "a b\t\tc \n"), Fields.Separator.TAB));
        assertEquals(List.of(List.of("1", "2", ""), List.of("-1", "4.25")),
                split(file(dir, " 1 ,2,\n -1 , 4.25\n"), Fields.Separator.COMMA));
        assertEquals(List.of(List.of("a, \"b\"", "", " c ", "d")),
                split(file(dir, "\"a, \"\"b\"\"\",, c ,\"d\"\n"), Fields.Separator.CSV));
        GraphFormatException e = assertThrows(GraphFormatException.class,
                () -> split(file(dir, "x,\"ab\"c\n"), Fields.Separator.CSV));
        assertEquals(2, e.field());
        assertTrue(e.getMessage().contains("expected a comma after the closing double quote, found 'c'"), e.getMessage());
    }

    @Test
    void integersWithin32Bits(@TempDir Path dir) throws IOException {
        Path p = file(dir, "2147483647 -2147483648 +7 -0 2147483648 -2147483649 99999999999 1.0 - 0x1\n");
        try (TextFile text = TextFile.open(p)) {
            Fields f = new Fields(text, Fields.Separator.WHITESPACE);
            assertTrue(f.next());
            assertEquals(Integer.MAX_VALUE, f.intAt(0, "id"));
            assertEquals(Integer.MIN_VALUE, f.intAt(1, "id"));
            assertEquals(7, f.intAt(2, "id"));
            assertEquals(0, f.intAt(3, "id"));
            for (int i = 4; i < 7; i++) {
                GraphFormatException e = assertThrows(GraphFormatException.class, intAt(f, i));
                assertTrue(e.getMessage().endsWith("expected an integer id within 32 bits, found '" + f.text(i) + "'"),
                        e.getMessage());
                assertEquals(i + 1, e.field());
            }
            for (int i = 7; i < 10; i++) {
                GraphFormatException e = assertThrows(GraphFormatException.class, intAt(f, i));
                assertTrue(e.getMessage().endsWith("expected an integer id, found '" + f.text(i) + "'"), e.getMessage());
            }
            assertFalse(f.next());
        }
    }

    private static org.junit.jupiter.api.function.Executable intAt(Fields f, int i) {
        return () -> f.intAt(i, "id");
    }

    @Test
    void finiteDecimalNumbersOnly(@TempDir Path dir) throws IOException {
        Path p = file(dir, "1.5e-3 -0.25 +3 .5 1234567 12345678 -7 1f Infinity NaN 0x1p3 1e39 . e5\n");
        try (TextFile text = TextFile.open(p)) {
            Fields f = new Fields(text, Fields.Separator.WHITESPACE);
            assertTrue(f.next());
            float[] expected = {1.5e-3f, -0.25f, 3f, 0.5f, 1234567f, 12345678f, -7f};
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], f.floatAt(i, "x"), 0f, f.text(i));
            }
            for (int i = expected.length; i < f.count(); i++) {
                int field = i;
                GraphFormatException e = assertThrows(GraphFormatException.class, () -> f.floatAt(field, "x"));
                assertTrue(e.getMessage().contains("expected a number x"), e.getMessage());
            }
        }
    }
}
