package io.clusterimage.inventory;

import io.clusterimage.core.Finding;
import io.clusterimage.core.Severity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.clusterimage.inventory.ScanFixtures.context;
import static io.clusterimage.inventory.ScanFixtures.describe;
import static io.clusterimage.inventory.ScanFixtures.findings;
import static io.clusterimage.inventory.ScanFixtures.image;
import static io.clusterimage.inventory.ScanFixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scan of a whole build context (no charts here: see {@link ChartScanTest}), through LayoutReader and ImageScanner. */
class ImageScannerTest {

    private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

    @TempDir
    Path ctx;

    @TempDir
    Path work;

    private ImageInventory scan() throws IOException {
        return ScanFixtures.scan(context(ctx), work);
    }

    private ImageInventory scan(List<String> extraImages, boolean failOnUnresolved) throws IOException {
        return ScanFixtures.scan(context(ctx), new ScanOptions(extraImages, Map.of(), "", null, failOnUnresolved, work));
    }

    private static Occurrence occurrence(String file, int line, SourceKind kind, String written) {
        return new Occurrence(Path.of(file), line, kind, written);
    }

    // ---- de-duplication and reference forms ----

    @Test
    void writtenFormsOfOneImageBecomeOneEntryWithEveryOccurrence() throws IOException {
        write(ctx, "manifests/app.yaml", "- image: nginx\n"
                + "- image: nginx:latest\n"
                + "- image: docker.io/library/nginx:latest\n");
        ImageInventory inventory = scan();
        assertEquals(List.of("docker.io/library/nginx:latest"), inventory.canonicalReferences());
        assertEquals(List.of(
                occurrence("manifests/app.yaml", 1, SourceKind.MANIFEST, "nginx"),
                occurrence("manifests/app.yaml", 2, SourceKind.MANIFEST, "nginx:latest"),
                occurrence("manifests/app.yaml", 3, SourceKind.MANIFEST, "docker.io/library/nginx:latest")),
                inventory.images().get(0).occurrences());
        assertEquals(List.of(), inventory.findings());
    }

    @Test
    void theSameImageInSeveralFilesAndSourcesIsOneEntry() throws IOException {
        write(ctx, "manifests/a.yaml", "image: quay.io/acme/app:1.0\n");
        write(ctx, "manifests/sub/b.yml", "containers:\n- image: \"quay.io/acme/app:1.0\"\n");
        write(ctx, "images/shim/list", "quay.io/acme/app:1.0\n");
        ImageInventory inventory = scan(List.of("quay.io/acme/app:1.0"), false);
        assertEquals(List.of("quay.io/acme/app:1.0"), inventory.canonicalReferences());
        assertEquals(List.of(
                occurrence("manifests/a.yaml", 1, SourceKind.MANIFEST, "quay.io/acme/app:1.0"),
                occurrence("manifests/sub/b.yml", 2, SourceKind.MANIFEST, "quay.io/acme/app:1.0"),
                occurrence("images/shim/list", 1, SourceKind.SHIM, "quay.io/acme/app:1.0"),
                occurrence("pom.xml", 0, SourceKind.PARAMETER, "quay.io/acme/app:1.0")),
                inventory.images().get(0).occurrences());
    }

    @Test
    void digestsAreKept() throws IOException {
        write(ctx, "manifests/app.yaml", "- image: quay.io/acme/app:1.0@" + DIGEST + "\n"
                + "- image: quay.io/acme/app:1.0\n"
                + "- image: quay.io/acme/tool@" + DIGEST + "\n");
        ImageInventory inventory = scan();
        assertEquals(List.of("quay.io/acme/app:1.0", "quay.io/acme/app:1.0@" + DIGEST, "quay.io/acme/tool@" + DIGEST),
                inventory.canonicalReferences());
        InventoryImage pinned = image(inventory, "quay.io/acme/app:1.0@" + DIGEST);
        assertEquals(java.util.Optional.of(DIGEST), pinned.reference().digest());
        assertEquals(java.util.Optional.of("1.0"), pinned.reference().tag());
    }

    @Test
    void imagesAreSortedByCanonicalReference() throws IOException {
        write(ctx, "manifests/app.yaml", "- image: redis:7\n- image: quay.io/b:1\n- image: busybox\n");
        assertEquals(List.of("docker.io/library/busybox:latest", "docker.io/library/redis:7", "quay.io/b:1"),
                scan().canonicalReferences());
    }

    // ---- values that are not references ----

    @Test
    void unresolvedValuesAreWarningsWithFileAndLineAndNotInTheInventory() throws IOException {
        write(ctx, "manifests/app.yaml", "spec:\n"
                + "  containers:\n"
                + "  - name: a\n"
                + "    image: {IMAGE}\n"
                + "  - name: b\n"
                + "    image: \"{{ .x }}\"\n"
                + "  - name: c\n"
                + "    image: nginx:1.25\n"
                + "  - name: d\n"
                + "    baseimage: redis:7 # not a key YAML knows as an image\n");
        ImageInventory inventory = scan();
        assertEquals(List.of("docker.io/library/nginx:1.25"), inventory.canonicalReferences());
        List<Finding> unresolved = findings(inventory, "scan.unresolved");
        assertEquals(List.of("manifests/app.yaml:4", "manifests/app.yaml:6", "manifests/app.yaml:10"),
                unresolved.stream().map(Finding::location).toList(), describe(inventory.findings()).toString());
        assertTrue(unresolved.stream().allMatch(f -> f.severity() == Severity.WARNING));
        assertTrue(unresolved.get(0).message().contains("'{IMAGE}'"), unresolved.get(0).message());
        assertTrue(unresolved.get(1).message().contains("'{{ .x }}'"), unresolved.get(1).message());
        assertTrue(unresolved.get(2).message().contains("'redis:7 # not a key YAML knows as an image'"),
                unresolved.get(2).message());
        assertTrue(inventory.errors().isEmpty(), describe(inventory.errors()).toString());
    }

    @Test
    void aTrailingCommentInYamlIsStrippedByYamlWithoutAWarning() throws IOException {
        write(ctx, "manifests/app.yaml", "spec:\n  containers:\n  - image: nginx # the web server\n");
        ImageInventory inventory = scan();
        assertEquals(List.of("docker.io/library/nginx:latest"), inventory.canonicalReferences());
        assertEquals(List.of(occurrence("manifests/app.yaml", 3, SourceKind.MANIFEST, "nginx")),
                inventory.images().get(0).occurrences());
        assertEquals(List.of(), inventory.findings());
    }

    @Test
    void aBlockScalarImageIsFoundWithoutAWarningForItsIndicator() throws IOException {
        write(ctx, "manifests/app.yaml", "spec:\n  containers:\n  - image: >-\n      nginx:1.25\n");
        ImageInventory inventory = scan();
        assertEquals(List.of(occurrence("manifests/app.yaml", 3, SourceKind.MANIFEST, "nginx:1.25")),
                image(inventory, "docker.io/library/nginx:1.25").occurrences());
        assertEquals(List.of(), inventory.findings(), describe(inventory.findings()).toString());
    }

    @Test
    void aTrailingCommentInATemplateIsGarbage() throws IOException {
        write(ctx, "manifests/app.yaml.tmpl", "spec:\n  containers:\n  - image: nginx # the web server\n");
        ImageInventory inventory = scan();
        assertEquals(List.of(), inventory.canonicalReferences());
        assertEquals(List.of("manifests/app.yaml.tmpl:3"),
                findings(inventory, "scan.unresolved").stream().map(Finding::location).toList());
    }

    @Test
    void failOnUnresolvedMakesThemErrors() throws IOException {
        write(ctx, "manifests/app.yaml", "- image: {IMAGE}\n- image: \"{{ .x }}\"\n- image: nginx\n");
        write(ctx, "manifests/app.tmpl", "image: nginx # comment\n");
        ImageInventory inventory = scan(List.of(), true);
        List<Finding> unresolved = findings(inventory, "scan.unresolved");
        assertEquals(List.of("manifests/app.tmpl:1", "manifests/app.yaml:1", "manifests/app.yaml:2"),
                unresolved.stream().map(Finding::location).sorted().toList());
        assertTrue(unresolved.stream().allMatch(f -> f.severity() == Severity.ERROR));
        assertEquals(unresolved, inventory.errors());
        assertEquals(List.of("docker.io/library/nginx:latest"), inventory.canonicalReferences());
    }

    // ---- manifests/ ----

    @Test
    void templatesAreScannedRawAndOnlyYamlYmlAndTmplFilesAreScanned() throws IOException {
        write(ctx, "manifests/app.yaml.tmpl", "spec:\n"
                + "  containers:\n"
                + "  - image: {{ .repo }}:{{ .tag }}\n"
                + "  - image: quay.io/acme/literal:1.0\n"
                + "  - {\"image\": \"quay.io/acme/json-only:1.0\"}\n");
        write(ctx, "manifests/notes.txt.tmpl", "image: quay.io/acme/from-txt-tmpl:1\n");
        write(ctx, "manifests/UPPER.YML", "image: quay.io/acme/upper:1\n");
        write(ctx, "manifests/readme.md", "image: quay.io/acme/readme:1\n");
        write(ctx, "manifests/app.json", "{\"image\": \"quay.io/acme/json-file:1\"}\n");
        write(ctx, "etc/config.yaml", "image: quay.io/acme/etc:1\n");
        ImageInventory inventory = scan();
        assertEquals(List.of("quay.io/acme/from-txt-tmpl:1", "quay.io/acme/literal:1.0", "quay.io/acme/upper:1"),
                inventory.canonicalReferences());
        assertEquals(List.of(occurrence("manifests/app.yaml.tmpl", 4, SourceKind.MANIFEST, "quay.io/acme/literal:1.0")),
                image(inventory, "quay.io/acme/literal:1.0").occurrences());
        assertEquals(List.of("manifests/app.yaml.tmpl:3"),
                findings(inventory, "scan.unresolved").stream().map(Finding::location).toList());
    }

    @Test
    void yamlFindsWhatTheLineScanCannot() throws IOException {
        write(ctx, "manifests/app.yaml", "{\"spec\": {\"containers\": [{\"image\": \"quay.io/acme/json:1\"}]}}\n"
                + "---\n"
                + "spec: {containers: [{image: quay.io/acme/flow:1, name: x}]}\n"
                + "---\n"
                + "image:\n"
                + "  repository: bitnami/redis\n"
                + "  tag: 7.2.4\n");
        ImageInventory inventory = scan();
        assertEquals(List.of("docker.io/bitnami/redis:7.2.4", "quay.io/acme/flow:1", "quay.io/acme/json:1"),
                inventory.canonicalReferences());
        assertEquals(List.of(occurrence("manifests/app.yaml", 3, SourceKind.MANIFEST, "quay.io/acme/flow:1")),
                image(inventory, "quay.io/acme/flow:1").occurrences());
        assertEquals(List.of(), inventory.findings(), describe(inventory.findings()).toString());
    }

    @Test
    void crlfManifests() throws IOException {
        write(ctx, "manifests/app.yaml", "kind: Pod\r\nspec:\r\n  containers:\r\n  - image: 'nginx:1.25'\r\n");
        ImageInventory inventory = scan();
        assertEquals(List.of(occurrence("manifests/app.yaml", 4, SourceKind.MANIFEST, "nginx:1.25")),
                image(inventory, "docker.io/library/nginx:1.25").occurrences());
        assertEquals(List.of(), inventory.findings());
    }

    @Test
    void invalidYamlIsStillLineScanned() throws IOException {
        write(ctx, "manifests/broken.yaml", "spec:\n  containers:\n  - image: nginx:1.25\n  - [unclosed\n");
        ImageInventory inventory = scan();
        assertEquals(List.of("docker.io/library/nginx:1.25"), inventory.canonicalReferences());
    }

    // ---- images/shim/ ----

    @Test
    void shimFilesLineByLine() throws IOException {
        write(ctx, "images/shim/DefaultImageList", "# images the operator starts\n"
                + "nginx:1.25\n"
                + "\"quay.io/acme/quoted:1\"\n"
                + "  'registry.k8s.io/pause:3.9'  \n"
                + "\n"
                + "nginx:1.25\n"
                + "docker.io/library/nginx:1.25\n"
                + "   # indented comment\n"
                + "quay.io/acme/last:2");
        write(ctx, "images/shim/more/CrlfImages", "redis:7\r\nbusybox\r\n");
        ImageInventory inventory = scan();
        assertEquals(List.of("docker.io/library/busybox:latest", "docker.io/library/nginx:1.25", "docker.io/library/redis:7",
                "quay.io/acme/last:2", "quay.io/acme/quoted:1", "registry.k8s.io/pause:3.9"), inventory.canonicalReferences());
        String list = "images/shim/DefaultImageList";
        assertEquals(List.of(occurrence(list, 2, SourceKind.SHIM, "nginx:1.25"),
                occurrence(list, 6, SourceKind.SHIM, "nginx:1.25"),
                occurrence(list, 7, SourceKind.SHIM, "docker.io/library/nginx:1.25")),
                image(inventory, "docker.io/library/nginx:1.25").occurrences());
        assertEquals(List.of(occurrence(list, 3, SourceKind.SHIM, "quay.io/acme/quoted:1")),
                image(inventory, "quay.io/acme/quoted:1").occurrences());
        assertEquals(List.of(occurrence(list, 4, SourceKind.SHIM, "registry.k8s.io/pause:3.9")),
                image(inventory, "registry.k8s.io/pause:3.9").occurrences());
        assertEquals(List.of(occurrence(list, 9, SourceKind.SHIM, "quay.io/acme/last:2")),
                image(inventory, "quay.io/acme/last:2").occurrences());
        assertEquals(List.of(occurrence("images/shim/more/CrlfImages", 2, SourceKind.SHIM, "busybox")),
                image(inventory, "docker.io/library/busybox:latest").occurrences());
        assertEquals(List.of(), inventory.findings());
    }

    @Test
    void anInvalidShimLineIsAnError() throws IOException {
        write(ctx, "images/shim/list", "nginx:1.25\nNginx:1.25\ndocker://quay.io/x:1\n'quay.io/ok:1\n");
        ImageInventory inventory = scan();
        assertEquals(List.of("docker.io/library/nginx:1.25"), inventory.canonicalReferences());
        List<Finding> shim = findings(inventory, "scan.shim");
        assertEquals(List.of("images/shim/list:2", "images/shim/list:3", "images/shim/list:4"),
                shim.stream().map(Finding::location).toList());
        assertTrue(shim.stream().allMatch(f -> f.severity() == Severity.ERROR));
        assertTrue(shim.get(0).message().contains("'Nginx:1.25'"), shim.get(0).message());
        assertEquals(shim, inventory.errors());
    }

    // ---- the POM ----

    @Test
    void pomImagesAreParameterOccurrencesAndInvalidOnesAreErrors() throws IOException {
        ImageInventory inventory = scan(List.of(" redis:7 ", "quay.io/acme/app@" + DIGEST, "Not An Image"), false);
        assertEquals(List.of("docker.io/library/redis:7", "quay.io/acme/app@" + DIGEST), inventory.canonicalReferences());
        assertEquals(List.of(occurrence("pom.xml", 0, SourceKind.PARAMETER, "redis:7")),
                image(inventory, "docker.io/library/redis:7").occurrences());
        List<Finding> errors = inventory.errors();
        assertEquals(1, errors.size(), describe(errors).toString());
        assertEquals("scan.parameter", errors.get(0).code());
        assertTrue(errors.get(0).message().contains("'Not An Image'"), errors.get(0).message());
    }

    // ---- images/skopeo/tar.txt ----

    @Test
    void tarListEntriesAreTarImagesWithLatestByDefault() throws IOException {
        write(ctx, "images/skopeo/tar.txt", "docker-archive:calico.tar@calico/cni\n"
                + "\n"
                + "oci-archive:sub/app.tar@acme/app:v2\n"
                + "docker-archive:local.tar@localhost:5000/tools/x\n"
                + "ftp:nope.tar@a/b\n");
        ImageInventory inventory = scan();
        assertEquals(List.of(
                new TarImage("docker-archive", Path.of("images/skopeo/calico.tar"), "calico/cni:latest", 1),
                new TarImage("oci-archive", Path.of("images/skopeo/sub/app.tar"), "acme/app:v2", 3),
                new TarImage("docker-archive", Path.of("images/skopeo/local.tar"), "localhost:5000/tools/x:latest", 4)),
                inventory.tarImages());
        assertEquals(List.of(), inventory.images(), "archive images are not registry images");
        assertEquals(List.of("images/skopeo/tar.txt:5"),
                findings(inventory, "scan.tar").stream().map(Finding::location).toList());
    }

    @Test
    void tarListPathsAreJoinedOntoImagesSkopeoLikeSealosDoes() throws IOException {
        // sealos joins with Go's path.Join: a leading slash still means images/skopeo/
        write(ctx, "images/skopeo/tar.txt", "docker-archive:/calico.tar@calico/cni:v3\n"
                + "oci-archive:dir//app.tar@acme/app:v2\n"
                + "docker-archive:../outside.tar@a/b:1\n");
        ImageInventory inventory = scan();
        assertEquals(List.of(
                new TarImage("docker-archive", Path.of("images/skopeo/calico.tar"), "calico/cni:v3", 1),
                new TarImage("oci-archive", Path.of("images/skopeo/dir/app.tar"), "acme/app:v2", 2)),
                inventory.tarImages());
        assertEquals(List.of("images/skopeo/tar.txt:3"),
                findings(inventory, "scan.tar").stream().map(Finding::location).toList());
    }

    // ---- .sealignore ----

    @Test
    void sealignoreDropsBySealosFormWrittenFormAndCanonicalForm() throws IOException {
        write(ctx, "manifests/app.yaml", "- image: quay.io/acme/pinned:1.0@" + DIGEST + "\n"
                + "- image: nginx\n"
                + "- image: busybox:1.36\n");
        write(ctx, "images/shim/list", "redis:7\nquay.io/acme/kept:1\n");
        write(ctx, ".sealignore", "quay.io/acme/pinned:1.0\n" // sealos form: the digest next to a tag is dropped
                + "redis:7\n"                                   // as written in the shim file
                + "docker.io/library/nginx:latest\n"            // canonical (sealos would print docker.io/library/nginx)
                + "quay.io/acme/not-used:1\n");
        ImageInventory inventory = scan();
        assertEquals(List.of("docker.io/library/busybox:1.36", "quay.io/acme/kept:1"), inventory.canonicalReferences());
        assertEquals(List.of("docker.io/library/nginx:latest", "docker.io/library/redis:7", "quay.io/acme/pinned:1.0@" + DIGEST),
                inventory.ignored().stream().map(InventoryImage::canonical).toList());
        assertEquals(List.of(occurrence("images/shim/list", 1, SourceKind.SHIM, "redis:7")),
                inventory.ignored().get(1).occurrences());
        assertEquals(List.of(), findings(inventory, "scan.ignored-but-used"), "nothing here runs in a container");
    }

    @Test
    void sealignoreMatchesTheSealosFormOfAnUntaggedImage() throws IOException {
        write(ctx, "manifests/app.yaml", "- image: nginx\n- image: redis:7\n");
        write(ctx, ".sealignore", "docker.io/library/nginx\n");
        ImageInventory inventory = scan();
        assertEquals(List.of("docker.io/library/redis:7"), inventory.canonicalReferences());
        assertEquals(List.of("docker.io/library/nginx:latest"),
                inventory.ignored().stream().map(InventoryImage::canonical).toList());
    }

    @Test
    void sealignoreLinesAreNotTrimmedOrGlobbed() throws IOException {
        write(ctx, "manifests/app.yaml", "- image: nginx:1.25\n- image: redis:7\n- image: quay.io/a/b:1\n");
        write(ctx, ".sealignore", " nginx:1.25\nredis:*\n# quay.io/a/b:1\n");
        ImageInventory inventory = scan();
        assertEquals(List.of("docker.io/library/nginx:1.25", "docker.io/library/redis:7", "quay.io/a/b:1"),
                inventory.canonicalReferences());
        assertEquals(List.of(), inventory.ignored());
    }

    @Test
    void sealignoreDoesNotApplyToTarImages() throws IOException {
        write(ctx, "images/skopeo/tar.txt", "docker-archive:cni.tar@calico/cni:v3\n");
        write(ctx, ".sealignore", "calico/cni:v3\ndocker.io/calico/cni:v3\n");
        ImageInventory inventory = scan();
        assertEquals(1, inventory.tarImages().size());
    }

    @Test
    void aWorkloadImageDroppedBySealignoreIsReported() throws IOException {
        write(ctx, "manifests/deploy.yaml", "apiVersion: apps/v1\n"
                + "kind: Deployment\n"
                + "spec:\n"
                + "  template:\n"
                + "    spec:\n"
                + "      containers:\n"
                + "      - name: web\n"
                + "        image: nginx:1.25\n"
                + "      - name: cache\n"
                + "        image: redis:7\n");
        write(ctx, "images/shim/list", "quay.io/acme/extra:1\n");
        write(ctx, ".sealignore", "docker.io/library/nginx:1.25\nquay.io/acme/extra:1\n");
        ImageInventory inventory = scan();
        assertEquals(List.of("docker.io/library/redis:7"), inventory.canonicalReferences());
        List<Finding> used = findings(inventory, "scan.ignored-but-used");
        assertEquals(1, used.size(), describe(inventory.findings()).toString());
        assertEquals(Severity.WARNING, used.get(0).severity());
        assertEquals("manifests/deploy.yaml:8", used.get(0).location());
        assertTrue(used.get(0).message().contains("docker.io/library/nginx:1.25"), used.get(0).message());
        assertFalse(inventory.findings().stream().anyMatch(f -> f.message().contains("extra")));
    }

    @Test
    void anEmptyContextHasAnEmptyInventory() throws IOException {
        ImageInventory inventory = scan();
        assertEquals(List.of(), inventory.images());
        assertEquals(List.of(), inventory.tarImages());
        assertEquals(List.of(), inventory.ignored());
        assertEquals(List.of(), inventory.findings());
    }
}
