package io.qat4j.graph.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file of a graph dataset does not follow its format (LINQS/Planetoid, TU, GIN text, SMILES CSV;
 * see the loaders implementing {@link GraphLoader}), or disagrees with another file of the same
 * dataset.
 *
 * <p>The message always names the file and the 1-based line where reading went wrong, the 1-based
 * field (column) when one field is at fault, and what was expected there, e.g.
 * {@code MUTAG_A.txt: line 12, field 2: expected a node id in 1..3371 (the lines of the graph
 * indicator), found 4000}. A problem found at the end of a file (a truncated block, too few
 * lines) names the line after the last one. Like {@code IdxFormatException} of the training
 * module, this is an {@link IOException}: every loader declares {@code throws IOException} and
 * reports malformed content with this subtype.
 */
public final class GraphFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long line;
    private final int field;

    /**
     * @param file the file being read
     * @param line 1-based line where the problem was found
     * @param field 1-based field of that line, or 0 when the whole line (or file) is at fault
     * @param detail what is wrong and what was expected
     */
    public GraphFormatException(Path file, long line, int field, String detail) {
        this(file, line, field, detail, null);
    }

    /**
     * @param file the file being read
     * @param line 1-based line where the problem was found
     * @param field 1-based field of that line, or 0 when the whole line (or file) is at fault
     * @param detail what is wrong and what was expected
     * @param cause the underlying exception (e.g. a SMILES parser's), or null
     */
    public GraphFormatException(Path file, long line, int field, String detail, Throwable cause) {
        super(file + ": line " + line + (field > 0 ? ", field " + field : "") + ": " + detail, cause);
        if (line < 1 || field < 0) {
            throw new IllegalArgumentException("line " + line + " and field " + field + " of " + file);
        }
        this.file = file;
        this.line = line;
        this.field = field;
    }

    /** @return the malformed file */
    public Path file() {
        return file;
    }

    /** @return the 1-based line where the problem was found */
    public long line() {
        return line;
    }

    /** @return the 1-based field of that line, or 0 when the whole line (or file) is at fault */
    public int field() {
        return field;
    }
}
