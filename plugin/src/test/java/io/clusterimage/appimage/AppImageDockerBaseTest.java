package io.clusterimage.appimage;

import io.clusterimage.core.Platform;
import io.clusterimage.registry.RegistryException;
import io.clusterimage.testing.Tools;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code <from><docker>}: a base image of the local container engine, here Podman (no daemon needed) with storage
 * of the test's own, saved once and again only when the engine's image under that name changes.
 */
@Tag("tools")
class AppImageDockerBaseTest {

    private static final Platform AMD64 = Platform.LINUX_AMD64;

    @TempDir
    Path work;

    /** podman with a storage of this test's own: the machine's images are neither read nor changed. */
    private Path podman() throws IOException {
        Path podman = Tools.require("podman");
        Path wrapper = work.resolve("podman-private");
        Files.writeString(wrapper, "#!/bin/sh\necho \"$1 $2\" >> " + work.resolve("calls.log") + "\nexec " + podman + " --root " + work.resolve("storage") + " --runroot "
                + work.resolve("run") + " --storage-driver vfs \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        return wrapper;
    }

    private String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(2, TimeUnit.MINUTES));
        assertEquals(0, process.exitValue(), () -> String.join(" ", command) + ": " + out);
        return out;
    }

    /** Loads the docker-archive into the engine under {@code name}. */
    private void load(Path podman, Path archive, String name) throws Exception {
        String loaded = run(podman.toString(), "load", "-q", "-i", archive.toString()).strip();
        String id = loaded.substring(loaded.lastIndexOf(' ') + 1).replace("sha256:", "");
        run(podman.toString(), "tag", id, name);
    }

    @Test
    void theEnginesImageIsSavedOnceAndAgainWhenItChanges() throws Exception {
        Path podman = podman();
        load(podman, AppImageFixtures.baseTarOfRelease(work.resolve("in/one.tar"), "base one\n"), "localhost/team/base:1");
        AppImageSpec.DockerBase base = new AppImageSpec.DockerBase("localhost/team/base:1", podman.toString());
        Path tar = work.resolve("amd64/1-base.tar");

        BaseImageTar.fromDocker(base, new EngineImages(), AMD64, work.resolve("amd64/1-base"), tar);
        Object written = Files.getAttribute(tar, "unix:ino");
        List<String> log = new ArrayList<>();
        AppImageFixtures.Image image = AppImageFixtures.build(AppImageFixtures.spec(AppImageFixtures.inputs(work.resolve("app")).classes(),
                List.of(), "demo.Main"), tar, work.resolve("jib"), "app", log);
        assertTrue(image.layers().get(0).contains("etc/base-release"), "the engine's image is the base: " + image.layers().get(0));
        assertTrue(Files.list(work.resolve("amd64/1-base")).noneMatch(p -> p.getFileName().toString().equals("engine-save.tar")),
                "the saved archive is not kept");

        BaseImageTar.fromDocker(base, new EngineImages(), AMD64, work.resolve("amd64/1-base"), tar);
        assertEquals(written, Files.getAttribute(tar, "unix:ino"), "an unchanged image is not saved again");

        // the up-to-date check and the build of one goal ask the engine once
        Files.deleteIfExists(work.resolve("calls.log"));
        EngineImages engineImages = new EngineImages();
        engineImages.imageId(base);
        BaseImageTar.fromDocker(base, engineImages, AMD64, work.resolve("amd64/1-base"), tar);
        assertEquals(List.of("image inspect"), Files.readAllLines(work.resolve("calls.log")), "one image inspect, no save");

        String before = new EngineImages().imageId(base);
        load(podman, AppImageFixtures.baseTarOfRelease(work.resolve("in/two.tar"), "base two\n"), "localhost/team/base:1");
        assertNotEquals(before, new EngineImages().imageId(base));
        BaseImageTar.fromDocker(base, new EngineImages(), AMD64, work.resolve("amd64/1-base"), tar);
        assertNotEquals(written, Files.getAttribute(tar, "unix:ino"), "another image under the name: saved again");

        String otherPlatform = assertThrows(RegistryException.class, () ->
                BaseImageTar.fromDocker(base, new EngineImages(), Platform.parse("linux/arm64"), work.resolve("arm64/1-base"), work.resolve("arm64/1-base.tar")))
                .getMessage();
        assertTrue(otherPlatform.contains("is an image for linux/amd64, not for linux/arm64"), otherPlatform);

        String missing = assertThrows(IOException.class, () -> BaseImageTar.fromDocker(
                new AppImageSpec.DockerBase("localhost/team/none:1", podman.toString()), new EngineImages(), AMD64, work.resolve("x"), work.resolve("x.tar")))
                .getMessage();
        assertTrue(missing.contains("image inspect") && missing.contains("failed"), missing);

        String noProgram = assertThrows(IOException.class, () -> BaseImageTar.fromDocker(
                new AppImageSpec.DockerBase("localhost/team/base:1", work.resolve("no-such-docker").toString()), new EngineImages(), AMD64, work.resolve("y"),
                work.resolve("y.tar"))).getMessage();
        assertTrue(noProgram.contains("install Docker or Podman"), noProgram);
    }
}
