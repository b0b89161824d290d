package io.clusterimage.layout;

import io.clusterimage.core.Finding;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Acceptance over the shared corpus of real layouts (when it is present next to the checkout):
 * every Kubefile parses, and validate-layout reports errors only where the layout really is broken.
 */
@Tag("corpus")
class CorpusAcceptanceTest {

    /** Layouts that really are broken, with the one finding (code and file) that names the problem. */
    private static final Map<String, List<String>> KNOWN_BROKEN = Map.of(
            // init.sh (replaced by a placeholder in the corpus) would have downloaded chart/ and opt/
            "labring-actions+cluster-image__applications-piraeus-operator-v2.1.1",
            List.of("copy.missing-source Kubefile:3", "copy.missing-source Kubefile:4"),
            // a shim line with an empty tag: sealos fails when it saves the images
            "labring-actions+cluster-image__applications-rancher-v2.6.6",
            List.of("shim.invalid-reference images/shim/rancherImages:55"),
            // the committed registry/ is a Helm chart, and charts/ is missing
            "labring-actions+cluster-image__applications-registry-latest",
            List.of("copy.missing-source Kubefile:2", "registry.not-distribution registry"));

    static Path corpus() {
        String configured = System.getProperty("cluster-image.corpus", "../../shared/corpus");
        return Path.of(configured).toAbsolutePath().normalize();
    }

    @TestFactory
    Stream<DynamicTest> everyLayoutValidates() throws IOException {
        Path layouts = corpus().resolve("layouts");
        Assumptions.assumeTrue(Files.isDirectory(layouts), "shared corpus not present at " + layouts);
        List<Path> cases;
        try (Stream<Path> list = Files.list(layouts)) {
            cases = list.filter(Files::isDirectory).sorted().toList();
        }
        assertTrue(cases.size() >= 40, "expected the 40 corpus layouts, found " + cases.size());
        return cases.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> {
            long start = System.nanoTime();
            Layout layout = LayoutReader.read(LayoutOptions.of(dir));
            long millis = (System.nanoTime() - start) / 1_000_000;
            layout.findings().forEach(f -> System.out.println(dir.getFileName() + " " + f.severity() + " " + f.code() + " " + f.describe()));
            assertTrue(layout.kubefile().isPresent(), "no Kubefile found");
            assertTrue(layout.kubefile().get().findings().stream().noneMatch(f -> f.severity() == io.clusterimage.core.Severity.ERROR),
                    "Kubefile does not parse: " + layout.kubefile().get().findings());
            List<String> errors = layout.errors().stream().map(f -> f.code() + " " + f.location()).toList();
            assertEquals(KNOWN_BROKEN.getOrDefault(dir.getFileName().toString(), List.of()), errors,
                    () -> layout.errors().stream().map(Finding::describe).toList().toString());
        }));
    }
}
