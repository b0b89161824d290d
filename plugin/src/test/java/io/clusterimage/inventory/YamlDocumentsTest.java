package io.clusterimage.inventory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A manifest read one document at a time, each with the file's line number of its first line. */
class YamlDocumentsTest {

    @TempDir
    Path temp;

    @Test
    void documentsStartAtMarkerLinesAndKeepThem() throws Exception {
        Path file = Files.writeString(temp.resolve("m.yaml"),
                "a: 1\n---\nb: 2\n--- # comment\nc: |\n  ---not a marker\n---\t\nd: 4\n----\n");
        List<String> seen = new ArrayList<>();
        YamlDocuments.forEach(file, (text, first) -> seen.add(first + ":" + text));
        assertEquals(List.of("1:a: 1\n", "2:---\nb: 2\n", "4:--- # comment\nc: |\n  ---not a marker\n", "7:---\t\nd: 4\n----\n"), seen);
    }

    @Test
    void markersAreRecognisedOnlyAlone() {
        assertTrue(YamlDocuments.isDocumentStart("---"));
        assertTrue(YamlDocuments.isDocumentStart("--- !tag"));
        assertFalse(YamlDocuments.isDocumentStart("----"));
        assertFalse(YamlDocuments.isDocumentStart(" ---"));
        assertFalse(YamlDocuments.isDocumentStart("---x"));
    }

    @Test
    void imagesOfLaterDocumentsKeepTheirFileLines() throws Exception {
        Path context = ScanFixtures.context(Files.createDirectories(temp.resolve("ctx")));
        ScanFixtures.write(context, "manifests/app.yaml", "kind: A\nspec:\n  image: nginx:1.25\n---\nkind: B\n"
                + "spec: [unclosed\n---\nkind: C\nspec:\n  containers:\n  - image: redis:7\n");
        ImageInventory inventory = ScanFixtures.scan(context, temp.resolve("work"));
        assertEquals(List.of(3), lines(inventory, "docker.io/library/nginx:1.25"));
        assertEquals(List.of(11), lines(inventory, "docker.io/library/redis:7"), "a broken document before it does not hide it");
    }

    private static List<Integer> lines(ImageInventory inventory, String canonical) {
        return ScanFixtures.image(inventory, canonical).occurrences().stream().map(Occurrence::line).distinct().toList();
    }
}
