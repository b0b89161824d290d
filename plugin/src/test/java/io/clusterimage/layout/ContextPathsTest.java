package io.clusterimage.layout;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Paths written in a Kubefile, cleaned and matched like Go's filepath.Clean / filepath.Match. */
class ContextPathsTest {

    @TempDir
    Path temp;

    @ParameterizedTest
    @CsvSource({
            "manifests, INSIDE, manifests",
            "./manifests/, INSIDE, manifests",
            "a/./b//c/.., INSIDE, a/b",
            "., INSIDE, .",
            "/opt/bin, ABSOLUTE, opt/bin",
            "/, ABSOLUTE, .",
            "a/../.., ESCAPES, a/../..",
            "../x, ESCAPES, ../x",
    })
    void resolve(String written, ContextPaths.Kind kind, String relative) {
        assertEquals(new ContextPaths.Resolved(kind, relative), new ContextPaths(temp).resolve(written));
    }

    @ParameterizedTest
    @CsvSource({
            "'*.yaml', a.yaml, true",
            "'*.yaml', a.yml, false",
            "'?.sh', a.sh, true",
            "'?.sh', ab.sh, false",
            "'[a-c]*', bin, true",
            "'[^a-c]*', bin, false",
            "'[!a-c]*', opt, false",  // Go negates with ^ only: [!a-c] is the class of '!' and a-c
            "'[!a-c]*', '!x', true",
            "'\\*', '*', true",
            "'\\*', a, false",
            "'a.b', a.b, true",
            "'a.b', axb, false",
    })
    void goPatterns(String pattern, String name, boolean matches) {
        assertEquals(matches, io.clusterimage.core.GoGlob.compile(pattern).matcher(name).matches());
    }

    @Test
    void unclosedClassIsASyntaxError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> io.clusterimage.core.GoGlob.compile("[abc"));
        assertEquals("syntax error in pattern '[abc': missing ]", e.getMessage());
    }

    @Test
    void globMatchesComponentByComponent() throws Exception {
        LayoutFixture layout = new LayoutFixture(temp);
        layout.file("charts/a/Chart.yaml", "x").file("charts/b/Chart.yaml", "x").file("charts/c/values.yaml", "x");
        ContextPaths paths = new ContextPaths(layout.context);

        List<String> matches = paths.glob("charts/*/Chart.yaml").stream().map(paths::relativize).toList();

        assertEquals(List.of("charts/a/Chart.yaml", "charts/b/Chart.yaml"), matches);
    }
}
