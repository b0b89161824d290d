package io.clusterimage.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.clusterimage.inventory.ScanFixtures.context;
import static io.clusterimage.inventory.ScanFixtures.describe;
import static io.clusterimage.inventory.ScanFixtures.findings;
import static io.clusterimage.inventory.ScanFixtures.image;
import static io.clusterimage.inventory.ScanFixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@code <imageArchives>}: how the POM's declarations are checked, and how the scan lists them (source
 * {@code built}), warns about one nothing names, and keeps them in the bundle.
 */
class DeclaredArchiveScanTest {

    @TempDir
    Path project;

    @TempDir
    Path work;

    private static DeclaredArchive.Entry entry(String file, String image) {
        return new DeclaredArchive.Entry(file, image);
    }

    private ImageInventory scan(List<DeclaredArchive.Entry> entries) throws Exception {
        Path ctx = context(project.resolve("app"));
        return ScanFixtures.scan(ctx, new ScanOptions(List.of(), Map.of(), "", null, false, work,
                DeclaredArchive.parse(entries, ctx), ScanOptions.DEFAULT_CHART_RENDER_TIMEOUT));
    }

    private String parseFails(DeclaredArchive.Entry... entries) {
        return assertThrows(DeclaredArchive.InvalidDeclarationException.class,
                () -> DeclaredArchive.parse(List.of(entries), project)).getMessage();
    }

    // ---- the declarations ----

    @Test
    void aFileOutsideTheProjectIsResolvedAgainstIt() throws Exception {
        List<DeclaredArchive> archives = DeclaredArchive.parse(
                List.of(entry("../orders/target/jib-image.tar", " registry.example.com/team/orders:1.0 ")), project.resolve("app"));

        assertEquals(project.resolve("orders/target/jib-image.tar"), archives.get(0).file());
        assertEquals("team/orders", archives.get(0).repository());
        assertEquals("1.0", archives.get(0).tag());
        assertEquals("registry.example.com/team/orders:1.0", archives.get(0).canonical());
    }

    @Test
    void eachBadDeclarationNamesTheElementAndWhatToDo() {
        assertEquals("<imageArchives><imageArchive> number 1 has no <file>: name the archive a tool of the build writes"
                + " (e.g. ../orders/target/jib-image.tar), relative to the project directory, or the artifact a module of the"
                + " build makes with <artifact>groupId:artifactId:type:classifier</artifact>", parseFails(entry(" ", "a/b:1")));
        assertEquals("<imageArchives><imageArchive> number 2 (<file>b.tar</file>) has no <image>: give the reference the"
                        + " manifests use for it, e.g. registry.example.com/team/orders:1.0",
                parseFails(entry("a.tar", "a/b:1"), entry("b.tar", null)));
        assertEquals("<imageArchives><imageArchive> number 1: <image>Team/Orders:1.0</image> is not a valid image reference: "
                + References.whyInvalid("Team/Orders:1.0") + "; write it as [registry/]repository[:tag]",
                parseFails(entry("a.tar", "Team/Orders:1.0")));
        assertEquals("<imageArchives><imageArchive> number 1: <image>team/orders:1.0@sha256:" + "ab".repeat(32) + "</image> has a"
                + " digest; the image is stored under a tag, so write the reference without @sha256:...",
                parseFails(entry("a.tar", "team/orders:1.0@sha256:" + "ab".repeat(32))));
    }

    @Test
    void theSameImageDeclaredTwiceIsAnErrorWhateverItsSpelling() {
        assertEquals("<imageArchives><imageArchive> numbers 1 and 3 both declare docker.io/team/orders:1.0; one tag can hold one"
                        + " image: remove one, or give them different tags",
                parseFails(entry("a.tar", "team/orders:1.0"), entry("b.tar", "team/orders:2.0"), entry("c.tar", "docker.io/team/orders:1.0")));
    }

    // ---- the scan ----

    @Test
    void aDeclaredImageIsListedAsBuiltWithTheManifestThatUsesIt() throws Exception {
        write(project.resolve("app"), "manifests/orders.yaml", "containers:\n- image: registry.example.com/team/orders:1.0\n");

        ImageInventory inventory = scan(List.of(entry("../orders/target/jib-image.tar", "registry.example.com/team/orders:1.0")));

        assertEquals(List.of("registry.example.com/team/orders:1.0"), inventory.canonicalReferences());
        assertEquals(List.of(new Occurrence(Path.of("manifests/orders.yaml"), 2, SourceKind.MANIFEST, "registry.example.com/team/orders:1.0"),
                        new Occurrence(Path.of("pom.xml"), 0, SourceKind.BUILT, "registry.example.com/team/orders:1.0")),
                image(inventory, "registry.example.com/team/orders:1.0").occurrences());
        assertEquals(List.of(), describe(inventory.findings()));
    }

    @Test
    void aDeclaredImageThatNothingNamesIsAWarning() throws Exception {
        write(project.resolve("app"), "manifests/orders.yaml", "containers:\n- image: registry.example.com/team/orders:1.1\n");

        ImageInventory inventory = scan(List.of(entry("../orders/target/jib-image.tar", "registry.example.com/team/orders:1.0")));

        assertEquals(List.of("WARNING scan.image-archive-unused pom.xml: <imageArchives><imageArchive> declares"
                + " registry.example.com/team/orders:1.0 (" + project.resolve("orders/target/jib-image.tar") + "), but no manifest,"
                + " chart or images/shim file names it; it is bundled, yet nothing runs it Fix: check that <image> is exactly the"
                + " reference the manifests use"), describe(findings(inventory, "scan.image-archive-unused")));
    }

    @Test
    void aManifestNamingTheRepositoryWithAnotherTagIsAWarningAtItsLine() throws Exception {
        write(project.resolve("app"), "manifests/orders.yaml", "containers:\n- image: registry.example.com/team/orders:1.1\n");

        ImageInventory inventory = scan(List.of(entry("../orders/target/jib-image.tar", "registry.example.com/team/orders:1.0")));

        assertEquals(List.of("WARNING scan.built-image-other-tag manifests/orders.yaml:2: 'registry.example.com/team/orders:1.1' is the"
                + " repository of the image <imageArchives><imageArchive> declares (registry.example.com/team/orders:1.0), with another"
                + " tag: the cluster runs an image this build does not bundle Fix: write registry.example.com/team/orders:1.0 here (e.g."
                + " with ${project.version} as the tag), or remove that image from the POM"),
                describe(findings(inventory, "scan.built-image-other-tag")));
    }

    @Test
    void anotherRepositoryOrTheSameTagIsNoOtherTagWarning() throws Exception {
        write(project.resolve("app"), "manifests/orders.yaml", "containers:\n- image: registry.example.com/team/orders:1.0\n"
                + "- image: registry.example.com/team/orders-db:1.1\n- image: docker.io/team/orders:1.1\n");

        ImageInventory inventory = scan(List.of(entry("../orders.tar", "registry.example.com/team/orders:1.0")));

        assertEquals(List.of(), describe(findings(inventory, "scan.built-image-other-tag")));
    }

    @Test
    void anAppImageThatNothingNamesHasARuleOfItsOwnAndNoFile() throws Exception {
        Path ctx = context(project.resolve("app"));
        DeclaredArchive built = new DeclaredArchive(io.clusterimage.reference.ImageReference.parse("registry.example.com/team/orders:1.0"),
                "registry.example.com/team/orders:1.0", null, "<appImages><appImage>");
        ImageInventory inventory = ScanFixtures.scan(ctx, new ScanOptions(List.of(), Map.of(), "", null, false, work,
                List.of(built), ScanOptions.DEFAULT_CHART_RENDER_TIMEOUT));

        assertEquals(List.of("WARNING scan.app-image-unused pom.xml: <appImages><appImage> declares registry.example.com/team/orders:1.0,"
                + " but no manifest, chart or images/shim file names it; it is bundled, yet nothing runs it Fix: check that <image> is"
                + " exactly the reference the manifests use"), describe(findings(inventory, "scan.app-image-unused")));
    }

    @Test
    void sealignoreDoesNotDropADeclaredImage() throws Exception {
        write(project.resolve("app"), "manifests/orders.yaml", "containers:\n- image: registry.example.com/team/orders:1.0\n");
        write(project.resolve("app"), ".sealignore", "registry.example.com/team/orders:1.0\n");

        ImageInventory inventory = scan(List.of(entry("../orders.tar", "registry.example.com/team/orders:1.0")));

        assertEquals(List.of("registry.example.com/team/orders:1.0"), inventory.canonicalReferences());
        assertEquals(List.of(), inventory.ignored());
    }

    @Test
    void aTarTxtLineStoringTheSameNameIsAnError() throws Exception {
        write(project.resolve("app"), "manifests/orders.yaml", "containers:\n- image: team/orders:1.0\n");
        write(project.resolve("app"), "images/skopeo/tar.txt", "# ours\ndocker-archive:orders.tar@team/orders:1.0\n");

        ImageInventory inventory = scan(List.of(entry("../orders.tar", "quay.io/team/orders:1.0")));

        assertEquals(List.of("ERROR scan.image-archive images/skopeo/tar.txt:2: stores team/orders:1.0, which"
                + " <imageArchives><imageArchive> (" + project.resolve("orders.tar") + ") declares too; one tag can hold one image"
                + " Fix: remove the tar.txt line or the <imageArchive>"), describe(findings(inventory, "scan.image-archive")));
    }

    @Test
    void imagesJsonRecordsTheDeclarationAndReadsItBack() throws Exception {
        write(project.resolve("app"), "manifests/orders.yaml", "containers:\n- image: registry.example.com/team/orders:1.0\n");
        ImageInventory inventory = scan(List.of(entry("../orders/target/jib-image.tar", "registry.example.com/team/orders:1.0")));

        Path out = work.resolve("report");
        InventoryReport.write(inventory, out);
        JsonNode json = new ObjectMapper().readTree(out.resolve("images.json").toFile());
        ImageInventory back = InventoryReport.read(out);

        assertEquals("built", json.path("images").get(0).path("foundIn").get(1).path("source").asText());
        assertEquals(project.resolve("orders/target/jib-image.tar").toString().replace('\\', '/'),
                json.path("builtImages").get(0).path("file").asText());
        assertEquals(inventory.built(), back.built());
        assertEquals(List.of("registry.example.com/team/orders:1.0"),
                Files.readAllLines(out.resolve("images.txt")));
    }
}
