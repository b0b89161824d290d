package io.clusterimage.maven;

import io.clusterimage.image.ImageReports;
import io.clusterimage.sbom.BuildRecords;
import io.clusterimage.sbom.CycloneDxWriter;
import io.clusterimage.sbom.SbomInput;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.plugin.MojoExecutionException;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The cluster image's SBOM as a project artifact (classifier {@code cyclonedx}, type {@code json}): the file
 * package-image stored in the archive, or — when it stored none (a docker-archive) — one written here from the
 * build's records. The sbom goal does this; in the {@code cluster-image} packaging package-image does it itself,
 * so that the lifecycle has one goal fewer to set up in every build (~10 ms of a no-op).
 */
final class SbomAttachment {

    static final String CLASSIFIER = "cyclonedx";
    static final String TYPE = "json";

    private SbomAttachment() {
    }

    /** Writes the SBOM when package-image did not store it, and attaches it; {@code quiet} leaves out "up to date". */
    static void attach(AbstractGoalMojo mojo, boolean quiet) throws MojoExecutionException, IOException {
        Path output = mojo.outputDirectory.toPath();
        Path sbom = output.resolve(SbomMojo.FILE_NAME);
        boolean stored = ImageReports.storesSbom(output, sbom, mojo.contentMemo());
        mojo.contentMemo().save();
        if (stored) {
            if (!quiet) {
                mojo.getLog().info("cluster-image: SBOM (CycloneDX 1.6) up to date, stored in the archive by package-image -> " + sbom);
            }
        } else {
            SbomInput input = SbomInputs.collect(mojo, BuildRecords.root(output, mojo.project != null ? mojo.project.getGroupId() : "unknown",
                    mojo.project != null ? mojo.project.getArtifactId() : mojo.contextDirectory.getName(), SbomInputs.version(mojo)),
                    AbstractClusterImageMojo.outputTimestamp(mojo.outputTimestamp).toString());
            boolean written = CycloneDxWriter.write(input, sbom);
            mojo.getLog().info("cluster-image: SBOM (CycloneDX 1.6) " + (written ? "" : "up to date, ") + "of " + input.images().size()
                    + " image(s), " + input.charts().size() + " chart(s), " + input.files().size() + " file(s) -> " + sbom);
        }
        if (mojo.project != null && mojo.projectHelper != null && !attached(mojo)) {
            mojo.projectHelper.attachArtifact(mojo.project, TYPE, CLASSIFIER, sbom.toFile());
        }
    }

    /** Whether the SBOM is attached already (package-image did, and the sbom goal is bound as well). */
    private static boolean attached(AbstractGoalMojo mojo) {
        for (Artifact artifact : mojo.project.getAttachedArtifacts()) {
            if (CLASSIFIER.equals(artifact.getClassifier()) && TYPE.equals(artifact.getType())) {
                return true;
            }
        }
        return false;
    }
}
