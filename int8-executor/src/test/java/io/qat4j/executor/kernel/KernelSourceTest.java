package io.qat4j.executor.kernel;

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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md section 3: kernel code of the executor holds no {@code float} or {@code double}. Scans
 * every {@code .java} file under {@code src/main/java/io/qat4j/executor/kernel/}, and the op
 * definitions and tensor values that prepare and call the kernels ({@code op/}, {@code tensor/})
 * (Maven runs tests with the module directory as working directory), removes comments, string and
 * character literals, and fails on floating-point types, their boxes, floating-point math classes
 * and floating-point literals.
 */
class KernelSourceTest {

    private static final Path KERNEL_DIR = Path.of("src/main/java/io/qat4j/executor/kernel");
    /** The op definitions and the tensor values: everything between the artifact and the kernels at run time. */
    private static final List<Path> OP_DIRS = List.of(Path.of("src/main/java/io/qat4j/executor/op"),
            Path.of("src/main/java/io/qat4j/executor/tensor"));
    /** The fixed-point primitives the kernels call are held to the same rule. */
    private static final Path FIXED_POINT = Path.of("src/main/java/io/qat4j/executor/arith/FixedPoint.java");
    private static final Pattern FLOATING_POINT = Pattern.compile(
            "\\b(float|double|Float|Double|StrictMath|BigDecimal|FloatBuffer|DoubleBuffer)\\b" // types
                    + "|\\b\\d+\\.\\d*([eE][+-]?\\d+)?[fFdD]?" // 1. 1.5 1.5e3 1.5f
                    + "|(?<![\\w.])\\.\\d+" // .5
                    + "|\\b\\d+[eE][+-]?\\d+[fFdD]?\\b" // 1e3
                    + "|\\b\\d+[fFdD]\\b" // 2f 2d
                    + "|\\b0[xX][0-9a-fA-F_]*\\.?[0-9a-fA-F_]*[pP]"); // hex float 0x1p-3

    @Test
    void kernelSourcesHoldNoFloatingPoint() throws IOException {
        assertTrue(Files.isDirectory(KERNEL_DIR), "not found from " + Path.of("").toAbsolutePath() + ": " + KERNEL_DIR);
        List<Path> sources;
        try (Stream<Path> walk = Files.walk(KERNEL_DIR)) {
            sources = new ArrayList<>(walk.filter(p -> p.toString().endsWith(".java")).sorted().toList());
        }
        assertTrue(Files.isRegularFile(FIXED_POINT), FIXED_POINT + " not found");
        sources.add(FIXED_POINT);
        assertTrue(sources.size() >= 20, "expected the kernel sources, found " + sources);
        for (Path dir : OP_DIRS) {
            try (Stream<Path> walk = Files.walk(dir)) {
                List<Path> found = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
                assertTrue(found.size() >= 2, "expected sources in " + dir + ", found " + found);
                sources.addAll(found);
            }
        }
        List<String> violations = new ArrayList<>();
        for (Path source : sources) {
            String code = stripCommentsAndLiterals(Files.readString(source, StandardCharsets.UTF_8));
            String[] lines = code.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                Matcher m = FLOATING_POINT.matcher(lines[i]);
                while (m.find()) {
                    violations.add(source.getFileName() + ":" + (i + 1) + ": " + m.group());
                }
            }
        }
        assertEquals(List.of(), violations, "floating point in kernel or fixed-point code");
    }

    @Test
    void theScanFindsFloatingPointInCodeOnly() {
        assertEquals(List.of(), tokens("/** a double */ int a; // float\n/* double 1.5 */ String s = \"double 2f\";"
                + " char c = 'f'; int d = 0x1F; int e = 0xF; long f = 10L; int g = a1.b2; int h = x.length;"));
        assertEquals(List.of("double"), tokens("int a; double b; // x"));
        assertEquals(List.of("float"), tokens("/* a */ float f;"));
        assertEquals(List.of("Double"), tokens("long b = Double.doubleToLongBits(1L);"));
        assertEquals(List.of("Float"), tokens("Float f = null;"));
        assertEquals(List.of("1.5"), tokens("var v = 1.5;"));
        assertEquals(List.of("1."), tokens("var v = 1.;"));
        assertEquals(List.of(".5"), tokens("var v = .5;"));
        assertEquals(List.of("1e3"), tokens("var v = 1e3;"));
        assertEquals(List.of("2f"), tokens("var v = 2f;"));
        assertEquals(List.of("2D"), tokens("var v = 2D;"));
        assertEquals(List.of("0x1p"), tokens("var v = 0x1p-3;"));
        assertEquals(List.of("0x1.8p"), tokens("var v = 0x1.8p1;"));
        assertEquals(List.of("StrictMath"), tokens("int v = StrictMath.abs(1);"));
    }

    private static List<String> tokens(String src) {
        List<String> found = new ArrayList<>();
        Matcher m = FLOATING_POINT.matcher(stripCommentsAndLiterals(src));
        while (m.find()) {
            found.add(m.group());
        }
        return found;
    }

    /** Replaces comments and string / char literals (text blocks included) by spaces, keeping newlines. */
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
                i = blank(src, i, end < 0 ? n : end + 2, out);
            } else if (src.startsWith("\"\"\"", i)) {
                int end = src.indexOf("\"\"\"", i + 3);
                i = blank(src, i, end < 0 ? n : end + 3, out);
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && src.charAt(j) != c && src.charAt(j) != '\n') {
                    j += src.charAt(j) == '\\' ? 2 : 1;
                }
                i = blank(src, i, Math.min(j + 1, n), out);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static int blank(String src, int from, int to, StringBuilder out) {
        for (int k = from; k < to; k++) {
            out.append(src.charAt(k) == '\n' ? '\n' : ' ');
        }
        return to;
    }
}
