package io.qat4j.graph.data;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The fields of the lines of a {@link TextFile}, split one line at a time, with typed access that
 * reports a bad field as a {@link GraphFormatException} naming file, line, 1-based field and what
 * was expected.
 *
 * <p>Numbers: integers are decimal with an optional sign; real numbers are decimal, optionally with
 * an exponent ({@code 1.5e-3}), and must be finite: Java's extras ({@code NaN}, {@code Infinity},
 * hexadecimal, a {@code f}/{@code d} suffix) are refused, as no format read here writes them.
 */
final class Fields {

    /** How a line is split into fields. */
    enum Separator {
        /** runs of blanks and tabs (LINQS, GIN text); leading and trailing blanks ignored */
        WHITESPACE,
        /** every tab (TSV); fields kept as they are */
        TAB,
        /** every comma, blanks around each field dropped (TU: {@code "1, 2"}) */
        COMMA,
        /**
         * RFC 4180 CSV on one line: commas, fields optionally in double quotes, {@code ""} a quote
         * inside a quoted field; blanks are kept (the caller strips what it needs stripped)
         */
        CSV
    }

    private final TextFile source;
    private final Separator separator;
    private String line;
    private int[] starts = new int[16];
    private int[] ends = new int[16];
    private final List<String> csv = new ArrayList<>();
    private int count;

    /**
     * @param source the file whose lines are split
     * @param separator how they are split
     */
    Fields(TextFile source, Separator separator) {
        this.source = source;
        this.separator = separator;
    }

    /** @return the file read */
    TextFile source() {
        return source;
    }

    /**
     * Reads and splits the next line.
     *
     * @return false at the end of the file
     * @throws IOException when reading fails or the line cannot be split (an unclosed quote)
     */
    boolean next() throws IOException {
        line = source.next();
        if (line == null) {
            count = 0;
            return false;
        }
        split();
        return true;
    }

    /** @return the number of fields of the line */
    int count() {
        return count;
    }

    /**
     * @param expected the number of fields the line must have
     * @param what what the line holds, for the message
     * @throws GraphFormatException when it has another number
     */
    void expectCount(int expected, String what) throws GraphFormatException {
        if (count != expected) {
            throw source.error("expected " + expected + " field" + (expected == 1 ? "" : "s") + " (" + what
                    + "), found " + count);
        }
    }

    /**
     * @param i 0-based field index
     * @return the field's text
     */
    String text(int i) {
        check(i);
        return separator == Separator.CSV ? csv.get(i) : line.substring(starts[i], ends[i]);
    }

    /**
     * @param i 0-based field index
     * @param what what the field holds, for the message (e.g. {@code "node id"})
     * @return the field as an integer
     * @throws GraphFormatException when it is not a decimal integer in {@code int} range
     */
    int intAt(int i, String what) throws GraphFormatException {
        check(i);
        CharSequence s = separator == Separator.CSV ? csv.get(i) : line;
        int from = separator == Separator.CSV ? 0 : starts[i];
        int to = separator == Separator.CSV ? s.length() : ends[i];
        int p = from;
        boolean negative = false;
        if (p < to && (s.charAt(p) == '-' || s.charAt(p) == '+')) {
            negative = s.charAt(p) == '-';
            p++;
        }
        if (p == to) {
            throw notAn(i, "an integer " + what);
        }
        long v = 0;
        for (; p < to; p++) {
            char c = s.charAt(p);
            if (c < '0' || c > '9') {
                throw notAn(i, "an integer " + what);
            }
            v = v * 10 + (c - '0');
            if (v > (long) Integer.MAX_VALUE + 1) {
                throw notAn(i, "an integer " + what + " within 32 bits");
            }
        }
        v = negative ? -v : v;
        if (v > Integer.MAX_VALUE) {
            throw notAn(i, "an integer " + what + " within 32 bits");
        }
        return (int) v;
    }

    /**
     * @param i 0-based field index
     * @param what what the field holds, for the message
     * @return the field as a finite float
     * @throws GraphFormatException when it is not a finite decimal number
     */
    float floatAt(int i, String what) throws GraphFormatException {
        check(i);
        if (separator != Separator.CSV && ends[i] > starts[i] && ends[i] - starts[i] <= 7) {
            // fast path for short integers (0/1 word indicators, counts): exact in float
            int p = starts[i];
            boolean negative = line.charAt(p) == '-';
            if (negative) {
                p++;
            }
            int v = 0;
            boolean integer = p < ends[i];
            for (; p < ends[i] && integer; p++) {
                char c = line.charAt(p);
                integer = c >= '0' && c <= '9';
                v = v * 10 + (c - '0');
            }
            if (integer) {
                return negative ? -v : v;
            }
        }
        String s = text(i);
        boolean digit = false;
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if (c != '.' && c != 'e' && c != 'E' && c != '-' && c != '+') {
                throw notAn(i, "a number " + what);
            }
        }
        if (!digit) {
            throw notAn(i, "a number " + what);
        }
        float v;
        try {
            v = Float.parseFloat(s);
        } catch (NumberFormatException e) {
            throw notAn(i, "a number " + what);
        }
        if (!Float.isFinite(v)) {
            throw notAn(i, "a number " + what + " within float range");
        }
        return v;
    }

    /**
     * @param i 0-based field index
     * @param detail what is wrong and what was expected
     * @return an exception at that field, for the caller to throw
     */
    GraphFormatException error(int i, String detail) {
        return source.error(i + 1, detail);
    }

    private GraphFormatException notAn(int i, String expected) {
        String found = text(i);
        return error(i, "expected " + expected + ", found '" + (found.length() > 40 ? found.substring(0, 40) + "..." : found)
                + "'");
    }

    private void check(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("field " + i + " of " + count);
        }
    }

    private void split() throws GraphFormatException {
        count = 0;
        int n = line.length();
        switch (separator) {
            case WHITESPACE -> {
                int p = 0;
                while (true) {
                    while (p < n && isBlank(line.charAt(p))) {
                        p++;
                    }
                    if (p == n) {
                        break;
                    }
                    int start = p;
                    while (p < n && !isBlank(line.charAt(p))) {
                        p++;
                    }
                    add(start, p);
                }
            }
            case TAB -> {
                int start = 0;
                for (int p = 0; p <= n; p++) {
                    if (p == n || line.charAt(p) == '\t') {
                        add(start, p);
                        start = p + 1;
                    }
                }
            }
            case COMMA -> {
                int start = 0;
                for (int p = 0; p <= n; p++) {
                    if (p == n || line.charAt(p) == ',') {
                        int a = start;
                        int b = p;
                        while (a < b && isBlank(line.charAt(a))) {
                            a++;
                        }
                        while (b > a && isBlank(line.charAt(b - 1))) {
                            b--;
                        }
                        add(a, b);
                        start = p + 1;
                    }
                }
            }
            case CSV -> splitCsv();
            default -> throw new IllegalStateException(separator.toString());
        }
    }

    private void splitCsv() throws GraphFormatException {
        csv.clear();
        int n = line.length();
        int p = 0;
        StringBuilder field = new StringBuilder();
        while (true) {
            field.setLength(0);
            if (p < n && line.charAt(p) == '"') {
                int opened = csv.size() + 1;
                p++;
                while (true) {
                    if (p == n) {
                        throw source.error(opened, "expected a closing double quote before the end of the line");
                    }
                    char c = line.charAt(p++);
                    if (c == '"') {
                        if (p < n && line.charAt(p) == '"') {
                            field.append('"');
                            p++;
                        } else {
                            break;
                        }
                    } else {
                        field.append(c);
                    }
                }
                if (p < n && line.charAt(p) != ',') {
                    throw source.error(opened, "expected a comma after the closing double quote, found '"
                            + line.charAt(p) + "'");
                }
            } else {
                while (p < n && line.charAt(p) != ',') {
                    field.append(line.charAt(p++));
                }
            }
            csv.add(field.toString());
            if (p == n) {
                break;
            }
            p++;
        }
        count = csv.size();
    }

    private void add(int start, int end) {
        if (count == starts.length) {
            starts = Arrays.copyOf(starts, count * 2);
            ends = Arrays.copyOf(ends, count * 2);
        }
        starts[count] = start;
        ends[count] = end;
        count++;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }
}
