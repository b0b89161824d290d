package io.clusterimage;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fast set ({@code -DexcludedGroups=tools,corpus}) really leaves out what needs the machine: every test
 * class that starts docker-registry, runs a program (skopeo, umoci, buildah, openssl, gzip, ...) or reads
 * the shared corpus carries {@code @Tag("tools")} or {@code @Tag("corpus")}. Read from the sources, so a new
 * test that forgets its tag fails here, naming the file.
 */
class TestTagsTest {

    private static final Path TESTS = Path.of("src/test/java/io/clusterimage");
    private static final Pattern USES_TOOLS = Pattern.compile("\\bLocalRegistry\\b|\\bTools\\.require\\(|\\bnew ProcessBuilder\\(");
    private static final Pattern USES_CORPUS = Pattern.compile("\"cluster-image\\.corpus\"|\\bCorpusAcceptanceTest\\.corpus\\(");

    @Test
    void everyTestThatNeedsToolsOrTheCorpusIsTagged() throws IOException {
        List<String> untagged = new ArrayList<>();
        int tagged = 0;
        try (Stream<Path> files = Files.walk(TESTS)) {
            for (Path file : files.filter(p -> p.getFileName().toString().endsWith("Test.java")).sorted().toList()) {
                String source = Files.readString(file);
                if (USES_TOOLS.matcher(source).find()) {
                    tagged++;
                    if (!source.contains("@Tag(\"tools\")")) {
                        untagged.add(TESTS.relativize(file) + " needs @Tag(\"tools\")");
                    }
                }
                if (USES_CORPUS.matcher(source).find()) {
                    tagged++;
                    if (!source.contains("@Tag(\"corpus\")")) {
                        untagged.add(TESTS.relativize(file) + " needs @Tag(\"corpus\")");
                    }
                }
            }
        }
        assertEquals(List.of(), untagged);
        assertTrue(tagged >= 30, "the patterns found only " + tagged + " test classes that need tools or the corpus");
    }
}
