package io.clusterimage.maven;

import io.clusterimage.image.ImageReports;
import io.clusterimage.reference.ImageReference;
import io.clusterimage.reference.InvalidReferenceException;
import io.clusterimage.registry.ArchiveImages;
import io.clusterimage.registry.Attachments;
import io.clusterimage.registry.ImagePusher;
import io.clusterimage.registry.ImageSaver;
import io.clusterimage.registry.OciLayoutSource;
import io.clusterimage.registry.PushOptions;
import io.clusterimage.registry.RegistryClient;
import io.clusterimage.registry.RegistryException;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Publishes the cluster image package-image built (the OCI archive) to a registry, as its exact
 * bytes: the pushed digest is the built digest. Blobs the registry already has are not uploaded,
 * blobs another repository of the registry has are mounted, large blobs go in chunks, several at once.
 * The signature package-image stored in the archive goes along as {@code sha256-<hex>.sig}, the SBOM as a referrer.
 */
@Mojo(name = "push-image", defaultPhase = LifecyclePhase.DEPLOY, threadSafe = true)
public class PushImageMojo extends AbstractRegistryMojo {

    /** Skips this goal only. */
    @Parameter(property = "cluster-image.skipPush", defaultValue = "false")
    protected boolean skipPush;

    /** Where to push: {@code <to><image>registry/repo:tag</image><tags>...</tags></to>}. */
    @Parameter
    protected PushTarget to;

    /** Blobs uploaded (or mounted) at once. */
    @Parameter(property = "cluster-image.maxConcurrentUploads", defaultValue = "4")
    protected int maxConcurrentUploads;

    /** A blob up to this many MiB goes in one request, a larger one in chunks of this size. */
    @Parameter(property = "cluster-image.uploadChunkSizeMiB", defaultValue = "32")
    protected int uploadChunkSizeMiB;

    /**
     * Further repositories of the target registry to mount blobs from instead of uploading them
     * (the base image's repository is tried anyway when it is on the target registry).
     */
    @Parameter(property = "cluster-image.mountFrom")
    protected List<String> mountFrom;

    /**
     * Push the SBOM the archive carries with the image, as an OCI 1.1 referrer of it (listed under the fallback
     * tag {@code sha256-<digest>}).
     */
    @Parameter(property = "cluster-image.pushSbom", defaultValue = "true")
    protected boolean pushSbom;

    public PushImageMojo() {
        super("push-image");
    }

    @Override
    protected boolean skipped() {
        return skipPush;
    }

    @Override
    protected void run() throws MojoExecutionException, MojoFailureException, IOException {
        String image = inputs().property("cluster-image.to.image", to == null ? null : to.image);
        if (image == null || image.isBlank()) {
            if (!outputFile.isFile() && !outputFile.isDirectory()) {
                getLog().info("cluster-image: nothing to push (no cluster image was built)");
                return;
            }
            throw new MojoExecutionException("<to><image> is missing: say where to push, e.g. <to><image>registry.example.com/apps/"
                    + (project == null ? "app" : project.getArtifactId()) + ":" + (project == null ? "1.0" : project.getVersion())
                    + "</image></to> or -Dcluster-image.to.image=...");
        }
        if (offline()) {
            throw new MojoExecutionException("push-image needs the network: Maven runs offline (-o); run without -o to push");
        }
        ImageReference target;
        try {
            target = ImageReference.parse(image.strip());
        } catch (InvalidReferenceException e) {
            throw new MojoExecutionException("<to><image> '" + image + "' is not a valid image reference: " + e.reason());
        }
        if (target.digest().isPresent()) {
            throw new MojoExecutionException("<to><image> must name a tag, not a digest: the digest is the image's own");
        }
        if (!outputFile.isFile() && !outputFile.isDirectory()) {
            throw new MojoExecutionException(outputFile + " does not exist: run package-image first (mvn package)");
        }
        String tagProperty = inputs().property("cluster-image.to.tags", null);
        List<String> tags = tagProperty != null ? GoalInputs.commaSeparated(List.of(tagProperty))
                : to != null && to.tags != null ? to.tags : List.of();
        for (String tag : tags) {
            if (!tag.matches("[\\w][\\w.-]{0,127}")) {
                throw new MojoExecutionException("<to><tags>: '" + tag + "' is not a valid tag");
            }
        }
        if (maxConcurrentUploads < 1) {
            throw new MojoExecutionException("<maxConcurrentUploads> must be at least 1, not " + maxConcurrentUploads);
        }
        if (uploadChunkSizeMiB < 1) {
            throw new MojoExecutionException("<uploadChunkSizeMiB> must be at least 1, not " + uploadChunkSizeMiB);
        }
        PushOptions pushOptions = new PushOptions(maxConcurrentUploads, uploadChunkSizeMiB * 1024L * 1024L, GoalInputs.commaSeparated(mountFrom));
        try {
            OciLayoutSource layout = outputFile.isDirectory() ? new OciLayoutSource(outputFile.toPath())
                    : ArchiveImages.open("oci-archive", outputFile.toPath(), outputDirectory.toPath().resolve("work/push"));
            ImagePusher pusher = new ImagePusher(new RegistryClient(registryOptions()), pushOptions, line -> getLog().info("  " + line),
                    line -> getLog().debug("cluster-image: " + line));
            ImagePusher.PushResult result = pusher.push(layout, target, tags);
            getLog().info("cluster-image: pushed " + target.familiar() + " " + result.digest() + " (uploaded " + result.blobsUploaded()
                    + " (" + ImageSaver.humanBytes(result.bytesUploaded()) + "), mounted " + result.blobsMounted() + ", already there "
                    + result.blobsPresent() + ")");
            List<String> pushedTags = new ArrayList<>(List.of(target.tag().orElse("latest")));
            pushedTags.addAll(tags);
            ImageReports.recordPush(outputDirectory.toPath(), target.familiar(), pushedTags, result.digest());
            // what the archive carries beside the image: its signature, its SBOM
            for (String line : Attachments.push(new RegistryClient(registryOptions()), target.domain(),
                    target.repositoryPath(), layout, attachment -> pushSbom || !isSbom(attachment),
                    outputDirectory.toPath().resolve("work/push"))) {
                getLog().info("cluster-image: pushed " + line);
            }
        } catch (RegistryException e) {
            throw new MojoFailureException("push to " + target.familiar() + " failed: " + e.getMessage()
                    + (e.kind() == RegistryException.Kind.UNAUTHORIZED || e.kind() == RegistryException.Kind.FORBIDDEN
                    ? " — add credentials for " + target.domain() + " (settings.xml <server> with that id, <auths>, or docker login)" : ""));
        }
    }

    private static boolean isSbom(Attachments.Stored attachment) {
        try {
            return PackageImageMojo.SBOM_TYPE.equals(attachment.artifactType());
        } catch (IOException e) {
            return false;
        }
    }
}
