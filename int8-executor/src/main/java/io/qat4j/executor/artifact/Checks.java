package io.qat4j.executor.artifact;

/** Argument checks shared by the records; all throw {@link InvariantViolation}. */
final class Checks {

    private Checks() {
    }

    static <T> T nonNull(T value, String field) {
        if (value == null) {
            throw new InvariantViolation(field, "is null");
        }
        return value;
    }

    /**
     * Checks that a string can be stored: not null, no unpaired surrogate (UTF-8 cannot encode
     * one, so it would not survive a round trip), at most {@link ArtifactFormat#MAX_STRING_BYTES}
     * bytes of UTF-8.
     */
    static String string(String s, String field, boolean nonEmpty) {
        nonNull(s, field);
        if (nonEmpty && s.isEmpty()) {
            throw new InvariantViolation(field, "is empty");
        }
        long bytes = utf8Length(s);
        if (bytes < 0) {
            throw new InvariantViolation(field, "has an unpaired surrogate at char " + (-bytes - 1) + ", which UTF-8 cannot encode");
        }
        if (bytes > ArtifactFormat.MAX_STRING_BYTES) {
            throw new InvariantViolation(field, "is " + bytes + " bytes of UTF-8, above the limit of " + ArtifactFormat.MAX_STRING_BYTES);
        }
        return s;
    }

    /** @return the UTF-8 length of {@code s}, or {@code -(i + 1)} if char {@code i} is an unpaired surrogate */
    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    n += 4;
                    i++;
                } else {
                    return -(i + 1);
                }
            } else if (Character.isLowSurrogate(c)) {
                return -(i + 1);
            } else {
                n += 3;
            }
        }
        return n;
    }

    static void arrayLength(int length, String field) {
        if (length > ArtifactFormat.MAX_ARRAY_LENGTH) {
            throw new InvariantViolation(field, "has " + length + " elements, above the limit of " + ArtifactFormat.MAX_ARRAY_LENGTH);
        }
    }

    static void count(int count, String field) {
        if (count > ArtifactFormat.MAX_COUNT) {
            throw new InvariantViolation(field, "has " + count + " entries, above the limit of " + ArtifactFormat.MAX_COUNT);
        }
    }
}
