package io.clusterimage.core;

import java.time.Instant;
import java.time.OffsetDateTime;
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
        try {
            return text.chars().allMatch(Character::isDigit) ? Instant.ofEpochSecond(Long.parseLong(text))
                    : OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException("project.build.outputTimestamp '" + text + "' is neither an ISO-8601 time"
                    + " (2026-01-01T00:00:00Z) nor seconds since the epoch");
        }
    }
}
