package io.qat4j.graph.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes dataset files for loader tests and checks the errors loaders raise for malformed ones. */
final class FormatErrors {

    private FormatErrors() {
    }

    /**
     * Writes a text file, one line per string, each ending with a newline.
     *
     * @param dir folder
     * @param name file name (may hold a sub-folder)
     * @param lines the lines
     * @return the file
     */
    static Path write(Path dir, String name, String... lines) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        StringBuilder s = new StringBuilder();
        for (String line : lines) {
            s.append(line).append('\n');
        }
        Files.writeString(p, s.toString(), StandardCharsets.UTF_8);
        return p;
    }

    /**
     * Loads a folder that must fail, and checks where.
     *
     * @param loader the loader
     * @param folder the dataset folder
     * @param file the file name the error must name
     * @param line the 1-based line it must name
     * @param field the 1-based field it must name, 0 for none
     * @param fragments text the message must contain
     * @return the exception
     */
    static GraphFormatException assertFails(GraphLoader loader, Path folder, String file, long line, int field,
                                            String... fragments) {
        GraphFormatException e = assertThrows(GraphFormatException.class, () -> loader.load(folder));
        assertEquals(file, e.file().getFileName().toString(), e.getMessage());
        assertEquals(line, e.line(), e.getMessage());
        assertEquals(field, e.field(), e.getMessage());
        String where = e.file() + ": line " + line + (field > 0 ? ", field " + field : "") + ": ";
        assertTrue(e.getMessage().startsWith(where), "message '" + e.getMessage() + "' should start with " + where);
        for (String f : List.of(fragments)) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should contain '" + f + "'");
        }
        return e;
    }

    /**
     * Loads a folder that must fail with an I/O error other than a format error (a missing or
     * ambiguous file), and checks the message.
     *
     * @param type the exception type expected
     * @param loader the loader
     * @param folder the dataset folder
     * @param fragment text the message must contain
     * @return the exception
     */
    static <T extends IOException> T assertFailsWith(Class<T> type, GraphLoader loader, Path folder, String fragment) {
        T e = assertThrows(type, () -> loader.load(folder));
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should contain '" + fragment + "'");
        return e;
    }
}
