package io.clusterimage.maven;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;

import java.io.IOException;

/**
 * The cluster image's SBOM, CycloneDX 1.6 JSON, at {@code target/cluster-image/sbom.cdx.json}, attached to the
 * project (classifier {@code cyclonedx}, type {@code json}): the cluster image with its digest per platform,
 * every saved image per platform (pkg:oci purl and digest), every chart, the files under opt/ and bin/ with
 * their sha256, and the base images. package-image writes it (and stores it in the archive); this goal
 * attaches it, and writes it itself when package-image did not (a docker-archive, an older archive). In the
 * {@code cluster-image} packaging package-image attaches it itself ({@link SbomAttachment}): this goal is for
 * the other packagings and for {@code mvn cluster-image:sbom}.
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
        SbomAttachment.attach(this, false);
    }

    /** "sbom: " and what went wrong. */
    @Override
    protected MojoExecutionException failure(Step step, IOException e) {
        return new MojoExecutionException("sbom: " + e.getMessage(), e);
    }
}
