package io.clusterimage.core;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Go's path.Clean, by the cases of Go's own path tests, and the two readings the plugin builds on it. */
class GoPathTest {

    @ParameterizedTest(name = "clean({0}) = {1}")
    @CsvSource(delimiter = '|', value = {
            "''|.", "abc|abc", "abc/def|abc/def", "a/b/c|a/b/c", ".|.", "..|..", "../..|../..", "../../abc|../../abc",
            "/abc|/abc", "/|/",
            "abc/|abc", "abc/def/|abc/def", "a/b/c/|a/b/c", "./|.", "../|..", "../../|../..", "/abc/|/abc",
            "abc//def//ghi|abc/def/ghi", "//abc|/abc", "///abc|/abc", "//abc//|/abc", "abc//|abc",
            "abc/./def|abc/def", "/./abc/def|/abc/def", "abc/.|abc",
            "abc/def/ghi/../jkl|abc/def/jkl", "abc/def/../ghi/../jkl|abc/jkl", "abc/def/..|abc", "abc/def/../..|.",
            "/abc/def/../..|/", "abc/def/../../..|..", "/abc/def/../../..|/",
            "abc/def/../../../ghi/jkl/../../../mno|../../mno",
            "abc/./../def|def", "abc//./../def|def", "abc/../../././../def|../../def"})
    void cleansAsGoDoes(String path, String cleaned) {
        assertEquals(cleaned, GoPath.clean(path));
    }

    @ParameterizedTest(name = "cleanWithin({0}) = {1}")
    @CsvSource(delimiter = '|', value = {"manifests/../charts|charts", "/opt/bin/|opt/bin", "./|.", "a/./b//c|a/b/c", "..|", "a/../../b|",
            "/../etc|"})
    void staysWithinItsRoot(String path, String cleaned) {
        assertEquals(cleaned == null ? Optional.empty() : Optional.of(cleaned), GoPath.cleanWithin(path));
    }

    @ParameterizedTest(name = "cleanInRoot({0}) = {1}")
    @CsvSource(delimiter = '|', value = {"../../etc/passwd|etc/passwd", "/|.", "a/../..|.", "usr//lib/|usr/lib"})
    void atTheRootDotDotStaysThere(String path, String cleaned) {
        assertEquals(cleaned, GoPath.cleanInRoot(path));
    }
}
