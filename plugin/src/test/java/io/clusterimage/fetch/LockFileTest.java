package io.clusterimage.fetch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** cluster-image.lock: written sorted and quoted, read back the same; a broken one names the file, line or entry. */
class LockFileTest {

    @TempDir
    Path dir;

    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);

    private static LockFile sample() {
        return new LockFile(
                List.of(new LockedChart("zookeeper", "oci://registry.example.com/charts", "1.10", "oci://registry.example.com/charts/zookeeper:1.10", "sha256:" + B),
                        new LockedChart("nginx", "https://charts.example.com/stable", "15.4.2", "https://charts.example.com/stable/nginx-15.4.2.tgz", "sha256:" + A)),
                List.of(new LockFile.LockedFiles("https://get.helm.sh/helm-v3.14.0-${os}-${arch}.tar.gz", Map.of(
                        "linux/arm64", new LockedFile("https://get.helm.sh/helm-v3.14.0-linux-arm64.tar.gz", B),
                        "linux/amd64", new LockedFile("https://get.helm.sh/helm-v3.14.0-linux-amd64.tar.gz", A)))),
                List.of(new LockFile.LockedImage("docker.io/library/nginx:1.25", Map.of("linux/amd64", "sha256:" + A))));
    }

    @Test
    void writtenSortedAndQuotedSoAVersionStaysTextAndReadBackEqual() throws Exception {
        Path file = dir.resolve(LockFile.FILE_NAME);
        sample().write(file);
        String text = Files.readString(file);

        assertTrue(text.indexOf("\"nginx\"") < text.indexOf("\"zookeeper\""), text);
        assertTrue(text.indexOf("\"linux/amd64\":") < text.indexOf("\"linux/arm64\":"), text);
        assertTrue(text.contains("    version: \"1.10\"\n"), text);
        LockFile read = LockFile.read(file).orElseThrow();
        assertEquals(sample(), read);
        assertEquals("1.10", read.chart("zookeeper", "oci://registry.example.com/charts").orElseThrow().version());
        assertEquals(text, read.toYaml(), "the same lock gives the same bytes");
    }

    @Test
    void noFileIsNoLock() throws Exception {
        assertTrue(LockFile.read(dir.resolve("missing.lock")).isEmpty());
    }

    @Test
    void brokenYamlNamesTheFileAndLine() throws Exception {
        Path file = dir.resolve(LockFile.FILE_NAME);
        Files.writeString(file, "lockVersion: 1\ncharts:\n  - name: \"nginx\n");
        String message = assertThrows(LockFile.InvalidLockException.class, () -> LockFile.read(file)).getMessage();
        assertTrue(message.startsWith(file + ":"), message);
        assertTrue(message.contains("not valid YAML"), message);
    }

    @Test
    void anEntryWithoutDigestOrWithABadSha256NamesTheEntry() throws Exception {
        Path file = dir.resolve(LockFile.FILE_NAME);
        Files.writeString(file, "lockVersion: 1\ncharts:\n  - name: nginx\n    repository: https://x\n    version: '1'\n    url: https://x/n.tgz\n");
        assertEquals(file + ": charts entry 'nginx' has no digest; run mvn cluster-image:lock to write the entry again",
                assertThrows(LockFile.InvalidLockException.class, () -> LockFile.read(file)).getMessage());

        Files.writeString(file, "lockVersion: 1\nfiles:\n  - source: https://x/helm-${arch}.tgz\n    platforms:\n      linux/amd64:\n"
                + "        url: https://x/helm.tgz\n        sha256: 1234\n");
        assertEquals(file + ": files entry 'https://x/helm-${arch}.tgz' platform linux/amd64: sha256 '1234' is not 64 lowercase hex digits",
                assertThrows(LockFile.InvalidLockException.class, () -> LockFile.read(file)).getMessage());
    }

    @Test
    void anotherLockVersionIsRefused() throws Exception {
        Path file = dir.resolve(LockFile.FILE_NAME);
        Files.writeString(file, "lockVersion: 2\n");
        String message = assertThrows(LockFile.InvalidLockException.class, () -> LockFile.read(file)).getMessage();
        assertTrue(message.contains("lockVersion is 2, this plugin reads lockVersion 1"), message);
    }

    @Test
    void pulledImagesAreLockedByStoredNameAndAMovedTagOrAnUnlockedImageIsNamed() {
        List<io.clusterimage.registry.ImagesLock.Entry> saved = List.of(
                new io.clusterimage.registry.ImagesLock.Entry("linux/amd64", "docker.io/library/nginx:1.25", "sha256:" + A),
                new io.clusterimage.registry.ImagesLock.Entry("linux/arm64", "docker.io/library/nginx:1.25", "sha256:" + B),
                new io.clusterimage.registry.ImagesLock.Entry("linux/amd64", "oci-archive:images/skopeo/a.tar@example.com/a:1", "sha256:" + A),
                new io.clusterimage.registry.ImagesLock.Entry("linux/amd64", "registry.example.com/team/orders:1.0", "sha256:" + B),
                new io.clusterimage.registry.ImagesLock.Entry("linux/amd64", "docker.io/library/redis:7", "sha256:" + B));
        List<LockFile.LockedImage> pulled = LockFile.pulledImages(saved, java.util.Set.of("registry.example.com/team/orders:1.0"));
        assertEquals(List.of(new LockFile.LockedImage("docker.io/library/nginx:1.25", Map.of("linux/amd64", "sha256:" + A, "linux/arm64", "sha256:" + B)),
                new LockFile.LockedImage("docker.io/library/redis:7", Map.of("linux/amd64", "sha256:" + B))), pulled,
                "archives and the project's own images are not locked");

        LockFile lock = new LockFile(List.of(), List.of(), List.of(new LockFile.LockedImage("docker.io/library/nginx:1.25",
                Map.of("linux/amd64", "sha256:" + A, "linux/arm64", "sha256:" + A))));
        assertEquals(List.of("docker.io/library/nginx:1.25 (linux/arm64) is sha256:" + B + ", but the lock says sha256:" + A),
                lock.imageMismatches(pulled, false));
        assertEquals(List.of("docker.io/library/nginx:1.25 (linux/arm64) is sha256:" + B + ", but the lock says sha256:" + A,
                "docker.io/library/redis:7 (linux/amd64) is not in the lock; it is sha256:" + B), lock.imageMismatches(pulled, true));
    }
}
