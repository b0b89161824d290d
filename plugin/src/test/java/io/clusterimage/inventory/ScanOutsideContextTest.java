package io.clusterimage.inventory;

import io.clusterimage.layout.Layout;
import io.clusterimage.layout.LayoutOptions;
import io.clusterimage.layout.LayoutReader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.clusterimage.inventory.ScanFixtures.context;
import static io.clusterimage.inventory.ScanFixtures.describe;
import static io.clusterimage.inventory.ScanFixtures.findings;
import static io.clusterimage.inventory.ScanFixtures.scan;
import static io.clusterimage.inventory.ScanFixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files the scan reads (manifests, shim lists, tar.txt and its archives, charts, values) through a
 * symbolic link that leaves the build context are not read: an error names the link, and nothing of
 * the machine's file reaches the inventory, its findings or the log. validate-layout reports the same
 * links before any build.
 */
class ScanOutsideContextTest {

    @TempDir
    Path temp;

    private Path context;
    private Path host;

    @BeforeEach
    void layout() throws Exception {
        host = Files.createDirectories(temp.resolve("host"));
        write(host, "secret.yaml", "image: host-secret/should-not-appear:1\n");
        write(host, "list", "host-secret/shim-should-not-appear:1\n");
        write(host, "chart/Chart.yaml", "apiVersion: v2\nname: hostchart\nversion: 0.1.0\n");
        write(host, "chart/templates/a.yaml", "image: host-secret/chart-should-not-appear:1\n");
        context = context(Files.createDirectories(temp.resolve("context")));
        write(context, "manifests/app.yaml", "image: nginx:1.25\n");
    }

    @Test
    void linksOutAreNotReadAndEachIsNamed() throws Exception {
        Files.createSymbolicLink(context.resolve("manifests/leak.yaml"), host.resolve("secret.yaml"));
        Files.createDirectories(context.resolve("images/shim"));
        Files.createSymbolicLink(context.resolve("images/shim/leak"), host.resolve("list"));
        Files.createDirectories(context.resolve("charts"));
        Files.createSymbolicLink(context.resolve("charts/hostchart"), host.resolve("chart"));
        Files.createDirectories(context.resolve("images/skopeo"));
        write(context, "images/skopeo/tar.txt", "docker-archive:app.tar@app:1\n");
        Files.createSymbolicLink(context.resolve("images/skopeo/app.tar"), host.resolve("list"));

        ImageInventory inventory = scan(context, temp.resolve("work"));

        assertEquals(List.of("docker.io/library/nginx:1.25"), inventory.canonicalReferences(), describe(inventory.findings()).toString());
        assertTrue(inventory.tarImages().isEmpty());
        List<String> outside = describe(findings(inventory, "scan.outside-context"));
        assertTrue(outside.stream().anyMatch(f -> f.contains("'manifests/leak.yaml' is a symbolic link to '" + host.resolve("secret.yaml"))),
                outside.toString());
        assertTrue(outside.stream().anyMatch(f -> f.contains("'images/shim/leak' is a symbolic link")), outside.toString());
        assertTrue(describe(findings(inventory, "scan.tar")).toString().contains("tar.txt:1: archive 'images/skopeo/app.tar' is a symbolic link"),
                describe(inventory.findings()).toString());
        assertFalse(describe(inventory.findings()).toString().contains("should-not-appear"));

        Layout layout = LayoutReader.read(LayoutOptions.of(context));
        List<String> reported = layout.findings().stream()
                .filter(f -> f.code().equals("layout.link-outside-context") || f.code().equals("tar.outside-context"))
                .map(f -> f.location()).sorted().toList();
        assertEquals(List.of("charts/hostchart", "images/shim/leak", "images/skopeo/app.tar", "images/skopeo/tar.txt:1",
                "manifests/leak.yaml"), reported);
    }

    @Test
    void aWholeDirectoryLinkedOutIsNotWalked() throws Exception {
        Files.createSymbolicLink(context.resolve("images"), host);
        write(host, "shim/list", "host-secret/dir-should-not-appear:1\n");

        ImageInventory inventory = scan(context, temp.resolve("work"));

        assertFalse(inventory.canonicalReferences().toString().contains("should-not-appear"));
        Layout layout = LayoutReader.read(LayoutOptions.of(context));
        assertTrue(layout.findings().stream().anyMatch(f -> f.code().equals("layout.link-outside-context")
                && f.message().startsWith("'images' is a symbolic link to '" + host + "'")), layout.findings().toString());
    }

    @Test
    void linksThatStayInsideAreRead() throws Exception {
        write(context, "shared/extra.yaml", "image: redis:7\n");
        Files.createSymbolicLink(context.resolve("manifests/extra.yaml"), Path.of("../shared/extra.yaml"));
        ScanFixtures.chart(context, "vendor/app", "app", Map.of("templates/a.yaml", "image: busybox:1.36\n"));
        Files.createDirectories(context.resolve("charts"));
        Files.createSymbolicLink(context.resolve("charts/app"), Path.of("../vendor/app"));

        ImageInventory inventory = scan(context, temp.resolve("work"));

        assertTrue(inventory.canonicalReferences().containsAll(List.of("docker.io/library/redis:7", "docker.io/library/busybox:1.36")),
                inventory.canonicalReferences().toString());
        assertTrue(findings(inventory, "scan.outside-context").isEmpty());
    }
}
