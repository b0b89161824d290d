package io.clusterimage.maven;

import io.clusterimage.core.Fingerprint;
import io.clusterimage.core.Platform;
import io.clusterimage.image.BuiltImage;
import io.clusterimage.image.CopySources;
import io.clusterimage.image.ImageBuildException;
import io.clusterimage.image.ImageBuildOptions;
import io.clusterimage.image.ImagePackager;
import io.clusterimage.image.LayerCompression;
import io.clusterimage.image.OciAnnotations;
import io.clusterimage.image.OciArchiveWriter;
import io.clusterimage.kubefile.Kubefile;
import io.clusterimage.registry.BaseImageFetcher;
import io.clusterimage.registry.ImagesLock;
import io.clusterimage.registry.SaveOptions;
import io.clusterimage.registry.TreesRecord;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.project.MavenProject;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What package-image builds, resolved from the POM before its up-to-date check: the build options (compression,
 * the project's annotations, save-registry's images.lock, the registry trees and generated contexts per platform)
 * and the signer; and what the up-to-date check compares of them and of the files they read.
 */
final class PackagePlan {

    private final PackageImageMojo mojo;
    final OciArchiveWriter.Format format;
    final Instant created;
    final ImageBuildOptions options;
    final ImageSigning signer;

    PackagePlan(PackageImageMojo mojo, OciArchiveWriter.Format format) throws MojoExecutionException {
        this.mojo = mojo;
        this.format = format;
        List<Platform> targets = mojo.effectivePlatforms();
        created = AbstractClusterImageMojo.outputTimestamp(mojo.outputTimestamp);
        Path context = mojo.contextDirectory.toPath();
        options = ImageBuildOptions.of(context, mojo.outputDirectory.toPath().resolve("work/image"))
                .withExcludedFromContext(mojo.inputs().outputsInContext()).withRegistryTree(this::registryTree).withPlatforms(targets)
                .withBuildArgs(mojo.inputs().buildArgs()).withCreated(created)
                .withCompression(compression("<registryLayerCompression>", mojo.registryLayerCompression),
                        compression("<layerCompression>", mojo.layerCompression))
                .withAnnotations(annotations(mojo.project)).withImagesLock(imagesLock(targets)).withRefName(mojo.imageName)
                .withThreads(Runtime.getRuntime().availableProcessors()).withGeneratedContext(mojo.inputs()::generatedContext);
        signer = ImageSigning.of(mojo, mojo.signing, mojo.imageName);
        if (signer != null && format == OciArchiveWriter.Format.DOCKER_ARCHIVE) {
            throw new MojoExecutionException("<signing> with <outputFormat>docker-archive</outputFormat>: a docker-archive has no place for"
                    + " the signature; write oci-archive or oci-dir, or remove <signing>");
        }
    }

    /** The tree save-registry made for a platform, which {@code COPY registry} takes. */
    Path registryTree(Platform platform) {
        return SaveOptions.registryDirectory(mojo.outputDirectory.toPath(), platform);
    }

    /** The settings, the Kubefile's COPY sources, what the SBOM reads, the registry trees and the generated contexts. */
    Fingerprint addTo(Fingerprint seeded, CopySources.KubefileSupplier<MojoExecutionException> kubefile, Path kubefilePath)
            throws MojoExecutionException, IOException {
        Fingerprint fingerprint = seeded.add("outputFile", mojo.outputFile).add("outputFormat", mojo.outputFormat)
                .add("imageName", mojo.imageName).add("layerCompression", mojo.layerCompression)
                .add("registryLayerCompression", mojo.registryLayerCompression).add("created", created)
                .add("annotations", new TreeMap<>(options.annotations()))
                .add("locks", new TreeMap<>(options.imagesLock().entrySet().stream()
                        .collect(Collectors.toMap(e -> e.getKey().toString(), Map.Entry::getValue))))
                .add("signing", signer == null ? "none" : signer.fingerprint());
        Path context = mojo.contextDirectory.toPath();
        String kubefileSha256 = mojo.contentMemo().sha256(kubefilePath, Files.readAttributes(kubefilePath, BasicFileAttributes.class));
        for (Path input : CopySources.inputs(kubefile, kubefileSha256, kubefilePath, mojo.inputs().buildArgs(), options.platforms().get(0),
                context, mojo.outputDirectory.toPath().resolve("work/copy-sources.memo"))) {
            fingerprint.addTree(input, mojo.inputs().notBuildOutput());
        }
        if (!mojo.skipSbom) { // what the SBOM stored in the archive reads beyond the image's own inputs
            fingerprint.add("sbom", "plugin " + (mojo.plugin == null ? "unknown" : mojo.plugin.getVersion()));
            fingerprint.addTree(mojo.outputDirectory.toPath().resolve("images.json"), p -> false);
            fingerprint.addTree(mojo.lockFile.toPath(), p -> false);
            fingerprint.addTree(context.resolve("opt"), mojo.inputs().notBuildOutput());
            fingerprint.addTree(context.resolve("bin"), mojo.inputs().notBuildOutput());
        }
        TreesRecord.addTo(fingerprint, mojo.outputDirectory.toPath(), options.platforms());
        for (Platform platform : options.platforms()) {
            Path generated = mojo.inputs().generatedContext(platform);
            fingerprint.add("generated " + platform, String.valueOf(generated));
            if (generated != null) {
                fingerprint.addTree(generated, p -> false);
            }
        }
        return fingerprint;
    }

    /** Builds the image into {@code <outputFile>} as {@code <outputFormat>} says, with its attachments. */
    BuiltImage pack(Kubefile kubefile, BaseImageFetcher baseImages, ImageAttachments attachments)
            throws MojoExecutionException, MojoFailureException, IOException {
        try {
            return ImagePackager.pack(kubefile, options, baseImages, format, mojo.outputFile.toPath(),
                    mojo.outputDirectory.toPath().resolve("work/layers.memo.json"), attachments::of,
                    line -> mojo.getLog().info("cluster-image: " + line));
        } catch (ImageBuildException e) {
            throw new MojoFailureException(e.describe());
        } catch (ImagePackager.FormatException e) {
            throw new MojoExecutionException("<outputFormat>" + mojo.outputFormat + "</outputFormat>: " + e.getMessage());
        }
    }

    private static LayerCompression compression(String element, String value) throws MojoExecutionException {
        try {
            return LayerCompression.parse(value);
        } catch (IllegalArgumentException e) {
            throw new MojoExecutionException(element + ": " + e.getMessage());
        }
    }

    private static Map<String, String> annotations(MavenProject project) {
        return project == null ? Map.of() : OciAnnotations.of(project.getVersion(), project.getName() != null ? project.getName()
                : project.getArtifactId(), project.getDescription(), project.getScm() == null ? null : project.getScm().getUrl(),
                project.getScm() == null ? null : project.getScm().getTag(), project.getUrl());
    }

    /** images.lock from save-registry: per platform, its "image digest" lines. */
    private Map<Platform, String> imagesLock(List<Platform> targets) throws MojoExecutionException {
        try {
            return ImagesLock.texts(mojo.outputDirectory.toPath(), targets);
        } catch (IOException e) {
            throw new MojoExecutionException("cannot read " + ImagesLock.FILE_NAME + ": " + e.getMessage(), e);
        }
    }

    /** {@code <outputFormat>}, checked. */
    static OciArchiveWriter.Format format(String outputFormat) throws MojoExecutionException {
        try {
            return OciArchiveWriter.Format.parse(outputFormat);
        } catch (IllegalArgumentException e) {
            throw new MojoExecutionException("<outputFormat>: " + e.getMessage());
        }
    }

    /** The output file as {@code format} writes it: an oci-dir is a directory, without the .tar of the default name. */
    static File outputFile(OciArchiveWriter.Format format, File outputFile) {
        return format == OciArchiveWriter.Format.OCI_DIRECTORY && outputFile.getName().endsWith(".tar")
                ? new File(outputFile.getParentFile(), outputFile.getName().substring(0, outputFile.getName().length() - 4)) : outputFile;
    }
}
