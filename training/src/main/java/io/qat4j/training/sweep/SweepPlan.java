package io.qat4j.training.sweep;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The runs of a sweep: every seed of {@code --seeds} with every fold of {@code --folds} (seed-major
 * order). Without {@code --seeds} the config's seed is the only one; without {@code --folds} the
 * runs have no fold. Lists are written as the command line takes them: {@code 1,2,3},
 * {@code 0-9}, or both mixed, {@code 0-2,7}.
 *
 * @param seeds the seeds, empty for the config's
 * @param folds the folds, empty for none
 */
public record SweepPlan(List<Long> seeds, List<Integer> folds) {

    /** Most runs of one sweep. */
    public static final int MAX_RUNS = 10_000;

    /** Copies the lists and checks the size. */
    public SweepPlan {
        seeds = List.copyOf(seeds);
        folds = List.copyOf(folds);
        long runs = (long) Math.max(1, seeds.size()) * Math.max(1, folds.size());
        if (runs > MAX_RUNS) {
            throw new IllegalArgumentException("a sweep of " + runs + " runs; at most " + MAX_RUNS);
        }
    }

    /**
     * One run of the sweep.
     *
     * @param seed its {@code seed}
     * @param fold its fold, if the sweep has folds
     */
    public record Member(long seed, OptionalInt fold) {

        /**
         * @param sweepName the config's {@code name}
         * @return the run's name and folder: {@code <name>-s<seed>} or {@code <name>-s<seed>-f<fold>}
         */
        public String runName(String sweepName) {
            return sweepName + "-s" + seed + (fold.isPresent() ? "-f" + fold.getAsInt() : "");
        }
    }

    /**
     * @param configSeed the config's seed, used when the plan has no seeds
     * @return the runs, seed-major
     */
    public List<Member> members(long configSeed) {
        List<Long> s = seeds.isEmpty() ? List.of(configSeed) : seeds;
        List<Member> out = new ArrayList<>();
        for (long seed : s) {
            if (folds.isEmpty()) {
                out.add(new Member(seed, OptionalInt.empty()));
            }
            for (int fold : folds) {
                out.add(new Member(seed, OptionalInt.of(fold)));
            }
        }
        return out;
    }

    /**
     * @param spec e.g. {@code 1,2,3} or {@code 1-5}
     * @param option the option it was given to, for messages
     * @return the seeds, in the order written
     * @throws IllegalArgumentException naming the option and the item that is not a seed, or a repeated one
     */
    public static List<Long> parseSeeds(String spec, String option) {
        return parse(spec, option, 0, Long.MAX_VALUE);
    }

    /**
     * @param spec e.g. {@code 0-9}
     * @param option the option it was given to, for messages
     * @return the folds, in the order written
     * @throws IllegalArgumentException naming the option and the item that is not a fold index, or a repeated one
     */
    public static List<Integer> parseFolds(String spec, String option) {
        return parse(spec, option, 0, Integer.MAX_VALUE).stream().map(Long::intValue).toList();
    }

    private static List<Long> parse(String spec, String option, long min, long max) {
        Set<Long> values = new LinkedHashSet<>();
        for (String item : spec.split(",", -1)) {
            String t = item.strip();
            if (!t.matches("\\d{1,18}(-\\d{1,18})?")) {
                throw new IllegalArgumentException(option + ": '" + t + "' in '" + spec + "' is not a number from "
                        + min + " or a range a-b; write e.g. 1,2,3 or 0-9");
            }
            int dash = t.indexOf('-');
            long from = Long.parseLong(dash < 0 ? t : t.substring(0, dash));
            long to = dash < 0 ? from : Long.parseLong(t.substring(dash + 1));
            if (to < from || from < min || to > max) {
                throw new IllegalArgumentException(option + ": '" + t + "' in '" + spec + "' is not a range from "
                        + min + " to " + max + " with a <= b");
            }
            if (to - from >= MAX_RUNS) {
                throw new IllegalArgumentException(option + ": '" + t + "' holds more than " + MAX_RUNS + " values");
            }
            for (long v = from; v <= to; v++) {
                if (!values.add(v)) {
                    throw new IllegalArgumentException(option + ": " + v + " is listed twice in '" + spec + "'");
                }
            }
        }
        return List.copyOf(values);
    }
}
