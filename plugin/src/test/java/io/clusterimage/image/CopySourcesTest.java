package io.clusterimage.image;

import io.clusterimage.core.Platform;
import io.clusterimage.kubefile.KubefileParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The context paths the up-to-date check of package-image watches: what COPY/ADD read, no more. */
class CopySourcesTest {

    @Test
    void theFixedPartOfEachSourceTheKubefileAndTheIgnoreFiles() throws Exception {
        Path context = Path.of("/ctx");
        String kubefile = """
                FROM scratch AS build
                COPY tools/*.sh /opt/
                FROM scratch
                COPY manifests manifests
                COPY charts/*/values.yaml charts/
                COPY *.md docs/
                COPY /opt/bin[0-9] opt/
                COPY ../outside x
                COPY --from=build /opt /opt
                """;
        List<Path> inputs = CopySources.inputs(KubefileParser.parse(Path.of("Kubefile"), kubefile), context.resolve("Kubefile"), Map.of(),
                Platform.LINUX_AMD64, context);
        assertEquals(List.of(Path.of("/ctx/Kubefile"), Path.of("/ctx/.dockerignore"), Path.of("/ctx/.containerignore"),
                Path.of("/ctx/tools"), Path.of("/ctx/manifests"), Path.of("/ctx/charts"), Path.of("/ctx"), Path.of("/ctx/opt"),
                Path.of("/ctx")), inputs, "a glob reads its fixed directory, a path out of the context watches the context");
    }

    @TempDir
    Path temp;

    @Test
    void theMemoAnswersForTheSameKubefileContentArgumentsAndPlatformWithoutParsing() throws Exception {
        Path context = Files.createDirectories(temp.resolve("ctx"));
        Path kubefile = Files.writeString(context.resolve("Kubefile"), "FROM scratch\nARG DIR\nCOPY manifests/*.yaml manifests/\nCOPY ${DIR} opt/\n");
        Path memo = temp.resolve("work/copy-sources.memo");
        AtomicInteger parses = new AtomicInteger();
        CopySources.KubefileSupplier<IOException> parse = () -> {
            parses.incrementAndGet();
            return KubefileParser.parse(kubefile, Path.of("Kubefile"));
        };
        List<Path> expected = List.of(kubefile, context.resolve(".dockerignore"), context.resolve(".containerignore"),
                context.resolve("manifests"), context.resolve("bin"));

        assertEquals(expected, CopySources.inputs(parse, "sha256:aa", kubefile, Map.of("DIR", "bin"), Platform.LINUX_AMD64, context, memo));
        assertEquals(1, parses.get());
        CopySources.KubefileSupplier<IOException> mustNotParse = () -> {
            throw new AssertionError("the memo should have answered");
        };
        assertEquals(expected, CopySources.inputs(mustNotParse, "sha256:aa", kubefile, Map.of("DIR", "bin"), Platform.LINUX_AMD64, context, memo));

        // any part of the key changed: parsed again, and the answer follows the change
        assertEquals(context.resolve("lib"),
                CopySources.inputs(parse, "sha256:aa", kubefile, Map.of("DIR", "lib"), Platform.LINUX_AMD64, context, memo).get(4));
        CopySources.inputs(parse, "sha256:bb", kubefile, Map.of("DIR", "lib"), Platform.LINUX_AMD64, context, memo);
        CopySources.inputs(parse, "sha256:bb", kubefile, Map.of("DIR", "lib"), Platform.parse("linux/arm64"), context, memo);
        assertEquals(4, parses.get());

        Files.writeString(memo, "damaged\n");
        assertEquals(expected, CopySources.inputs(parse, "sha256:aa", kubefile, Map.of("DIR", "bin"), Platform.LINUX_AMD64, context, memo));
        assertEquals(5, parses.get());
    }
}
