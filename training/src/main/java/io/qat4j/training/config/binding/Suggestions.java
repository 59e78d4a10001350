package io.qat4j.training.config.binding;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * "Did you mean" suggestions for misspelt keys and values, by optimal string alignment distance
 * (Levenshtein distance plus transpositions of adjacent characters, Damerau 1964), after ignoring
 * case, {@code _} and {@code -} (so {@code batch_size} suggests {@code batchSize}).
 */
public final class Suggestions {

    private Suggestions() {
    }

    /**
     * @param input what was written
     * @param candidates what is allowed
     * @return the closest candidate when it is close enough to be a likely typo
     */
    public static Optional<String> closest(String input, Collection<String> candidates) {
        String in = normalize(input);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            String c = normalize(candidate);
            int d = distance(in, c);
            if (in.length() >= 3 && (c.startsWith(in) || in.startsWith(c))) {
                d = Math.min(d, 1);
            }
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        int threshold = Math.max(2, in.length() / 3);
        return best != null && bestDistance <= threshold && bestDistance < in.length()
                ? Optional.of(best) : Optional.empty();
    }

    /**
     * @param input what was written
     * @param candidates what is allowed
     * @return {@code " (did you mean `x`?)"}, or the empty string when nothing is close
     */
    public static String didYouMean(String input, Collection<String> candidates) {
        return closest(input, candidates).map(c -> " (did you mean `" + c + "`?)").orElse("");
    }

    /**
     * Optimal string alignment distance: insertions, deletions, substitutions and transpositions
     * of adjacent characters each cost 1.
     *
     * @param a first string
     * @param b second string
     * @return the distance
     */
    public static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1),
                        d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2)
                        && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        return d[a.length()][b.length()];
    }

    private static String normalize(String s) {
        return s.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    }
}
