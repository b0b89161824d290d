package io.clusterimage.appimage;

import io.clusterimage.core.Platform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * A rebuild costs what changed: the base image Jib reads is not unpacked and written again while its archive
 * is the same file, and Jib's layer cache outlives the build, so a base layer is not compressed and stored
 * again; a changed base archive is noticed, and the incremental result equals a build from scratch.
 */
class AppImagesRebuildTest {

    @TempDir
    Path work;

    @Test
    void anUnchangedBaseIsReusedAndAChangedOneIsNoticed() throws Exception {
        AppImageFixtures.Inputs inputs = AppImageFixtures.inputs(work.resolve("inputs"));
        Path base = Files.copy(inputs.base(), work.resolve("base.tar"));
        AppImageFixtures.Spec spec = new AppImageFixtures.Spec(inputs.classes());
        spec.mainClass = "demo.Main";
        spec.base = base;
        Path root = work.resolve("app-images");
        Path baseTar = root.resolve("linux-amd64/1-base.tar");
        Path baseLayers = root.resolve("linux-amd64/jib-cache/base");

        String first = build(spec.build(), root);
        Map<String, Object> tarBefore = identities(baseTar);
        Map<String, Object> cacheBefore = identities(baseLayers);
        cacheBefore.keySet().removeIf(name -> name.startsWith("local/config/")); // Jib writes the base's config each time: 229 bytes
        assertEquals(1, cacheBefore.size(), "Jib cached the base layer under " + baseLayers + ": " + cacheBefore.keySet());

        assertEquals(first, build(spec.build(), root), "the same inputs, the same image");
        assertEquals(tarBefore, identities(baseTar), "the base tar was not written again");
        Map<String, Object> cacheAfter = identities(baseLayers);
        cacheAfter.keySet().retainAll(cacheBefore.keySet());
        assertEquals(cacheBefore, cacheAfter, "Jib's base layer cache was kept, not written again");

        // another base archive at the same path: another layer
        Path other = AppImageFixtures.baseTarOfRelease(work.resolve("other/base.tar"), "base 2\n");
        Files.copy(other, base, StandardCopyOption.REPLACE_EXISTING);
        String changed = build(spec.build(), root);
        assertNotEquals(first, changed, "a changed base archive gives another image");
        assertNotEquals(tarBefore, identities(baseTar), "the base tar was written again");
        assertEquals(changed, build(spec.build(), work.resolve("from-scratch")), "incremental = from scratch");
    }

    private static String build(AppImageSpec spec, Path root) throws Exception {
        AppImages.build(List.of(spec), List.of(Platform.LINUX_AMD64), root, null, new EngineImages(), line -> { });
        return AppImageFixtures.read(root.resolve("linux-amd64/1-image.tar"), root.resolve("read-" + System.nanoTime())).digest();
    }

    /** Every regular file under {@code path} with its identity: inode, size and modification time. */
    private static Map<String, Object> identities(Path path) throws IOException {
        Map<String, Object> result = new TreeMap<>();
        try (Stream<Path> files = Files.walk(path)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                result.put(path.relativize(file).toString(), attributes.fileKey() + " " + attributes.size() + " "
                        + attributes.lastModifiedTime().toInstant());
            }
        }
        return result;
    }
}
