package io.clusterimage.image;

import io.clusterimage.core.Platform;
import io.clusterimage.kubefile.KubefileParser;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

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
}
