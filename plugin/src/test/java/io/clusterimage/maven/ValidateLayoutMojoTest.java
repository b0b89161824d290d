package io.clusterimage.maven;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clusterimage.core.Platform;
import io.clusterimage.kubefile.Instruction;
import io.clusterimage.layout.Layout;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoParameter;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parameter binding of validate-layout through the real plugin descriptor (maven-plugin-testing-harness). */
@MojoTest
class ValidateLayoutMojoTest {

    private static final String POM = "src/test/resources/unit/validate/pom.xml";

    @Test
    @InjectMojo(goal = "validate-layout", pom = POM)
    void bindsParametersFromThePom(ValidateLayoutMojo mojo) throws Exception {
        assertTrue(mojo.contextDirectory.toString().endsWith("unit/validate/app"), mojo.contextDirectory.toString());
        assertEquals("Kubefile", mojo.kubefile);
        assertEquals(List.of("linux/arm64"), mojo.platforms);
        assertEquals(Map.of("VERSION", "2.0"), mojo.buildArgs);
        assertFalse(mojo.skip);
        assertFalse(mojo.failOnWarning);
        assertEquals(List.of(Platform.parse("linux/arm64")), mojo.effectivePlatforms());
    }

    @Test
    @InjectMojo(goal = "validate-layout", pom = POM)
    void validatesWithBuildArgsAndPlatformAndWritesTheReport(ValidateLayoutMojo mojo) throws Exception {
        MavenProject project = new MavenProject();
        mojo.project = project;
        Files.deleteIfExists(mojo.outputDirectory.toPath().resolve("validate-layout.fingerprint")); // validated afresh
        mojo.execute();

        Path report = mojo.outputDirectory.toPath().resolve("validation.json");
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertEquals(0, json.get("errors").asInt(), json.toString());
        assertEquals("Kubefile", json.get("kubefile").asText());

        Layout layout = (Layout) project.getContextValue(ValidateLayoutMojo.LAYOUT_CONTEXT_KEY);
        Instruction.Label label = layout.plan().orElseThrow().finalStage().all(Instruction.Label.class).get(0);
        assertEquals(List.of(new Instruction.KeyValue("version", "2.0"), new Instruction.KeyValue("arch", "arm64")), label.pairs(),
                "the POM's buildArgs and platforms reach the Kubefile's ARGs");
    }

    @Test
    @InjectMojo(goal = "validate-layout", pom = POM)
    @MojoParameter(name = "skip", value = "true")
    void skipDoesNothing(ValidateLayoutMojo mojo) throws Exception {
        Files.deleteIfExists(mojo.outputDirectory.toPath().resolve("validation.json"));
        mojo.execute();
        assertFalse(Files.exists(mojo.outputDirectory.toPath().resolve("validation.json")));
    }

    @Test
    @InjectMojo(goal = "validate-layout", pom = POM)
    @MojoParameter(name = "kubefile", value = "Missingfile")
    void aMissingExplicitKubefileFailsNamingTheElement(ValidateLayoutMojo mojo) {
        MojoFailureException failure = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(failure.getMessage().contains("1 error(s)"), failure.getMessage());
    }

    @Test
    @InjectMojo(goal = "validate-layout", pom = POM)
    @MojoParameter(name = "platforms", value = "linux/Arm 64")
    void aBadPlatformNamesTheElement(ValidateLayoutMojo mojo) {
        MojoExecutionException failure = assertThrows(MojoExecutionException.class, mojo::execute);
        assertTrue(failure.getMessage().startsWith("<platforms>:"), failure.getMessage());
    }

    @Test
    @InjectMojo(goal = "validate-layout", pom = POM)
    void anUnchangedLayoutIsNotReadAgainAndItsWarningsAreShownAgainAndAnEditValidatesAgain(ValidateLayoutMojo mojo) throws Exception {
        Path context = Files.createTempDirectory("validate-skip");
        try {
            Files.writeString(context.resolve("Kubefile"), "FROM scratch\nCOPY manifests manifests\nCOPY registry registry\n");
            Files.createDirectories(context.resolve("manifests"));
            Files.writeString(context.resolve("manifests/a.yaml"), "kind: ConfigMap\n");
            Files.writeString(context.resolve("Dockerfile"), "FROM scratch\n"); // a warning: layout.several-kubefiles
            mojo.contextDirectory = context.toFile();
            mojo.kubefile = null;
            mojo.buildArgs = null;
            mojo.outputDirectory = Files.createTempDirectory("validate-skip-out").toFile(); // Maven's build directory is never looked at
            List<String> log = new java.util.ArrayList<>();
            mojo.setLog(new org.apache.maven.plugin.logging.SystemStreamLog() {
                @Override
                public void info(CharSequence content) {
                    log.add("INFO " + content);
                }

                @Override
                public void warn(CharSequence content) {
                    log.add("WARN " + content);
                }
            });

            mojo.execute();
            mojo.execute();

            assertTrue(log.get(log.size() - 1).startsWith("INFO cluster-image: layout ")
                    && log.get(log.size() - 1).contains(" unchanged since it was validated — 0 error(s), 1 warning(s)"), log.toString());
            assertEquals(2, log.stream().filter(l -> l.startsWith("WARN Dockerfile: both Kubefile and Dockerfile exist")).count(), log.toString());

            Files.writeString(context.resolve("manifests/a.yaml"), "kind: ConfigMap\nmetadata: {name: b}\n");
            Files.setLastModifiedTime(context.resolve("manifests/a.yaml"), java.nio.file.attribute.FileTime.fromMillis(1_000));
            mojo.execute();
            assertTrue(log.get(log.size() - 1).contains(context.getFileName() + " — 0 error(s), 1 warning(s)"), log.toString());
            assertTrue(log.contains("INFO cluster-image: validate-layout runs again; changed since its last run: "
                    + context.resolve("manifests/a.yaml")), "the log says why the goal ran again: " + log);

            // saved again with the same bytes (an editor, a checkout, a restored cache): the layout is unchanged
            Files.setLastModifiedTime(context.resolve("manifests/a.yaml"), java.nio.file.attribute.FileTime.fromMillis(2_000));
            mojo.execute();
            assertTrue(log.get(log.size() - 1).contains(" unchanged since it was validated"), log.toString());
        } finally {
            io.clusterimage.core.PathTrees.deleteTree(context);
            io.clusterimage.core.PathTrees.deleteTree(mojo.outputDirectory.toPath());
        }
    }
}
