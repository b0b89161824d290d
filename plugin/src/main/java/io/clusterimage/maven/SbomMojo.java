package io.clusterimage.maven;

import io.clusterimage.image.ImageReports;
import io.clusterimage.sbom.BuildRecords;
import io.clusterimage.sbom.CycloneDxWriter;
import io.clusterimage.sbom.SbomInput;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The cluster image's SBOM, CycloneDX 1.6 JSON, at {@code target/cluster-image/sbom.cdx.json}, attached to the
 * project (classifier {@code cyclonedx}, type {@code json}): the cluster image with its digest per platform,
 * every saved image per platform (pkg:oci purl and digest), every chart, the files under opt/ and bin/ with
 * their sha256, and the base images. package-image writes it (and stores it in the archive); this goal
 * attaches it, and writes it itself when package-image did not (a docker-archive, an older archive).
 */
@Mojo(name = "sbom", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class SbomMojo extends AbstractGoalMojo {

    public static final String FILE_NAME = "sbom.cdx.json";

    public SbomMojo() {
        super("sbom");
    }

    @Override
    protected boolean skipped() {
        return skipSbom;
    }

    /** Without a Kubefile nothing was packaged: silent. */
    @Override
    protected boolean applies() {
        return !inputs().noKubefile();
    }

    @Override
    protected void run() throws MojoExecutionException, IOException {
        Path output = outputDirectory.toPath();
        Path sbom = output.resolve(FILE_NAME);
        boolean stored = ImageReports.storesSbom(output, sbom, contentMemo());
        contentMemo().save();
        if (stored) {
            getLog().info("cluster-image: SBOM (CycloneDX 1.6) up to date, stored in the archive by package-image -> " + sbom);
        } else {
            SbomInput input = SbomInputs.collect(this, BuildRecords.root(output, project != null ? project.getGroupId() : "unknown",
                    project != null ? project.getArtifactId() : contextDirectory.getName(), SbomInputs.version(this)),
                    outputTimestamp(outputTimestamp).toString());
            boolean written = CycloneDxWriter.write(input, sbom);
            getLog().info("cluster-image: SBOM (CycloneDX 1.6) " + (written ? "" : "up to date, ") + "of " + input.images().size()
                    + " image(s), " + input.charts().size() + " chart(s), " + input.files().size() + " file(s) -> " + sbom);
        }
        if (project != null && projectHelper != null) {
            projectHelper.attachArtifact(project, "json", "cyclonedx", sbom.toFile());
        }
    }

    /** "sbom: " and what went wrong. */
    @Override
    protected MojoExecutionException failure(Step step, IOException e) {
        return new MojoExecutionException("sbom: " + e.getMessage(), e);
    }
}
