package io.clusterimage.maven;

import io.clusterimage.core.Fingerprint;
import io.clusterimage.core.PathTrees;
import io.clusterimage.core.Platform;
import io.clusterimage.image.BuiltImage;
import io.clusterimage.image.ImageReports;
import io.clusterimage.image.OciArchive;
import io.clusterimage.image.OciArchiveWriter;
import io.clusterimage.kubefile.Kubefile;
import io.clusterimage.kubefile.KubefileLocator;
import io.clusterimage.registry.BaseImageFetcher;
import io.clusterimage.registry.BlobCache;
import io.clusterimage.registry.RegistryClient;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Builds the cluster image from the Kubefile — without a container engine — into an OCI archive,
 * one image per platform (an index when there are several). {@code COPY registry} takes the tree
 * save-registry made for the platform being built. Writes {@code image.digest}, {@code image.id} and
 * {@code image.json} next to it.
 */
@Mojo(name = "package-image", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class PackageImageMojo extends AbstractRegistryMojo {

    /** Skips this goal only. */
    @Parameter(property = "cluster-image.skipPackage", defaultValue = "false")
    protected boolean skipPackage;

    /** The image name stored in the archive (org.opencontainers.image.ref.name). */
    @Parameter(property = "cluster-image.imageName", defaultValue = "${project.artifactId}:${project.version}")
    protected String imageName;

    /** Compression of layers (gzip or none); the registry layer has its own setting. */
    @Parameter(property = "cluster-image.layerCompression", defaultValue = "gzip")
    protected String layerCompression;

    /**
     * Compression of layers that copy registry/: its blobs are compressed already, so re-compressing
     * costs time and saves nothing.
     */
    @Parameter(property = "cluster-image.registryLayerCompression", defaultValue = "none")
    protected String registryLayerCompression;

    /**
     * What to write: {@code oci-archive} (an OCI layout in a tar: sealos load, skopeo, podman, umoci,
     * buildah), {@code oci-dir} (the same layout as a directory, the file name without .tar) or
     * {@code docker-archive} (for docker load; one platform only).
     */
    @Parameter(property = "cluster-image.outputFormat", defaultValue = "oci-archive")
    protected String outputFormat;

    /** Attach the archive to the project, so install/deploy ship it (off by default: these files are large). */
    @Parameter(property = "cluster-image.attach", defaultValue = "false")
    protected boolean attach;

    /**
     * Signs the cluster image (cosign's format) with a key: {@code <signing><key>}, its password from
     * {@code <passwordServerId>} or {@code <passwordEnvironmentVariable>}. The signature is stored in the archive
     * and push-image pushes it as {@code sha256-<hex>.sig}. Or {@code -Dcluster-image.signing.key=...}.
     */
    @Parameter
    protected SigningConfig signing;

    /** The artifact type of the SBOM the archive carries (and push-image pushes as a referrer). */
    static final String SBOM_TYPE = "application/vnd.cyclonedx+json";

    private KubefileLocator.Located located;
    private Kubefile parsed;
    private PackagePlan plan;

    public PackageImageMojo() {
        super("package-image", Option.LOCK_OUTPUT, Option.UP_TO_DATE);
    }

    @Override
    protected boolean skipped() {
        return skipPackage;
    }

    @Override
    protected boolean applies() throws MojoExecutionException {
        located = inputs().locatedKubefile().orElse(null);
        if (located == null) {
            getLog().info("cluster-image: no Kubefile in " + inputs().contextDescription() + "; nothing to package");
            return false;
        }
        return true;
    }

    @Override
    protected void prepare() throws MojoExecutionException {
        OciArchiveWriter.Format format = PackagePlan.format(outputFormat);
        outputFile = PackagePlan.outputFile(format, outputFile);
        plan = new PackagePlan(this, format);
    }

    @Override
    protected Fingerprint fingerprint(Fingerprint seeded) throws MojoExecutionException, IOException {
        return plan.addTo(seeded, this::kubefile, located.file());
    }

    /** The Kubefile, parsed on first use: an up-to-date build takes its COPY sources from a memo and never parses it. */
    private Kubefile kubefile() throws MojoExecutionException {
        if (parsed == null) {
            parsed = inputs().kubefile(located.file());
        }
        return parsed;
    }

    @Override
    protected List<Path> outputs() {
        return List.of(outputFile.toPath(), outputDirectory.toPath().resolve("image.digest"));
    }

    @Override
    protected void upToDate() throws MojoExecutionException, IOException {
        String digest = Files.readString(outputDirectory.toPath().resolve("image.digest")).strip();
        getLog().info("cluster-image: " + outputFile.getName() + " up to date (" + digest + ")");
        attachOrSetArtifact();
        attachSbom();
    }

    @Override
    protected void run() throws MojoExecutionException, MojoFailureException, IOException {
        long start = System.nanoTime();
        OciArchive.removeLeftovers(outputFile.toPath()); // of killed builds: the lock says none is writing now
        PathTrees.deleteFiles(outputDirectory.toPath().resolve("work/image/blobs"));
        BaseImageFetcher baseImages = new BaseImageFetcher(() -> { // opened only for a base image: FROM scratch reads no registry settings
            try {
                return new RegistryClient(registryOptions());
            } catch (MojoExecutionException e) {
                throw new IOException(e.getMessage(), e);
            }
        }, new BlobCache(cache()), offline());
        ImageAttachments attachments = new ImageAttachments(this, plan.signer, plan.format);
        BuiltImage image = plan.pack(kubefile(), baseImages, attachments);
        ImageReports.write(outputDirectory.toPath(), image, imageName, outputFile.toPath(), attachments.sbomDigest());
        record();
        String platforms = String.join(", ", plan.options.platforms().stream().map(Platform::toString).toList());
        getLog().info(String.format(Locale.ROOT, "cluster-image: %s %s (%s) in %.1f s -> %s", imageName, image.digest(), platforms,
                (System.nanoTime() - start) / 1e9, outputFile));
        attachOrSetArtifact();
        attachSbom();
    }

    /** In the cluster-image packaging the SBOM is attached here, not by a goal of its own (one mojo fewer per build). */
    private void attachSbom() throws MojoExecutionException, IOException {
        if (!skipSbom && project != null && "cluster-image".equals(project.getPackaging())) {
            SbomAttachment.attach(this, true);
        }
    }

    private void attachOrSetArtifact() {
        if (project != null && "cluster-image".equals(project.getPackaging())) {
            project.getArtifact().setFile(outputFile); // the main artifact of the cluster-image packaging
        } else if (attach && project != null && projectHelper != null) {
            projectHelper.attachArtifact(project, "tar", "cluster-image", outputFile);
        }
    }
}
