package io.qat4j.training.data;

import java.util.Locale;
import java.util.Map;

/**
 * Whether real datasets must be present, or may be missing.
 *
 * <p>Real datasets are never committed to the repository (DESIGN.md section 6). In development a
 * test that needs one is skipped, visibly, when the data is absent; in CI, which sets
 * {@value #REQUIRE_DATA_ENV}{@code =1}, the same test fails instead, so that a misconfigured
 * machine cannot pass by skipping everything.
 */
public final class DataRequirement {

    /** Environment variable that makes missing datasets an error: {@code 1} or {@code true}. */
    public static final String REQUIRE_DATA_ENV = "QAT4J_REQUIRE_DATA";

    private DataRequirement() {
    }

    /**
     * @return true when the process environment sets {@value #REQUIRE_DATA_ENV} to {@code 1} or
     *     {@code true} (case-insensitive, surrounding blanks ignored)
     */
    public static boolean dataMustBePresent() {
        return dataMustBePresent(System.getenv());
    }

    /**
     * Same as {@link #dataMustBePresent()}, reading the given environment instead of the
     * process's.
     *
     * @param env environment variables by name
     * @return true when {@value #REQUIRE_DATA_ENV} is {@code 1} or {@code true}
     */
    public static boolean dataMustBePresent(Map<String, String> env) {
        String value = env.get(REQUIRE_DATA_ENV);
        if (value == null) {
            return false;
        }
        String v = value.strip().toLowerCase(Locale.ROOT);
        return v.equals("1") || v.equals("true");
    }
}
