package io.clusterimage.inventory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;

import static io.clusterimage.inventory.ScanFixtures.chart;
import static io.clusterimage.inventory.ScanFixtures.context;
import static io.clusterimage.inventory.ScanFixtures.files;
import static io.clusterimage.inventory.ScanFixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A chart is rendered again only when its render's inputs changed: a manifest edit takes the last render's
 * images as they were (the chart's working copy is not even made), a values file, --set or a template change
 * renders it again, and a failed render is never kept.
 */
class ChartMemoTest {

    @TempDir
    Path ctx;

    @TempDir
    Path work;

    private Path workingCopy() {
        return work.resolve("charts/app");
    }

    @Test
    void aManifestEditDoesNotRenderTheChartAgainAndAChartEditDoes() throws Exception {
        context(ctx);
        chart(ctx.resolve("charts"), "app", "app", files("templates/pod.yaml",
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n    - name: a\n      image: {{ .Values.image }}\n",
                "values.yaml", "image: example.com/app:1.0\n"));
        write(ctx, "manifests/cm.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: m\nspec:\n  containers:\n    - name: m\n      image: example.com/m:1\n");
        ImageInventory first = ScanFixtures.scan(ctx, work);
        assertEquals(List.of("example.com/app:1.0", "example.com/m:1"), first.canonicalReferences());
        assertTrue(Files.isDirectory(workingCopy()), "the first scan renders");

        io.clusterimage.core.PathTrees.deleteTree(workingCopy());
        write(ctx, "manifests/cm.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: m\nspec:\n  containers:\n    - name: m\n      image: example.com/m:2\n");
        ImageInventory second = ScanFixtures.scan(ctx, work);
        assertEquals(List.of("example.com/app:1.0", "example.com/m:2"), second.canonicalReferences());
        assertFalse(Files.exists(workingCopy()), "the unchanged chart was not rendered again");
        assertEquals(ScanFixtures.image(first, "example.com/app:1.0").occurrences(),
                ScanFixtures.image(second, "example.com/app:1.0").occurrences(), "the same places, as found by the render");

        Path values = ctx.resolve("charts/app.values.yaml");
        write(ctx, "charts/app.values.yaml", "image: example.com/app:2.0\n");
        assertEquals(List.of("example.com/app:2.0", "example.com/m:2"), ScanFixtures.scan(ctx, work).canonicalReferences(),
                "a values file renders again");
        Files.setLastModifiedTime(values, FileTime.fromMillis(1_000));
        write(ctx, "charts/app.values.yaml", "image: example.com/app:3.0\n");
        Files.setLastModifiedTime(values, FileTime.fromMillis(1_000));
        assertEquals(List.of("example.com/app:3.0", "example.com/m:2"), ScanFixtures.scan(ctx, work).canonicalReferences(),
                "values files count by content, not by time");

        ImageInventory withSet = ScanFixtures.scan(ctx, new ScanOptions(List.of(), Map.of("app", new ChartOptions(List.of(),
                Map.of("image", "example.com/app:set"))), "", null, false, work));
        assertEquals(List.of("example.com/app:set", "example.com/m:2"), withSet.canonicalReferences(), "--set renders again");
    }

    @Test
    void aFailedRenderIsNotKept() throws Exception {
        context(ctx);
        chart(ctx.resolve("charts"), "app", "app", files("templates/pod.yaml", "image: {{ .Values.missing.deeper }}\n"));
        assertEquals(1, ScanFixtures.findings(ScanFixtures.scan(ctx, work), "scan.chart-render").size());
        assertFalse(Files.exists(work.resolve("chart-memo")) && Files.list(work.resolve("chart-memo")).findAny().isPresent(),
                "no memo of a failed render");
        assertEquals(1, ScanFixtures.findings(ScanFixtures.scan(ctx, work), "scan.chart-render").size(), "rendered (and failing) again");
    }
}
