package io.qat4j.executor.kernel;

import java.util.Arrays;

/**
 * The rows of an int8 weight matrix prepared for a multiplication-free matrix product
 * (package-private; used by {@link PreparedConv2d}, whose im2col matrix it multiplies).
 *
 * <p>The product computed for one weight row {@code w[0 .. K)} against a matrix of offset inputs
 * {@code c[k][p] = x - Z_in}, {@code |c| <= 255} (the im2col matrix of a convolution), is, for every
 * column {@code p},
 *
 * <pre>
 *   acc[p] = bias + sum_k w[k] * c[k][p]
 * </pre>
 *
 * the same integer as TFLite's {@code reference_integer_ops} and gemmlowp's int32 accumulation.
 * It is reorganized by weight magnitude so that the inner loops only add whole rows of
 * {@code c}. Every nonzero weight is written as one or two signed terms {@code s * m} with
 * {@code s = +-1}: itself when {@code |w| <= 8} (every 4-bit weight), otherwise its two base-16
 * digits {@code w = l + 16 h} with {@code l = ((w + 8) & 15) - 8} in {@code [-8, 7]} and
 * {@code h = (w - l) / 16} in {@code [-8, 8]} (terms {@code l} and {@code 16 h}, the zero ones
 * dropped). With {@code G_m[p] = sum_{terms +m} c[k][p] - sum_{terms -m} c[k][p]} and the
 * magnitudes present {@code m_1 > m_2 > ... > m_r} ({@code m_{r+1} = 0}),
 *
 * <pre>
 *   sum_k w[k] c[k][p] = sum_i m_i G_{m_i}[p] = sum_i (m_i - m_{i+1}) R_i[p],   R_i = G_{m_1} + ... + G_{m_i}
 * </pre>
 *
 * (Abel summation), so the kernel keeps a running row {@code R}, adds the term rows of each
 * magnitude into it (up to six rows per pass), and after each magnitude adds
 * {@code (m_i - m_{i+1}) R} to the accumulator row: about {@code K} row additions and at most 16
 * scaled additions instead of {@code K} multiply-adds. Zero weights cost nothing. A row whose
 * groups are too small for this to pay off (e.g. a 3x3 filter over one channel) is run directly,
 * {@code acc[p] += w[k] * c[k][p]} over its nonzero weights.
 *
 * <p>Two columns per int ("SIMD within a register"): the rows of {@code c} arrive packed,
 * {@code c[k][j] + 2^16 c[k][j + H]} for {@code j < H}, the first {@code H} columns in the low
 * halves and the others in the high halves, so every addition does two columns. The packed
 * sums {@code G} are only ever formed over segments whose low and high halves stay within
 * {@code [-2^15, 2^15)}: at most 128 rows with coefficient +-1 ({@code 128 * 255 = 32640}), or
 * direct terms with {@code sum |w| <= 128}. For such a sum {@code v = L + 2^16 H} (exact modulo
 * {@code 2^32}), {@code L = (v << 16) >> 16} and {@code H = (v - L) >> 16} exactly; each segment is
 * unpacked into the int rows {@code R} (or the accumulators) before the next one starts.
 *
 * <p>Exactness: besides the packed segments above, the arithmetic is Java {@code int} addition and
 * multiplication, exact modulo {@code 2^32} (two's complement wrap-around), so the reorganized
 * sum equals the direct sum modulo {@code 2^32} whatever the intermediate values; the direct sum
 * obeys the kernels' bound {@code |acc| <= 128 * 255 * K + |bias| <= 2^31 - 1} (checked by the
 * params records and at preparation), hence both are the same int32 value, bit for bit.
 *
 * <p>Program of row {@code o}: {@code [DIRECT, segments, (count, (w, row) * count) * segments]}, or
 * {@code [GROUPED]} followed by the magnitudes in decreasing order, each
 * {@code [segments, gap, (plusCount, minusCount, plus rows..., minus rows...) * segments]} with
 * {@code gap = m_i - m_{i+1}}, where the counts are padded to even numbers with the index of an
 * all-zero row of {@code c}.
 *
 * <p>Why one class of more than 400 lines: the program builder and its interpreter share the
 * program layout above and must change together, and the interpreter's inner loops are six
 * specialised copies (plus/minus rows, one or two rows per pass, packed or direct) because a
 * shared helper with branches in the hot loop stops C2 from vectorising them (tried and measured
 * in issue 3's review); splitting them across classes would separate the layout from its only
 * reader.
 */
final class WeightGroups {

    /** Largest magnitude written as a single term. */
    private static final int DIRECT_MAX = 8;
    /** Most rows (coefficient +-1) in one packed sum: {@code 128 * 255 < 2^15}. */
    private static final int SEGMENT_ROWS = 128;
    /** Largest {@code sum |w|} of the direct terms in one packed sum. */
    private static final int SEGMENT_WEIGHT = 128;
    /** First element of a grouped program. */
    private static final int GROUPED = 0;
    /** First element of a direct program. */
    private static final int DIRECT = 1;

    private final int[][] programs;

    private WeightGroups(int[][] programs) {
        this.programs = programs;
    }

    /**
     * @param weights int8 weights, row {@code o} at {@code weights[o * depth ...]}
     * @param rows number of rows {@code O}
     * @param depth {@code K}, weights per row
     * @param rowBase row {@code o}'s weight {@code k} multiplies input row {@code rowBase[o] + k}
     * @param zeroRow index of an input row that is all zero
     * @return the prepared rows
     */
    static WeightGroups of(byte[] weights, int rows, int depth, int[] rowBase, int zeroRow) {
        int[][] programs = new int[rows][];
        int[][] plus = new int[129][];
        int[][] minus = new int[129][];
        int[] plusCount = new int[129];
        int[] minusCount = new int[129];
        for (int o = 0; o < rows; o++) {
            Arrays.fill(plusCount, 0);
            Arrays.fill(minusCount, 0);
            int nonzero = 0;
            for (int k = 0; k < depth; k++) {
                int w = weights[o * depth + k];
                int row = rowBase[o] + k;
                if (w == 0) {
                    continue;
                }
                nonzero++;
                if (Math.abs(w) <= DIRECT_MAX) {
                    addTerm(w, row, plus, minus, plusCount, minusCount, depth);
                } else {
                    int l = ((w + 8) & 15) - 8; // in [-8, 7], w - l divisible by 16
                    int h = (w - l) / 16; // in [-8, 8]
                    if (l != 0) {
                        addTerm(l, row, plus, minus, plusCount, minusCount, depth);
                    }
                    addTerm(16 * h, row, plus, minus, plusCount, minusCount, depth);
                }
            }
            int[] grouped = groupedProgram(plus, minus, plusCount, minusCount, zeroRow);
            int[] direct = directProgram(weights, o * depth, depth, rowBase[o], nonzero);
            programs[o] = cost(grouped) < cost(direct) ? grouped : direct;
        }
        return new WeightGroups(programs);
    }

    private static int[] groupedProgram(int[][] plus, int[][] minus, int[] plusCount, int[] minusCount,
            int zeroRow) {
        IntList prog = new IntList();
        prog.add(GROUPED);
        for (int m = 128; m >= 1; m--) {
            int np = plusCount[m];
            int nm = minusCount[m];
            if (np + nm == 0) {
                continue;
            }
            int next = m - 1;
            while (next > 0 && plusCount[next] + minusCount[next] == 0) {
                next--;
            }
            int segments = (np + nm + SEGMENT_ROWS - 1) / SEGMENT_ROWS;
            prog.add(segments);
            prog.add(m - next);
            // plus rows first, then minus rows, SEGMENT_ROWS per segment
            for (int s = 0; s < segments; s++) {
                int from = s * SEGMENT_ROWS;
                int to = Math.min(np + nm, from + SEGMENT_ROWS);
                int plusFrom = Math.min(from, np);
                int plusTo = Math.min(to, np);
                int minusFrom = Math.max(from, np) - np;
                int minusTo = Math.max(to, np) - np;
                prog.add(roundUp2(plusTo - plusFrom));
                prog.add(roundUp2(minusTo - minusFrom));
                prog.addPadded(plus[m], plusFrom, plusTo, zeroRow);
                prog.addPadded(minus[m], minusFrom, minusTo, zeroRow);
            }
        }
        return prog.toArray();
    }

    /** The nonzero weights as direct terms, in segments of {@code sum |w| <= 128}. */
    private static int[] directProgram(byte[] weights, int offset, int depth, int rowBase, int nonzero) {
        IntList prog = new IntList();
        prog.add(DIRECT);
        prog.add(0); // segments, set below
        int segments = 0;
        int countAt = -1;
        int budget = 0;
        for (int k = 0; k < depth; k++) {
            int w = weights[offset + k];
            if (w == 0) {
                continue;
            }
            if (countAt < 0 || budget + Math.abs(w) > SEGMENT_WEIGHT) {
                segments++;
                countAt = prog.size();
                prog.add(0);
                budget = 0;
            }
            budget += Math.abs(w);
            prog.set(countAt, prog.get(countAt) + 1);
            prog.add(w);
            prog.add(rowBase + k);
        }
        prog.set(1, segments);
        return prog.toArray();
    }

    /**
     * Estimated cost in thirds of a one-row pass (measured on C2/AVX2: a pass adding {@code k}
     * rows costs about {@code 1 + k / 3} one-row passes, unpacking a segment about 1.5).
     */
    private static long cost(int[] prog) {
        long cost = 0;
        int i = 1;
        if (prog[0] == DIRECT) {
            int segments = prog[i++];
            for (int s = 0; s < segments; s++) {
                int count = prog[i];
                i += 1 + 2 * count;
                cost += 3L * count + 5;
            }
            return cost;
        }
        while (i < prog.length) {
            int segments = prog[i];
            i += 2;
            for (int s = 0; s < segments; s++) {
                int np = prog[i];
                int nm = prog[i + 1];
                i += 2 + np + nm;
                cost += 3L * ((np + 5) / 6 + (nm + 5) / 6) + np + nm + 6;
            }
        }
        return cost;
    }

    private static void addTerm(int v, int row, int[][] plus, int[][] minus, int[] plusCount, int[] minusCount,
            int depth) {
        int m = Math.abs(v);
        if (v > 0) {
            if (plus[m] == null) {
                plus[m] = new int[depth];
            }
            plus[m][plusCount[m]++] = row;
        } else {
            if (minus[m] == null) {
                minus[m] = new int[depth];
            }
            minus[m][minusCount[m]++] = row;
        }
    }

    private static int roundUp2(int n) {
        return (n + 1) & ~1;
    }

    /** @return whether row {@code o} runs the grouped program (else the direct one) */
    boolean isGrouped(int o) {
        return programs[o][0] == GROUPED;
    }

    /**
     * {@code acc[p] = bias + sum_k w[o][k] * c[rowBase[o] + k][p]} for the {@code 2 h} columns
     * packed into {@code c}: {@code accLo[j]} is column {@code j}, {@code accHi[j]} column
     * {@code h + j}, for {@code j < h}.
     *
     * @param o weight row
     * @param c packed input rows, each of length {@code >= h}, with values {@code c[k][j] + 2^16 c[k][j + h]},
     *     {@code |c| <= 255}; the zero row must be zero over {@code [0, h)}
     * @param bias added to every column
     * @param g scratch of length {@code >= h}, zero over {@code [0, h)}; left zero
     * @param runLo scratch of length {@code >= h}
     * @param runHi scratch of length {@code >= h}
     * @param accLo accumulators of the low columns, written
     * @param accHi accumulators of the high columns, written
     * @param h packed columns
     */
    void accumulate(int o, int[][] c, int bias, int[] g, int[] runLo, int[] runHi, int[] accLo, int[] accHi,
            int h) {
        int[] prog = programs[o];
        Arrays.fill(accLo, 0, h, bias);
        Arrays.fill(accHi, 0, h, bias);
        int i = 1;
        if (prog[0] == DIRECT) {
            int segments = prog[i++];
            for (int s = 0; s < segments; s++) {
                int end = i + 1 + 2 * prog[i];
                i++;
                // packed: |sum w c| <= 128 * 255 per half (SEGMENT_WEIGHT)
                scaledRow(g, c[prog[i + 1]], prog[i], h);
                for (i += 2; i < end; i += 2) {
                    addScaledRow(g, c[prog[i + 1]], prog[i], h);
                }
                unpackAdd(g, accLo, accHi, h);
            }
            return;
        }
        Arrays.fill(runLo, 0, h, 0);
        Arrays.fill(runHi, 0, h, 0);
        while (i < prog.length) {
            int segments = prog[i];
            int gap = prog[i + 1];
            i += 2;
            for (int s = 0; s < segments; s++) {
                int end = i + 2 + prog[i];
                int minusEnd = end + prog[i + 1];
                i += 2;
                // packed: at most 128 rows of |c| <= 255 per segment (SEGMENT_ROWS), |G| < 2^15 per half;
                // g is zero here: the unpacking of the previous segment cleared it
                for (; i + 6 <= end; i += 6) {
                    add6(g, c[prog[i]], c[prog[i + 1]], c[prog[i + 2]], c[prog[i + 3]], c[prog[i + 4]],
                            c[prog[i + 5]], h);
                }
                if (i + 4 <= end) {
                    add4(g, c[prog[i]], c[prog[i + 1]], c[prog[i + 2]], c[prog[i + 3]], h);
                    i += 4;
                } else if (i < end) {
                    add2(g, c[prog[i]], c[prog[i + 1]], h);
                    i += 2;
                }
                for (; i + 6 <= minusEnd; i += 6) {
                    sub6(g, c[prog[i]], c[prog[i + 1]], c[prog[i + 2]], c[prog[i + 3]], c[prog[i + 4]],
                            c[prog[i + 5]], h);
                }
                if (i + 4 <= minusEnd) {
                    sub4(g, c[prog[i]], c[prog[i + 1]], c[prog[i + 2]], c[prog[i + 3]], h);
                    i += 4;
                } else if (i < minusEnd) {
                    sub2(g, c[prog[i]], c[prog[i + 1]], h);
                    i += 2;
                }
                if (s < segments - 1) {
                    unpackAdd(g, runLo, runHi, h);
                } else if (gap == 1) {
                    // R_i += G; acc += R_i (int arithmetic, exact modulo 2^32, see the class comment)
                    unpackAccumulate(g, runLo, runHi, accLo, accHi, h);
                } else {
                    // R_i += G; acc += (m_i - m_{i+1}) * R_i
                    unpackAccumulateScaled(g, runLo, runHi, accLo, accHi, gap, h);
                }
            }
        }
    }

    // The loops below index every array with the bare loop variable, so that C2's SuperWord pass
    // vectorizes them (it packs only accesses of one alignment); more than seven arrays in one
    // loop defeat it.

    private static void add6(int[] r, int[] c0, int[] c1, int[] c2, int[] c3, int[] c4, int[] c5, int n) {
        for (int p = 0; p < n; p++) {
            r[p] += c0[p] + c1[p] + c2[p] + c3[p] + c4[p] + c5[p];
        }
    }

    private static void add4(int[] r, int[] c0, int[] c1, int[] c2, int[] c3, int n) {
        for (int p = 0; p < n; p++) {
            r[p] += c0[p] + c1[p] + c2[p] + c3[p];
        }
    }

    private static void add2(int[] r, int[] c0, int[] c1, int n) {
        for (int p = 0; p < n; p++) {
            r[p] += c0[p] + c1[p];
        }
    }

    private static void sub6(int[] r, int[] c0, int[] c1, int[] c2, int[] c3, int[] c4, int[] c5, int n) {
        for (int p = 0; p < n; p++) {
            r[p] -= c0[p] + c1[p] + c2[p] + c3[p] + c4[p] + c5[p];
        }
    }

    private static void sub4(int[] r, int[] c0, int[] c1, int[] c2, int[] c3, int n) {
        for (int p = 0; p < n; p++) {
            r[p] -= c0[p] + c1[p] + c2[p] + c3[p];
        }
    }

    private static void sub2(int[] r, int[] c0, int[] c1, int n) {
        for (int p = 0; p < n; p++) {
            r[p] -= c0[p] + c1[p];
        }
    }

    /** {@code r[p] = s * c[p]}. */
    private static void scaledRow(int[] r, int[] c, int s, int n) {
        for (int p = 0; p < n; p++) {
            r[p] = s * c[p];
        }
    }

    /** {@code acc[p] += s * r[p]}. */
    static void addScaledRow(int[] acc, int[] r, int s, int n) {
        for (int p = 0; p < n; p++) {
            acc[p] += s * r[p];
        }
    }

    /**
     * Unpacks {@code g = L + 2^16 H} (halves in {@code [-2^15, 2^15)}): {@code lo += L, hi += H}, and
     * clears {@code g} for the next segment.
     */
    private static void unpackAdd(int[] g, int[] lo, int[] hi, int n) {
        for (int p = 0; p < n; p++) {
            int v = g[p];
            int l = (v << 16) >> 16;
            lo[p] += l;
            hi[p] += (v - l) >> 16;
            g[p] = 0;
        }
    }

    /** {@code runLo += L, runHi += H}, then {@code accLo += runLo, accHi += runHi}; clears {@code g}. */
    private static void unpackAccumulate(int[] g, int[] runLo, int[] runHi, int[] accLo, int[] accHi, int n) {
        for (int p = 0; p < n; p++) {
            int v = g[p];
            g[p] = 0;
            int l = (v << 16) >> 16;
            int lo = runLo[p] + l;
            int hi = runHi[p] + ((v - l) >> 16);
            runLo[p] = lo;
            runHi[p] = hi;
            accLo[p] += lo;
            accHi[p] += hi;
        }
    }

    /** {@code runLo += L, runHi += H}, then {@code accLo += s * runLo, accHi += s * runHi}; clears {@code g}. */
    private static void unpackAccumulateScaled(int[] g, int[] runLo, int[] runHi, int[] accLo, int[] accHi, int s,
            int n) {
        for (int p = 0; p < n; p++) {
            int v = g[p];
            g[p] = 0;
            int l = (v << 16) >> 16;
            int lo = runLo[p] + l;
            int hi = runHi[p] + ((v - l) >> 16);
            runLo[p] = lo;
            runHi[p] = hi;
            accLo[p] += s * lo;
            accHi[p] += s * hi;
        }
    }

    /** A growable int array. */
    private static final class IntList {
        private int[] a = new int[64];
        private int size;

        void add(int v) {
            if (size == a.length) {
                a = Arrays.copyOf(a, 2 * size);
            }
            a[size++] = v;
        }

        /** {@code src[from .. to)}, then the zero row once if the count is odd. */
        void addPadded(int[] src, int from, int to, int zeroRow) {
            for (int k = from; k < to; k++) {
                add(src[k]);
            }
            if (((to - from) & 1) != 0) {
                add(zeroRow);
            }
        }

        int get(int i) {
            return a[i];
        }

        void set(int i, int v) {
            a[i] = v;
        }

        int size() {
            return size;
        }

        int[] toArray() {
            return Arrays.copyOf(a, size);
        }
    }
}
