package io.clusterimage.image;

import io.clusterimage.testing.LocalRegistry;
import io.clusterimage.testing.TestImages;
import io.clusterimage.testing.TestImages.Entry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * COPY --from=&lt;image&gt; and FROM &lt;image&gt; over base layers with symbolic links, hard links and
 * whiteouts, as a real registry serves them — and layers that try to reach outside the image.
 */
@Tag("tools")
class BaseImageLinksTest {

    @TempDir
    static Path work;
    static LocalRegistry registry;
    static Path outside;
    static String image;

    @BeforeAll
    static void pushImages() throws Exception {
        registry = LocalRegistry.start(work.resolve("store"), false, null, work.resolve("logs"));
        outside = Files.createDirectories(work.resolve("outside"));
        TestImages images = new TestImages(registry.url());
        TestImages.Blob lower = TestImages.layer(List.of(
                Entry.directory("etc/"),
                Entry.file("etc/real.conf", "real"),
                Entry.file("usr/lib/app/lib.so", "lib"),
                Entry.symlink("lib", "usr/lib"),
                Entry.symlink("etc/abs.conf", "/etc/real.conf"),
                // in the image there is no /etc/passwd: the host's must never be read instead
                Entry.symlink("etc/host-passwd", "/etc/passwd"),
                Entry.symlink("escape", "../../../../../../../../etc"),
                Entry.directory("data/"),
                Entry.file("data/a.txt", "a"),
                Entry.symlink("data/link-to-a", "a.txt"),
                Entry.symlink("data/abs", "/etc/real.conf"),
                Entry.hardLink("data/hard", "data/a.txt"),
                new Entry("bin/tool", '0', 0755, "#!/bin/sh\n".getBytes(), ""),
                Entry.file("old/gone.txt", "gone"),
                Entry.file("opaque/lower.txt", "lower"),
                Entry.file("opaque/sub/lower2.txt", "lower2"),
                Entry.directory("srv/empty/"),
                Entry.directory("removed/")));
        TestImages.Blob upper = TestImages.layer(List.of(
                Entry.file("old/.wh.gone.txt", ""),
                Entry.file("opaque/upper.txt", "upper"),
                Entry.file("opaque/.wh..wh..opq", ""),
                Entry.file(".wh.removed", ""),
                // through links an earlier entry wrote: resolved inside the image, never on the host
                Entry.file("lib/added.so", "added"),
                Entry.symlink("evil", outside.toAbsolutePath().toString()),
                Entry.file("evil/planted-abs.txt", "planted"),
                Entry.symlink("up", "../../../../../../.."),
                Entry.file("up/planted-up.txt", "planted")));
        images.pushImage("links/rootfs", "1.0", "linux/amd64", List.of(lower, upper));
        image = registry.host() + "/links/rootfs:1.0";
        images.pushImage("bad/dotdot", "1.0", "linux/amd64", List.of(TestImages.layer(List.of(
                Entry.file("ok.txt", "ok"), Entry.file("../escaped-dotdot.txt", "escaped")))));
        images.pushImage("bad/absolute", "1.0", "linux/amd64", List.of(TestImages.layer(List.of(
                Entry.file("ok.txt", "ok"),
                Entry.file(outside.resolve("escaped-absolute.txt").toAbsolutePath().toString(), "escaped")))));
        images.pushImage("bad/hardlink", "1.0", "linux/amd64", List.of(TestImages.layer(List.of(
                Entry.hardLink("passwd", "../../../../../../../../etc/passwd")))));
    }

    @AfterAll
    static void stop() throws Exception {
        if (registry != null) {
            registry.close();
        }
        // the unpacked images hold links to /etc and /: removed here, so JUnit does not warn about each
        try (Stream<Path> contexts = Files.list(work)) {
            for (Path context : contexts.filter(p -> p.getFileName().toString().startsWith("ctx-")).toList()) {
                io.clusterimage.core.PathTrees.deleteTree(context);
            }
        }
    }

    private PlatformImage build(String kubefile) throws Exception {
        return ImageTestSupport.buildWithBaseImages(kubefile, work, registry.host());
    }

    /** The entries of the last layer: path → describe(). */
    private static Map<String, String> copied(PlatformImage image) throws Exception {
        Map<String, String> entries = new TreeMap<>();
        ImageTestSupport.entries(image.layers().get(image.layers().size() - 1)).forEach((path, entry) -> entries.put(path, entry.describe()));
        return entries;
    }

    private static String copyError(String source) {
        ImageBuildException error = assertThrows(ImageBuildException.class,
                () -> new BaseImageLinksTest().build("FROM scratch\nCOPY --from=" + image + " " + source + " /copied\n"));
        return error.describe();
    }

    @Test
    void linksInsideACopiedDirectoryStayLinksAndHardLinksAreFiles() throws Exception {
        Map<String, String> entries = copied(build("FROM scratch\nCOPY --from=" + image + " /data /data\n"));
        assertEquals("f 0644 0:0 a", entries.get("data/a.txt"));
        assertEquals("l -> a.txt", entries.get("data/link-to-a"));
        assertEquals("l -> /etc/real.conf", entries.get("data/abs"), "an absolute link is copied as written: it means the image's /etc");
        assertEquals("f 0644 0:0 a", entries.get("data/hard"), "a hard link's content is the file it links");
    }

    @Test
    void aNamedSourceThatIsALinkIsFollowedInsideTheImage() throws Exception {
        Map<String, String> entries = copied(build("FROM scratch\nCOPY --from=" + image + " /etc/abs.conf /lib/app/lib.so /escape/real.conf /out/\n"));
        assertEquals("f 0644 0:0 real", entries.get("out/abs.conf"), "an absolute target is the image's /etc/real.conf; the name is the link's");
        assertEquals("f 0644 0:0 lib", entries.get("out/lib.so"), "a link on the way (/lib -> usr/lib) is followed");
        assertEquals("f 0644 0:0 real", entries.get("out/real.conf"), "'..' in a link stops at the image's root");
    }

    @Test
    void aGlobGoesThroughLinksInsideTheImage() throws Exception {
        Map<String, String> entries = copied(build("FROM scratch\nCOPY --from=" + image + " /lib/app/*.so /out/\n"));
        assertEquals("f 0644 0:0 lib", entries.get("out/lib.so"));
    }

    @Test
    void aLinkToAHostFileIsNeverReadFromTheHost() {
        assertTrue(Files.exists(Path.of("/etc/passwd")), "the host has the file the links name");
        assertTrue(copyError("/etc/host-passwd").contains("does not exist in that image"), copyError("/etc/host-passwd"));
        assertTrue(copyError("/escape/passwd").contains("does not exist in that image"));
        assertTrue(copyError("../../../../etc/passwd").contains("does not exist in that image"));
    }

    @Test
    void writingThroughALinkAnEarlierEntryWroteStaysInsideTheImage() throws Exception {
        Map<String, String> entries = copied(build("FROM scratch\nCOPY --from=" + image
                + " /usr/lib/added.so /evil/planted-abs.txt /planted-up.txt /out/\n"));
        assertEquals("f 0644 0:0 added", entries.get("out/added.so"));
        assertEquals("f 0644 0:0 planted", entries.get("out/planted-abs.txt"));
        assertEquals("f 0644 0:0 planted", entries.get("out/planted-up.txt"));
        try (Stream<Path> all = Files.walk(work)) {
            List<Path> planted = all.filter(p -> p.getFileName().toString().startsWith("planted-"))
                    .filter(p -> !p.toString().matches(".*/rootfs(-[0-9]+)?/.*")).toList();
            assertEquals(List.of(), planted, "nothing was written outside an unpacked image");
        }
    }

    @Test
    void whiteoutsOfALaterLayerDeleteTheLowerLayersFiles() throws Exception {
        Map<String, String> entries = copied(build("FROM scratch\nCOPY --from=" + image + " /opaque /opaque\n"));
        assertEquals(Set.of("opaque", "opaque/upper.txt"), entries.keySet(), "an opaque directory keeps only the upper layer's files");
        assertTrue(copyError("/old/gone.txt").contains("does not exist in that image"));
        assertTrue(copyError("/removed").contains("does not exist in that image"));
    }

    @Test
    void executablesStayExecutable() throws Exception {
        assertEquals("f 0755 0:0 #!/bin/sh\n", copied(build("FROM scratch\nCOPY --from=" + image + " /bin/tool /tool\n")).get("tool"));
    }

    @Test
    void fromAnImageCopiesIntoItsEmptyDirectoriesButNotIntoDeletedOnes() throws Exception {
        Map<String, String> entries = copied(build("FROM " + image + "\nCOPY one.txt /srv/empty\nCOPY one.txt /removed\n"));
        assertEquals("f 0644 0:0 1", entries.get("removed"), "a directory a whiteout deleted is not one any more");
        PlatformImage built = build("FROM " + image + "\nCOPY one.txt /srv/empty\n");
        assertEquals("f 0644 0:0 1", copied(built).get("srv/empty/one.txt"), "an empty directory of the base is a directory");
    }

    @Test
    void aDestinationThroughALinkOfTheBaseLandsWhereTheLinkPoints() throws Exception {
        Map<String, String> entries = copied(build("FROM " + image + "\nCOPY one.txt /lib/\nCOPY one.txt /lib/app/two.txt\n"
                + "COPY one.txt /lib\n"));
        assertEquals("f 0644 0:0 1", entries.get("usr/lib/one.txt"), "as buildah: /lib -> usr/lib is followed, " + entries);
        assertFalse(entries.containsKey("lib/one.txt"), entries.toString());
        PlatformImage nested = build("FROM " + image + "\nCOPY one.txt /lib/app/two.txt\n");
        assertEquals("f 0644 0:0 1", copied(nested).get("usr/lib/app/two.txt"));
        // a relative link that climbs above the root stops there; a link to a file is replaced, not followed
        assertEquals("f 0644 0:0 1", copied(build("FROM " + image + "\nCOPY one.txt /escape/x.txt\n")).get("etc/x.txt"));
        assertEquals("f 0644 0:0 1", copied(build("FROM " + image + "\nCOPY one.txt /data/link-to-a\n")).get("data/link-to-a"));
    }

    @Test
    void layerEntriesWithDotDotOrAbsoluteNamesAreRefused() throws Exception {
        for (String bad : List.of("bad/dotdot", "bad/absolute")) {
            ImageBuildException error = assertThrows(ImageBuildException.class,
                    () -> build("FROM scratch\nCOPY --from=" + registry.host() + "/" + bad + ":1.0 / /x/\n"));
            assertTrue(error.describe().contains("points outside the image"), error.describe());
            assertTrue(error.describe().contains(registry.host() + "/" + bad), "the image is named: " + error.describe());
        }
        assertFalse(Files.exists(work.resolve("escaped-dotdot.txt")));
        assertFalse(Files.exists(outside.resolve("escaped-absolute.txt")));
        try (Stream<Path> all = Files.walk(work)) {
            assertEquals(List.of(), all.filter(p -> p.getFileName().toString().startsWith("escaped-dotdot")).toList());
        }
    }

    @Test
    void aHardLinkOutOfTheImageIsRefused() {
        ImageBuildException error = assertThrows(ImageBuildException.class,
                () -> build("FROM scratch\nCOPY --from=" + registry.host() + "/bad/hardlink:1.0 /passwd /x\n"));
        assertTrue(error.describe().contains("not a file of the image"), error.describe());
    }
}
