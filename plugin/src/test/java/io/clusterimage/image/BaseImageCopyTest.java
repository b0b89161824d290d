package io.clusterimage.image;

import io.clusterimage.testing.LocalRegistry;
import io.clusterimage.testing.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.clusterimage.image.ImageTestSupport.AMD64;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** COPY in a stage built FROM an image, whose files the builder does not list (it reuses the layers as they are). */
@Tag("tools")
class BaseImageCopyTest {

    @TempDir
    static Path work;
    static LocalRegistry registry;
    static String base;

    @BeforeAll
    static void pushBase() throws Exception {
        registry = LocalRegistry.start(work.resolve("store"), false, null, work.resolve("logs"));
        // a base image with /opt/tool.bin (and so an /opt directory)
        new TestImages(registry.url()).pushImage("base/rootfs", "1.0", "linux/amd64", List.of(TestImages.layer("opt/tool.bin", 1000, 3)));
        base = registry.host() + "/base/rootfs:1.0";
        new TestImages(registry.url()).pushImage("base/users", "1.0", "linux/amd64", List.of(TestImages.layer(List.of(
                TestImages.Entry.file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1001:2002::/home/app:/bin/sh\n"),
                TestImages.Entry.file("etc/group", "root:x:0:\nstaff:x:50:app\n")))));
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    private PlatformImage build(String kubefile) throws Exception {
        return ImageTestSupport.buildWithBaseImages(kubefile, work, registry.host());
    }

    @Test
    void copyWithChownDoesNotGiveTheBaseImagesDirectoriesToTheOwner() throws Exception {
        PlatformImage image = build("FROM " + base + "\nCOPY --chown=65532:65532 one.txt /opt/app/one.txt\n");
        Layer ours = image.layers().get(image.layers().size() - 1);
        var entries = ImageTestSupport.entries(ours);
        // /opt is the base image's: the layer must not re-own it (it does not know its mode, so leaves it root's)
        assertEquals("d 0755 0:0", entries.get("opt").describe());
        assertEquals("f 0644 65532:65532 1", entries.get("opt/app/one.txt").describe());
    }

    @Test
    void aFileCopiedToADirectoryOfTheBaseImageGoesIntoIt() throws Exception {
        PlatformImage image = build("FROM " + base + "\nCOPY one.txt /opt\n");
        var entries = ImageTestSupport.entries(image.layers().get(image.layers().size() - 1));
        assertEquals("f 0644 0:0 1", entries.get("opt/one.txt").describe());
    }

    @Test
    void copyFromAStageBuiltFromAnImageSeesTheImagesFilesUnderTheStagesOwn() throws Exception {
        PlatformImage image = build("FROM " + base + " AS tools\nCOPY one.txt /opt/one.txt\n"
                + "FROM scratch\nCOPY --from=tools /opt/ /bundle/\nCOPY --from=tools /opt/tool.bin /single.bin\n");
        var bundle = ImageTestSupport.entries(image.layers().get(0));
        assertEquals("f 0644 0:0 1", bundle.get("bundle/one.txt").describe(), "the stage's own file");
        assertEquals(1000, bundle.get("bundle/tool.bin").content().length, "the base image's file");
        var single = ImageTestSupport.entries(image.layers().get(1));
        assertEquals(1000, single.get("single.bin").content().length);
        org.junit.jupiter.api.Assertions.assertThrows(ImageBuildException.class,
                () -> build("FROM " + base + " AS tools\nFROM scratch\nCOPY --from=tools /opt/missing /x\n"));
    }

    @Test
    void chownNamesAreLookedUpInTheBaseImage() throws Exception {
        String users = registry.host() + "/base/users:1.0";
        PlatformImage image = build("FROM " + users + "\nCOPY --chown=app one.txt /a.txt\nCOPY --chown=app:staff one.txt /b.txt\n"
                + "COPY --chown=7:staff one.txt /c.txt\n");
        int layers = image.layers().size();
        assertEquals("f 0644 1001:2002 1", ImageTestSupport.entries(image.layers().get(layers - 3)).get("a.txt").describe(),
                "a user alone gets the user's primary group");
        assertEquals("f 0644 1001:50 1", ImageTestSupport.entries(image.layers().get(layers - 2)).get("b.txt").describe());
        assertEquals("f 0644 7:50 1", ImageTestSupport.entries(image.layers().get(layers - 1)).get("c.txt").describe());
        ImageBuildException unknown = org.junit.jupiter.api.Assertions.assertThrows(ImageBuildException.class,
                () -> build("FROM " + users + "\nCOPY --chown=nobody one.txt /a.txt\n"));
        org.junit.jupiter.api.Assertions.assertTrue(unknown.getMessage().contains("'nobody' is not in /etc/passwd"), unknown.getMessage());
        ImageBuildException scratch = org.junit.jupiter.api.Assertions.assertThrows(ImageBuildException.class,
                () -> build("FROM scratch\nCOPY --chown=app one.txt /a.txt\n"));
        org.junit.jupiter.api.Assertions.assertTrue(scratch.getMessage().contains("numeric ids"), scratch.getMessage());
    }
}
