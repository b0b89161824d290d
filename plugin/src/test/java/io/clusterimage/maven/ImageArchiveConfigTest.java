package io.clusterimage.maven;

import org.apache.maven.artifact.Artifact;
import org.apache.maven.artifact.DefaultArtifact;
import org.apache.maven.artifact.handler.DefaultArtifactHandler;
import org.apache.maven.model.Model;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code <imageArchive><artifact>}: the file of an artifact a module of the reactor has made, by its coordinates. */
class ImageArchiveConfigTest {

    private static final String WHERE = "<imageArchives><imageArchive> number 1";

    @TempDir
    Path dir;

    private static Artifact artifact(String artifactId, String type, String classifier, File file) {
        DefaultArtifact artifact = new DefaultArtifact("com.example", artifactId, "1.0", "compile", type, classifier,
                new DefaultArtifactHandler(type));
        artifact.setFile(file);
        return artifact;
    }

    /** A module with its jar and, attached, the image tar its build wrote (as build-helper's attach-artifact does). */
    private MavenProject payments(File imageTar) {
        Model model = new Model();
        model.setGroupId("com.example");
        model.setArtifactId("payments");
        model.setVersion("1.0");
        MavenProject project = new MavenProject(model);
        project.setArtifact(artifact("payments", "jar", null, dir.resolve("payments-1.0.jar").toFile()));
        project.addAttachedArtifact(artifact("payments", "tar", "image", imageTar));
        return project;
    }

    @Test
    void anAttachedArtifactIsFoundByTypeAndClassifierAndTheMainOneWithout() throws Exception {
        File tar = Files.writeString(dir.resolve("jib-image.tar"), "x").toFile();
        Files.writeString(dir.resolve("payments-1.0.jar"), "jar");
        List<MavenProject> reactor = List.of(payments(tar));
        assertEquals(tar, ImageArchiveConfig.reactorArtifact("com.example:payments:tar:image", reactor, WHERE));
        assertEquals(dir.resolve("payments-1.0.jar").toFile(), ImageArchiveConfig.reactorArtifact("com.example:payments", reactor, WHERE));
    }

    @Test
    void eachWrongDeclarationSaysWhatToDo() {
        File missing = dir.resolve("not-yet.tar").toFile();
        List<MavenProject> reactor = List.of(payments(missing));

        String notBuilt = message(() -> ImageArchiveConfig.reactorArtifact("com.example:payments:tar:image", reactor, WHERE));
        assertTrue(notBuilt.startsWith(WHERE + ": <artifact>com.example:payments:tar:image</artifact> has not been built yet"), notBuilt);
        assertTrue(notBuilt.contains("<dependency> with <type>tar</type> and <classifier>image</classifier>"), notBuilt);

        String noSuch = message(() -> ImageArchiveConfig.reactorArtifact("com.example:payments:tar:oci", reactor, WHERE));
        assertTrue(noSuch.contains("module com.example:payments has made no artifact of type tar with classifier oci (so far: [jar, tar:image])"),
                noSuch);

        String notInReactor = message(() -> ImageArchiveConfig.reactorArtifact("com.example:orders:tar", reactor, WHERE));
        assertTrue(notInReactor.contains("com.example:orders is not a module of this build; name a file made elsewhere with <file>"),
                notInReactor);

        String malformed = message(() -> ImageArchiveConfig.reactorArtifact("payments", reactor, WHERE));
        assertTrue(malformed.contains("<artifact>payments</artifact> is not groupId:artifactId[:type[:classifier]]"), malformed);
        assertTrue(message(() -> ImageArchiveConfig.reactorArtifact("com.example::tar", reactor, WHERE)).contains("is not groupId"));
    }

    @Test
    void aFileAndAnArtifactTogetherAreRefused() {
        ImageArchiveConfig config = new ImageArchiveConfig();
        config.file = "../payments/target/jib-image.tar";
        config.artifact = "com.example:payments:tar:image";
        config.image = "registry.example.com/team/payments:1.0";
        ScanImagesMojo mojo = new ScanImagesMojo();
        mojo.contextDirectory = dir.toFile();
        assertEquals(WHERE + " has both <file> and <artifact>: name the image's file one way, not two",
                message(() -> ImageArchiveConfig.resolve(List.of(config), mojo)));
    }

    private static String message(org.junit.jupiter.api.function.Executable call) {
        return assertThrows(MojoExecutionException.class, call).getMessage();
    }
}
