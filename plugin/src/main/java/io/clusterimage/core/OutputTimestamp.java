package io.clusterimage.core;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * {@code project.build.outputTimestamp} as an instant — ISO-8601 or seconds since the epoch; the epoch when
 * unset or one character (maven-archiver's "not reproducible" marker). Every time the plugin writes (image
 * creation, SBOM) comes from it, so the same build gives the same bytes.
 */
public final class OutputTimestamp {

    private OutputTimestamp() {
    }

    /** @throws IllegalArgumentException saying which forms are expected */
    public static Instant parse(String value) {
        String text = value == null ? "" : value.strip();
        if (text.length() <= 1) {
            return Instant.EPOCH;
        }
        Instant utc = utcSeconds(text);
        if (utc != null) {
            return utc;
        }
        try {
            return text.chars().allMatch(Character::isDigit) ? Instant.ofEpochSecond(Long.parseLong(text))
                    : OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException("project.build.outputTimestamp '" + text + "' is neither an ISO-8601 time"
                    + " (2026-01-01T00:00:00Z) nor seconds since the epoch");
        }
    }

    /**
     * {@code 2026-01-01T00:00:00Z}, the form the release plugin and the archetypes write, read without java.time's
     * formatter: its first use costs each Maven JVM ~10 ms, and every goal reads the timestamp. Null for any other
     * form, and for an impossible date, which the full parser then reports.
     */
    private static Instant utcSeconds(String text) {
        if (text.length() != 20 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':' || text.charAt(19) != 'Z') {
            return null;
        }
        for (int i : new int[] {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18}) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return null;
            }
        }
        try {
            return LocalDateTime.of(number(text, 0, 4), number(text, 5, 7), number(text, 8, 10), number(text, 11, 13),
                    number(text, 14, 16), number(text, 17, 19)).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static int number(String text, int from, int to) {
        return Integer.parseInt(text, from, to, 10);
    }
}
