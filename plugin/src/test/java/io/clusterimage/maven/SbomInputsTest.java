package io.clusterimage.maven;

import io.clusterimage.layout.Chart;
import io.clusterimage.layout.Layout;
import io.clusterimage.sbom.SbomInput;
import org.apache.maven.model.Model;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the SBOM lists of the layout comes from the layout validate-layout read in the same build: not read twice. */
class SbomInputsTest {

    @TempDir
    Path temp;

    @Test
    void theLayoutValidateLayoutReadInThisBuildIsTheOneListed() throws Exception {
        Path context = Files.createDirectories(temp.resolve("app"));
        Files.writeString(context.resolve("Kubefile"), "FROM scratch\nCOPY charts charts\n");
        Files.createDirectories(context.resolve("charts/on-disk"));
        Files.writeString(context.resolve("charts/on-disk/Chart.yaml"), "apiVersion: v2\nname: on-disk\nversion: 1.0.0\n");
        SbomMojo mojo = new SbomMojo();
        mojo.contextDirectory = context.toFile();
        mojo.outputDirectory = Files.createDirectories(temp.resolve("target/cluster-image")).toFile();
        mojo.project = new MavenProject(new Model());
        SbomInput.Root root = SbomInputs.root(mojo, "app:1", "sha256:00", Map.of());

        assertEquals(List.of("on-disk"), charts(SbomInputs.collect(mojo, root, "2026-01-01T00:00:00Z")), "no layout read yet: from disk");

        Layout validated = new Layout(context.toAbsolutePath().normalize(), Optional.empty(), Optional.empty(), Optional.empty(),
                List.of(new Chart(Path.of("charts/validated"), false, "validated", "2.0.0", List.of())), List.of());
        mojo.project.setContextValue(ValidateLayoutMojo.LAYOUT_CONTEXT_KEY, validated);
        assertEquals(List.of("validated"), charts(SbomInputs.collect(mojo, root, "2026-01-01T00:00:00Z")));
    }

    private static List<String> charts(SbomInput input) {
        return input.charts().stream().map(SbomInput.ChartEntry::name).toList();
    }
}
