package io.qat4j.executor.arith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md section 3: kernel code of the executor holds no {@code float} or {@code double}.
 * Reads the source of {@link FixedPoint} (Maven runs tests with the module directory as working
 * directory) and looks for floating-point type tokens outside comments and literals.
 */
class FixedPointSourceTest {

    private static final Path SOURCE = Path.of("src/main/java/io/qat4j/executor/arith/FixedPoint.java");
    private static final Pattern FLOATING_POINT =
            Pattern.compile("\\b(float|double|Float|Double|StrictMath|BigDecimal)\\b|\\b\\d+(\\.\\d*)?[eE][+-]?\\d+|\\d\\.\\d|\\b\\d+[fFdD]\\b|0[xX][0-9a-fA-F.]*[pP]");

    @Test
    void fixedPointSourceHasNoFloatingPointOutsideComments() throws IOException {
        assertTrue(Files.isRegularFile(SOURCE), "not found from " + Path.of("").toAbsolutePath() + ": " + SOURCE);
        String code = stripCommentsAndLiterals(Files.readString(SOURCE, StandardCharsets.UTF_8));
        assertTrue(code.contains("saturatingRoundingDoublingHighMul"), "stripping removed the code");
        assertEquals(List.of(), floatingPointTokens(code), SOURCE + " holds floating point");
    }

    @Test
    void theCheckFindsFloatingPointInCodeButNotInComments() {
        assertEquals(List.of(), floatingPointTokens(stripCommentsAndLiterals(
                "/** a double */ int a; // float\n/* double */ String s = \"double\"; char c = 'f'; int d = 0x1F;")));
        assertEquals(List.of("double"), floatingPointTokens(stripCommentsAndLiterals("int a; double b; // x")));
        assertEquals(List.of("float"), floatingPointTokens(stripCommentsAndLiterals("/* a */ float f;")));
        assertEquals(List.of("Double"), floatingPointTokens(stripCommentsAndLiterals("long b = Double.doubleToLongBits(1L);")));
        assertEquals(List.of("1.5"), floatingPointTokens(stripCommentsAndLiterals("var v = 1.5;").replace("var", "")));
        assertEquals(List.of("1e3"), floatingPointTokens(stripCommentsAndLiterals("var v = 1e3;")));
        assertEquals(List.of("2f"), floatingPointTokens(stripCommentsAndLiterals("var v = 2f;")));
        assertEquals(List.of("0x1p"), floatingPointTokens(stripCommentsAndLiterals("var v = 0x1p-3;")));
    }

    private static List<String> floatingPointTokens(String code) {
        List<String> found = new ArrayList<>();
        Matcher m = FLOATING_POINT.matcher(code);
        while (m.find()) {
            found.add(m.group());
        }
        return found;
    }

    /** Replaces comments and string/char literals by spaces (newlines kept). */
    static String stripCommentsAndLiterals(String src) {
        StringBuilder out = new StringBuilder(src.length());
        int i = 0;
        int n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (c == '/' && i + 1 < n && src.charAt(i + 1) == '/') {
                while (i < n && src.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && src.charAt(i + 1) == '*') {
                int end = src.indexOf("*/", i + 2);
                int stop = end < 0 ? n : end + 2;
                for (; i < stop; i++) {
                    out.append(src.charAt(i) == '\n' ? '\n' : ' ');
                }
            } else if (c == '"' || c == '\'') {
                out.append(' ');
                i++;
                while (i < n && src.charAt(i) != c) {
                    if (src.charAt(i) == '\\') {
                        i++;
                    }
                    i++;
                }
                i++;
                out.append(' ');
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
