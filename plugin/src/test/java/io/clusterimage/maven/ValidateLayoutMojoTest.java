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
}
