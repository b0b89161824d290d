package io.clusterimage.maven;

import io.clusterimage.registry.Digests;
import org.apache.maven.artifact.DefaultArtifact;
import org.apache.maven.artifact.handler.DefaultArtifactHandler;
import org.apache.maven.model.Model;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.apache.maven.project.MavenProject;
import org.apache.maven.project.MavenProjectHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SBOM package-image stored in the archive becomes one project artifact (classifier cyclonedx), whether
 * package-image attaches it (the cluster-image packaging binds no sbom goal) or the sbom goal does, or both.
 */
class SbomAttachmentTest {

    @TempDir
    Path output;

    private final List<String> info = new ArrayList<>();

    private SbomMojo mojo(MavenProject project) {
        SbomMojo mojo = new SbomMojo();
        mojo.outputDirectory = output.toFile();
        mojo.contextDirectory = output.toFile();
        mojo.project = project;
        mojo.projectHelper = new MavenProjectHelper() {
            @Override
            public void attachArtifact(MavenProject p, String type, String classifier, File file) {
                DefaultArtifactHandler handler = new DefaultArtifactHandler(type);
                DefaultArtifact artifact = new DefaultArtifact("g", "a", "1", null, type, classifier, handler);
                artifact.setFile(file);
                p.addAttachedArtifact(artifact);
            }

            @Override
            public void attachArtifact(MavenProject p, File file, String classifier) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void attachArtifact(MavenProject p, String type, File file) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void addResource(MavenProject p, String directory, List<String> includes, List<String> excludes) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void addTestResource(MavenProject p, String directory, List<String> includes, List<String> excludes) {
                throw new UnsupportedOperationException();
            }
        };
        mojo.setLog(new SystemStreamLog() {
            @Override
            public void info(CharSequence content) {
                info.add(content.toString());
            }
        });
        return mojo;
    }

    @Test
    void theStoredSbomIsAttachedOnceAndQuietlyByPackageImage() throws Exception {
        Path sbom = Files.writeString(output.resolve(SbomMojo.FILE_NAME), "{\"bomFormat\":\"CycloneDX\"}\n");
        Files.writeString(output.resolve("image.json"), "{\"sbom\":\"" + Digests.of(sbom) + "\"}");
        Model model = new Model();
        model.setPackaging("cluster-image");
        MavenProject project = new MavenProject(model);

        SbomAttachment.attach(mojo(project), true); // package-image, up to date
        assertEquals(List.of(), info, "package-image says nothing more about an SBOM it stored");
        assertEquals(1, project.getAttachedArtifacts().size());
        assertEquals("cyclonedx", project.getAttachedArtifacts().get(0).getClassifier());
        assertEquals(sbom.toFile(), project.getAttachedArtifacts().get(0).getFile());

        SbomAttachment.attach(mojo(project), false); // the sbom goal bound by hand as well
        assertEquals(1, project.getAttachedArtifacts().size(), "attached once");
        assertTrue(info.get(0).startsWith("cluster-image: SBOM (CycloneDX 1.6) up to date, stored in the archive by package-image"), info.toString());
    }
}
