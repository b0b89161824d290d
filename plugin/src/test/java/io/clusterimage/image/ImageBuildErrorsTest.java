package io.clusterimage.image;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static io.clusterimage.image.ImageTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What cannot be built is refused with the Kubefile line and a message that says why. */
class ImageBuildErrorsTest {

    @TempDir
    Path temp;

    private Path context;

    @BeforeEach
    void layout() throws Exception {
        context = Files.createDirectories(temp.resolve("context"));
        write(context, "manifests/a.yaml", "a");
        write(context, "one.txt", "1");
    }

    private ImageBuildException fails(String kubefile) {
        return assertThrows(ImageBuildException.class, () -> ImageTestSupport.build(kubefile, context, temp.resolve("work")));
    }

    private static void assertMessage(ImageBuildException e, int line, String... parts) {
        assertEquals(line, e.line(), e.describe());
        assertEquals(Path.of("Kubefile"), e.file());
        assertTrue(e.describe().startsWith("Kubefile:" + line + ": "), e.describe());
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' not in: " + e.getMessage());
        }
    }

    @Test
    void runIsRefusedWithItsLine() {
        assertMessage(fails("FROM scratch\nCOPY one.txt .\nRUN chmod +x one.txt\n"), 3, "RUN");
    }

    @Test
    void fromAnImageWithoutRegistryAccessIsRefused() {
        assertMessage(fails("FROM scratch\nCOPY one.txt .\n\nFROM docker.io/labring/kubernetes:v1.28.15\nCOPY one.txt .\n"), 4,
                "docker.io/labring/kubernetes:v1.28.15", "registry access");
        assertMessage(fails("FROM scratch\nCOPY one.txt .\nFROM Not_A/Reference!\n"), 3, "Not_A/Reference!",
                "neither an earlier stage nor a valid image reference");
    }

    @Test
    void aMissingSourceIsNamed() {
        assertMessage(fails("FROM scratch\nCOPY manifests manifests\nCOPY charts charts\n"), 3, "'charts'", "does not exist");
        assertMessage(fails("FROM scratch\nCOPY manifests/*.json m/\n"), 2, "'manifests/*.json'");
    }

    @Test
    void aSourceExcludedByTheIgnoreFileIsNamed() throws Exception {
        write(context, ".dockerignore", "one.txt\n");
        assertMessage(fails("FROM scratch\nCOPY one.txt .\n"), 2, "'one.txt'", "ignore file");
    }

    @Test
    void aSourceOutsideTheContextIsRefused() {
        assertMessage(fails("FROM scratch\nCOPY ../secret .\n"), 2, "outside the build context");
    }

    @Test
    void aSourceLinkLeadingOutsideTheContextOrNowhereIsRefused() throws Exception {
        write(temp, "outside.txt", "secret");
        Files.createSymbolicLink(context.resolve("out.txt"), temp.resolve("outside.txt"));
        Files.createSymbolicLink(context.resolve("dangling.txt"), Path.of("missing.txt"));
        assertMessage(fails("FROM scratch\nCOPY out.txt .\n"), 2, "'out.txt'", "outside the build context");
        assertMessage(fails("FROM scratch\nCOPY one.txt .\nCOPY dangling.txt .\n"), 3, "'dangling.txt'", "does not exist");
    }

    @Test
    void chownWithNamesNamesTheFlag() {
        assertMessage(fails("FROM scratch\nCOPY --chown=nonroot one.txt .\n"), 2, "--chown=nonroot", "numeric");
        assertMessage(fails("FROM scratch\nCOPY --chown=1000:staff one.txt .\n"), 2, "--chown=1000:staff");
    }

    @Test
    void aChmodThatIsNotOctalNamesTheFlag() {
        assertMessage(fails("FROM scratch\nCOPY --chmod=u+x one.txt .\n"), 2, "--chmod=u+x");
    }

    @Test
    void copyFromAnImageWithoutRegistryAccessOrAMissingStagePathIsRefused() {
        assertMessage(fails("FROM scratch\nCOPY --from=docker.io/library/busybox /bin/sh /sh\n"), 2, "docker.io/library/busybox",
                "registry access");
        assertMessage(fails("FROM scratch AS a\nCOPY one.txt /one\nFROM scratch\nCOPY --from=a /two /two\n"), 4, "'/two'",
                "does not exist in that stage");
    }

    @Test
    void addOfARemoteSourceIsRefused() {
        assertMessage(fails("FROM scratch\nADD https://example.com/x.tgz /x.tgz\n"), 2, "https://example.com/x.tgz");
    }

    @Test
    void aFailedBuildLeavesNoLayerBeingWrittenBehindIt() throws Exception {
        // a layer big enough to be still being written when the missing source fails the build, and many files
        // that keeps the main thread busy meanwhile
        byte[] data = new byte[32 << 20];
        new java.util.Random(1).nextBytes(data);
        Files.write(context.resolve("big.bin"), data);
        for (int i = 0; i < 3000; i++) {
            write(context, "many/f" + i, Integer.toString(i));
        }
        Path work = temp.resolve("work");
        assertThrows(ImageBuildException.class, () -> ImageTestSupport.build(
                "FROM scratch\nCOPY big.bin a\nCOPY many m/\nCOPY missing.txt .\n", context, work));
        List<String> after = list(work);
        Thread.sleep(300);
        assertEquals(after, list(work), "files still being written after build() failed");
        assertTrue(after.stream().noneMatch(name -> name.endsWith(".tmp")), after.toString());
    }

    private static List<String> list(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.map(p -> dir.relativize(p) + " " + p.toFile().length()).sorted().toList();
        }
    }

    @Test
    void aKubefileThatDoesNotParseIsRefused() {
        ImageBuildException e = fails("FROM scratch\nCOPY\n");
        assertEquals(2, e.line(), e.describe());
    }
}
