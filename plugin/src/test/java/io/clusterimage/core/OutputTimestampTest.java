package io.clusterimage.core;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutputTimestampTest {

    @Test
    void theUtcFormReadsAsJavaTimeReadsIt() {
        for (String text : List.of("2026-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "2024-02-29T23:59:59Z", "1999-12-31T12:34:56Z",
                "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z")) {
            assertEquals(OffsetDateTime.parse(text).toInstant(), OutputTimestamp.parse(text), text);
        }
    }

    @Test
    void otherFormsGoThroughTheFullParser() {
        assertEquals(Instant.parse("2026-01-01T00:00:00Z"), OutputTimestamp.parse("2026-01-01T02:00:00+02:00"));
        assertEquals(Instant.parse("2026-01-01T00:00:00.500Z"), OutputTimestamp.parse("2026-01-01T00:00:00.5Z"));
        assertEquals(Instant.ofEpochSecond(1767225600), OutputTimestamp.parse("1767225600"));
        assertEquals(Instant.EPOCH, OutputTimestamp.parse(null));
        assertEquals(Instant.EPOCH, OutputTimestamp.parse("a"));
    }

    @Test
    void impossibleTimesAreRejectedWithTheFormsExpected() {
        for (String text : List.of("2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T00:60:00Z",
                "2026-01-01T00:00:60Z", "2026-0a-01T00:00:00Z", "2026-01-01 00:00:00Z", "yesterday")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OutputTimestamp.parse(text), text);
            assertTrue(e.getMessage().contains("neither an ISO-8601 time"), e.getMessage());
        }
    }
}
