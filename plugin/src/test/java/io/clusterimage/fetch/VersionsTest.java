package io.clusterimage.fetch;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Helm's version constraints (Masterminds semver v3): which versions a constraint takes, and the highest. */
class VersionsTest {

    @ParameterizedTest(name = "''{0}'' takes {1}: {2}")
    @CsvSource(delimiter = ';', value = {
            "1.2.3            ; 1.2.3       ; true",
            "1.2.3            ; 1.2.4       ; false",
            ">=0.1.0 <1.0.0   ; 0.9.9       ; true",
            ">=0.1.0 <1.0.0   ; 1.0.0       ; false",
            ">=0.1.0, <1.0.0  ; 0.2.0       ; true",
            "^1.2             ; 1.9.0       ; true",
            "^1.2             ; 2.0.0       ; false",
            "^0.2.3           ; 0.2.9       ; true",
            "^0.2.3           ; 0.3.0       ; false",
            "~1.2.3           ; 1.2.9       ; true",
            "~1.2.3           ; 1.3.0       ; false",
            "1.x              ; 1.7.2       ; true",
            "1.x              ; 2.0.0       ; false",
            "1.2 - 1.4.5      ; 1.4.5       ; true",
            "1.2 - 1.4.5      ; 1.4.6       ; false",
            "<1.0.0 || >=3.0  ; 3.1.0       ; true",
            "<1.0.0 || >=3.0  ; 2.0.0       ; false",
            ">=1.0.0          ; 2.0.0-rc.1  ; false",
            ">=2.0.0-rc.0     ; 2.0.0-rc.1  ; true",
            "v1.2.3           ; 1.2.3       ; true",
            "!=1.2.3          ; 1.2.4       ; true",
    })
    void constraints(String constraint, String version, boolean expected) {
        assertEquals(expected, Versions.satisfies(constraint.strip(), version.strip()));
    }

    @Test
    void theHighestReleaseInRangeAndTheNearestForAMessage() {
        List<String> versions = List.of("0.1.0", "0.10.0", "0.9.0", "1.0.0-rc.1", "1.0.0", "2.1.0");
        assertEquals(Optional.of("0.10.0"), Versions.highest(">=0.1.0 <1.0.0", versions), "numeric order, not text");
        assertEquals(Optional.of("1.0.0-rc.1"), Versions.highest("1.0.0-rc.1", versions), "a pre-release when named exactly");
        assertEquals(Optional.empty(), Versions.highest("^3", versions));
        assertEquals(List.of("2.1.0", "1.0.0"), Versions.nearest("^3", versions, 2));
    }
}
