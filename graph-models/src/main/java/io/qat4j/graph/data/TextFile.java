package io.qat4j.graph.data;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A UTF-8 text file read line by line, knowing the 1-based number of the line last returned, so
 * that every {@link GraphFormatException} can name its file and line. A byte order mark at the
 * start is skipped and line terminators ({@code \n}, {@code \r\n}) are dropped. Blank lines (only
 * blanks and tabs) may only end the file: they are then the end of the file; a blank line followed
 * by more text is an error at the blank line, since every format read here gives each line a
 * meaning (in TU files, line {@code i} is node or graph {@code i}).
 */
final class TextFile implements Closeable {

    private final Path file;
    private final BufferedReader in;
    private long lineNumber;
    private boolean ended;

    private TextFile(Path file, BufferedReader in) {
        this.file = file;
        this.in = in;
    }

    /**
     * @param file the file to read
     * @return it, opened
     * @throws IOException when it cannot be opened (a missing file is a
     *     {@link java.nio.file.NoSuchFileException} naming it)
     */
    static TextFile open(Path file) throws IOException {
        return new TextFile(file, Files.newBufferedReader(file, StandardCharsets.UTF_8));
    }

    /** @return the file read */
    Path file() {
        return file;
    }

    /** @return the 1-based number of the line last returned by {@link #next()}, 0 before the first */
    long line() {
        return lineNumber;
    }

    /**
     * @return the next line without its terminator, or null at the end of the file (trailing
     *     blank lines included)
     * @throws GraphFormatException at a blank line that more text follows, or at a line that is
     *     not UTF-8
     * @throws IOException when reading fails
     */
    String next() throws IOException {
        if (ended) {
            return null;
        }
        String line = read();
        if (line == null) {
            ended = true;
            return null;
        }
        lineNumber++;
        if (lineNumber == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
            line = line.substring(1);
        }
        if (!line.isBlank()) {
            return line;
        }
        long firstBlank = lineNumber;
        String more;
        while ((more = read()) != null && more.isBlank()) {
            lineNumber++;
        }
        if (more == null) {
            ended = true;
            lineNumber = firstBlank - 1;
            return null;
        }
        throw new GraphFormatException(file, firstBlank, 0,
                "empty line inside the file (expected a line of data; only the end of the file may be blank)");
    }

    private String read() throws IOException {
        try {
            return in.readLine();
        } catch (CharacterCodingException e) {
            throw new GraphFormatException(file, lineNumber + 1, 0, "not UTF-8 text", e);
        }
    }

    /**
     * @param detail what is wrong and what was expected
     * @return an exception at the line last returned, for the caller to throw
     */
    GraphFormatException error(String detail) {
        return error(0, detail);
    }

    /**
     * @param field 1-based field of the line last returned, 0 for the whole line
     * @param detail what is wrong and what was expected
     * @return an exception at that field, for the caller to throw
     */
    GraphFormatException error(int field, String detail) {
        return new GraphFormatException(file, Math.max(1, lineNumber), field, detail);
    }

    /**
     * @param detail what was expected instead of the end of the file
     * @return an exception at the line after the last line of data, for the caller to throw
     */
    GraphFormatException errorAtEnd(String detail) {
        return new GraphFormatException(file, lineNumber + 1, 0, detail + ", found the end of the file");
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
