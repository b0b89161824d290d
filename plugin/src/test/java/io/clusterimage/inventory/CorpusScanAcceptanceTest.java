package io.clusterimage.inventory;

import io.clusterimage.core.ContentMemo;
import io.clusterimage.core.Finding;
import io.clusterimage.layout.Layout;
import io.clusterimage.layout.LayoutOptions;
import io.clusterimage.layout.LayoutReader;
import io.clusterimage.reference.ImageReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Acceptance over the shared corpus (when present next to the checkout): every expected image of
 * every layout is in the inventory, in canonical form, and every chart renders; a scan through the manifest memo
 * gives the same inventory.
 */
@Tag("corpus")
class CorpusScanAcceptanceTest {

    static Path corpus() {
        return Path.of(System.getProperty("cluster-image.corpus", "../../shared/corpus")).toAbsolutePath().normalize();
    }

    @TestFactory
    Stream<DynamicTest> everyExpectedImageIsFound() throws IOException {
        Path layouts = corpus().resolve("layouts");
        Assumptions.assumeTrue(Files.isDirectory(layouts), "shared corpus not present at " + layouts);
        List<Path> cases;
        try (Stream<Path> list = Files.list(layouts)) {
            cases = list.filter(Files::isDirectory).sorted().toList();
        }
        Path work = Path.of("target", "corpus-scan").toAbsolutePath();
        return cases.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> {
            long start = System.nanoTime();
            Layout layout = LayoutReader.read(LayoutOptions.of(dir));
            ImageInventory inventory = ImageScanner.scan(layout, ScanOptions.defaults(work.resolve(dir.getFileName().toString())));
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.println("scan " + dir.getFileName() + ": " + inventory.images().size() + " images, "
                    + layout.charts().size() + " charts, " + millis + " ms");
            List<String> renderErrors = inventory.findings().stream().filter(f -> f.code().equals("scan.chart-render"))
                    .map(Finding::describe).toList();
            assertEquals(List.of(), renderErrors, "every chart renders");

            Set<String> found = new TreeSet<>(inventory.canonicalReferences());
            Set<String> missing = new TreeSet<>();
            Path expectedFile = corpus().resolve("expected").resolve(dir.getFileName() + ".txt");
            for (String line : Files.readAllLines(expectedFile)) {
                if (line.isBlank()) {
                    continue;
                }
                String written = line.strip();
                if (!References.isValid(written)) {
                    // the expected list holds shim lines as written, even broken ones: those must be reported
                    assertTrue(inventory.findings().stream().anyMatch(f -> f.message().contains("'" + written + "'")),
                            "invalid expected entry '" + written + "' is reported");
                    continue;
                }
                String canonical = ImageReference.parse(written).canonical();
                if (!found.contains(canonical)) {
                    missing.add(canonical);
                }
            }
            assertEquals(Set.of(), missing, "expected images missing from the inventory");
            for (InventoryImage image : inventory.images()) {
                assertTrue(image.occurrences().size() > 0);
                ImageReference.parse(image.canonical()); // every entry is a valid reference
            }

            // with the manifest memo: the scan that fills it and the one that takes every file from it give the same
            // inventory, place for place and finding for finding
            ScanOptions memo = ScanOptions.defaults(work.resolve(dir.getFileName().toString()))
                    .withContents(ContentMemo.load(work.resolve(dir.getFileName() + "-contents")));
            for (String pass : List.of("filling the memo", "from the memo")) {
                ImageInventory again = ImageScanner.scan(layout, memo);
                assertEquals(inventory.images(), again.images(), pass);
                assertEquals(inventory.findings(), again.findings(), pass);
            }
        }));
    }
}
