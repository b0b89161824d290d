package io.clusterimage.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static io.clusterimage.image.ImageTestSupport.AMD64;
import static io.clusterimage.image.ImageTestSupport.ARM64;
import static io.clusterimage.image.ImageTestSupport.chmod;
import static io.clusterimage.image.ImageTestSupport.registryTree;
import static io.clusterimage.image.ImageTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The same layout gives the same image, wherever it lies and whenever its files were touched. */
class ImageReproducibilityTest {

    private static final String KUBEFILE = """
            FROM scratch
            LABEL app=demo
            ENV NAMESPACE=demo
            COPY . .
            COPY registry registry
            CMD ["bash install.sh"]
            """;

    @TempDir
    Path temp;

    private Path layout(String name) throws Exception {
        Path context = Files.createDirectories(temp.resolve(name));
        write(context, "Kubefile", KUBEFILE);
        write(context, "install.sh", "helm upgrade -i demo charts/demo\n");
        write(context, "manifests/a.yaml", "kind: ConfigMap\n");
        write(context, "manifests/b.yaml", "kind: Secret\n");
        write(context, "charts/demo/Chart.yaml", "apiVersion: v2\nname: demo\nversion: 1.0.0\n");
        write(context, "charts/demo/templates/deploy.yaml", "kind: Deployment\n");
        chmod(write(context, "opt/tool", "#!/bin/sh\n"), "rwxr-xr-x");
        registryTree(temp.resolve(name + "-save/registry"), "library/nginx", "amd64");
        registryTree(temp.resolve(name + "-save-arm/registry"), "library/nginx", "arm64");
        return context;
    }

    private BuiltImage build(Path context, String work, int threads) throws Exception {
        ImageBuildOptions defaults = ImageTestSupport.options(context, temp.resolve(work),
                platform -> temp.resolve(context.getFileName() + (platform.equals(AMD64) ? "-save" : "-save-arm") + "/registry"),
                List.of(AMD64, ARM64));
        ImageBuildOptions options = defaults.withThreads(threads);
        return ImageTestSupport.build(KUBEFILE, options);
    }

    private static void touchAll(Path root, Instant time) throws Exception {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.toList()) {
                Files.setLastModifiedTime(path, FileTime.from(time));
            }
        }
    }

    @Test
    void theSameLayoutInTwoDirectoriesWithOtherTimesGivesTheSameDigestAndArchive() throws Exception {
        Path first = layout("first");
        Path second = layout("second-elsewhere");
        touchAll(first, Instant.parse("2001-02-03T04:05:06Z"));
        touchAll(second, Instant.parse("2024-12-31T23:59:59Z"));
        touchAll(temp.resolve("second-elsewhere-save"), Instant.parse("2024-12-31T23:59:59Z"));
        // a group-writable file (another umask) is still 0644 in the image
        chmod(second.resolve("manifests/a.yaml"), "rw-rw-r--");

        BuiltImage one = build(first, "work-1", 1);
        BuiltImage two = build(second, "work-2", 4);
        assertEquals(one.digest(), two.digest());
        assertEquals(one.imageId(), two.imageId());
        for (int i = 0; i < one.platforms().size(); i++) {
            assertArrayEquals(one.platforms().get(i).manifest(), two.platforms().get(i).manifest());
            assertArrayEquals(one.platforms().get(i).config(), two.platforms().get(i).config());
        }

        Path archiveOne = temp.resolve("one.tar");
        Path archiveTwo = temp.resolve("two.tar");
        OciArchiveWriter.write(one, "x:1", Instant.EPOCH, archiveOne);
        OciArchiveWriter.write(two, "x:1", Instant.EPOCH, archiveTwo);
        assertEquals(-1, Files.mismatch(archiveOne, archiveTwo), "the archives differ");

        // and building again in the same place gives the same too
        assertEquals(one.digest(), build(first, "work-1", 2).digest());
    }

    @Test
    void aChangedFileChangesTheDigest() throws Exception {
        Path context = layout("context");
        BuiltImage before = build(context, "work", 2);
        write(context, "manifests/b.yaml", "kind: Secret\ndata: {}\n");
        BuiltImage after = build(context, "work", 2);
        assertNotEquals(before.digest(), after.digest());
        // only the layer that holds the file changed
        assertEquals(before.platforms().get(0).layers().get(1).digest(), after.platforms().get(0).layers().get(1).digest());
        assertNotEquals(before.platforms().get(0).layers().get(0).digest(), after.platforms().get(0).layers().get(0).digest());
    }

    @Test
    void anExecutableBitAndACreationTimeChangeTheDigest() throws Exception {
        Path context = layout("context");
        BuiltImage before = build(context, "work", 2);
        chmod(context.resolve("install.sh"), "rwxr-xr-x");
        BuiltImage executable = build(context, "work", 2);
        assertNotEquals(before.digest(), executable.digest());

        ImageBuildOptions defaults = ImageTestSupport.options(context, temp.resolve("work-later"));
        ImageBuildOptions later = defaults.withCreated(Instant.parse("2026-01-01T00:00:00Z"));
        BuiltImage atEpoch = ImageTestSupport.build(KUBEFILE, defaults);
        assertNotEquals(atEpoch.digest(), ImageTestSupport.build(KUBEFILE, later).digest());
    }
}
