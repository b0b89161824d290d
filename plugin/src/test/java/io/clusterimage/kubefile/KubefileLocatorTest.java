package io.clusterimage.kubefile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KubefileLocatorTest {

    @TempDir
    Path context;

    private void files(String... names) throws IOException {
        for (String name : names) {
            Path file = context.resolve(name);
            Files.createDirectories(file.getParent());
            Files.writeString(file, "FROM scratch\n");
        }
    }

    @Test
    void defaultNamesInOrder() {
        assertEquals(List.of("Kubefile", "Sealfile", "Dockerfile", "Containerfile"), KubefileLocator.DEFAULT_NAMES);
    }

    @Test
    void kubefileWinsAndTheOthersAreReturnedInOrder() throws IOException {
        files("Containerfile", "Dockerfile", "Sealfile", "Kubefile");
        KubefileLocator.Located located = KubefileLocator.locate(context, null).orElseThrow();
        assertEquals(context.resolve("Kubefile"), located.file());
        assertEquals(List.of(context.resolve("Sealfile"), context.resolve("Dockerfile"), context.resolve("Containerfile")),
                located.ignoredCandidates());
    }

    @Test
    void sealfileBeforeDockerfile() throws IOException {
        files("Dockerfile", "Sealfile");
        KubefileLocator.Located located = KubefileLocator.locate(context, null).orElseThrow();
        assertEquals(context.resolve("Sealfile"), located.file());
        assertEquals(List.of(context.resolve("Dockerfile")), located.ignoredCandidates());
    }

    @Test
    void dockerfileBeforeContainerfile() throws IOException {
        files("Containerfile", "Dockerfile");
        KubefileLocator.Located located = KubefileLocator.locate(context, null).orElseThrow();
        assertEquals(context.resolve("Dockerfile"), located.file());
        assertEquals(List.of(context.resolve("Containerfile")), located.ignoredCandidates());
    }

    @Test
    void aSingleContainerfile() throws IOException {
        files("Containerfile");
        KubefileLocator.Located located = KubefileLocator.locate(context, null).orElseThrow();
        assertEquals(context.resolve("Containerfile"), located.file());
        assertEquals(List.of(), located.ignoredCandidates());
    }

    @Test
    void aDirectoryNamedKubefileIsSkipped() throws IOException {
        Files.createDirectories(context.resolve("Kubefile"));
        files("Sealfile");
        KubefileLocator.Located located = KubefileLocator.locate(context, null).orElseThrow();
        assertEquals(context.resolve("Sealfile"), located.file());
        assertEquals(List.of(), located.ignoredCandidates(), "a directory is not a candidate, not even an ignored one");
    }

    @Test
    void onlyDirectoriesMeansNoKubefile() throws IOException {
        Files.createDirectories(context.resolve("Kubefile"));
        Files.createDirectories(context.resolve("Dockerfile"));
        assertEquals(Optional.empty(), KubefileLocator.locate(context, null));
    }

    @Test
    void emptyContext() {
        assertEquals(Optional.empty(), KubefileLocator.locate(context, null));
    }

    @Test
    void otherNamesAreNotCandidates() throws IOException {
        files("kubefile.txt", "Kubefile.bak", "build/Kubefile");
        assertEquals(Optional.empty(), KubefileLocator.locate(context, null));
    }

    @Test
    void explicitRelativeFileWinsOverTheDefaults() throws IOException {
        files("Kubefile", "Dockerfile", "images/Kubefile.arm64");
        KubefileLocator.Located located = KubefileLocator.locate(context, Path.of("images/Kubefile.arm64")).orElseThrow();
        assertEquals(context.resolve("images/Kubefile.arm64"), located.file());
        assertEquals(List.of(), located.ignoredCandidates(), "an explicit choice has nothing to warn about");
    }

    @Test
    void explicitAbsoluteFile(@TempDir Path elsewhere) throws IOException {
        Path file = elsewhere.resolve("Custom.kubefile");
        Files.writeString(file, "FROM scratch\n");
        files("Kubefile");
        KubefileLocator.Located located = KubefileLocator.locate(context, file).orElseThrow();
        assertEquals(file, located.file());
        assertTrue(located.ignoredCandidates().isEmpty());
    }

    @Test
    void explicitFileThatDoesNotExist() throws IOException {
        files("Kubefile");
        assertEquals(Optional.empty(), KubefileLocator.locate(context, Path.of("Missingfile")),
                "a missing explicit file is not replaced by a default one");
    }

    @Test
    void explicitDirectoryIsNotAKubefile() throws IOException {
        Files.createDirectories(context.resolve("deploy"));
        assertEquals(Optional.empty(), KubefileLocator.locate(context, Path.of("deploy")));
    }

    @Test
    void locatedFileParses() throws IOException {
        Files.writeString(context.resolve("Kubefile"), "\uFEFFFROM scratch\r\nCOPY manifests manifests\r\n");
        Path file = KubefileLocator.locate(context, null).orElseThrow().file();
        Kubefile kubefile = KubefileParser.parse(file, Path.of("Kubefile"));
        assertEquals(Path.of("Kubefile"), kubefile.file());
        assertEquals(List.of("FROM 1", "COPY 2"), KubefileTestSupport.outline(kubefile));
        assertEquals(List.of(), kubefile.findings());
    }
}
