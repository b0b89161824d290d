package io.clusterimage.maven;

import io.clusterimage.core.Platform;
import io.clusterimage.image.BuiltImage;
import io.clusterimage.image.ImageBuildException;
import io.clusterimage.image.ImageBuildOptions;
import io.clusterimage.image.ImageBuilder;
import io.clusterimage.image.LayerCompression;
import io.clusterimage.image.OciArchive;
import io.clusterimage.image.OciArchiveWriter;
import io.clusterimage.kubefile.Kubefile;
import io.clusterimage.kubefile.KubefileLocator;
import io.clusterimage.kubefile.KubefileParser;
import io.clusterimage.layout.Layout;
import io.clusterimage.registry.Attachments;
import io.clusterimage.registry.Manifest;
import io.clusterimage.registry.Referrers;
import io.clusterimage.registry.SaveOptions;
import io.clusterimage.sbom.CycloneDxWriter;
import io.clusterimage.sbom.SbomInput;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

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

    public PackageImageMojo() {
        super("package-image");
    }

    @Override
    protected boolean skipped() {
        return skipPackage;
    }

    @Override
    protected void run() throws MojoExecutionException, MojoFailureException {
        boolean explicit = kubefile != null && !kubefile.isBlank();
        Optional<KubefileLocator.Located> located = KubefileLocator.locate(contextDirectory.toPath(), explicit ? Path.of(kubefile) : null);
        if (located.isEmpty()) {
            if (explicit) {
                throw new MojoExecutionException("<kubefile> " + kubefile + " does not exist in " + contextDirectory);
            }
            getLog().info("cluster-image: no Kubefile in " + inputs().contextDescription() + "; nothing to package");
            return;
        }
        Kubefile parsed = parsedKubefile(located.get().file());
        try (io.clusterimage.core.OutputLock lock = OutputLocks.acquire(outputDirectory, getLog())) {
            packageImage(parsed, located.get());
        } catch (IOException e) {
            throw new MojoExecutionException("cannot release the lock of " + outputDirectory + ": " + e.getMessage(), e);
        }
    }

    private void packageImage(Kubefile parsed, KubefileLocator.Located located) throws MojoExecutionException, MojoFailureException {
        OciArchiveWriter.Format format;
        try {
            format = OciArchiveWriter.Format.parse(outputFormat);
        } catch (IllegalArgumentException e) {
            throw new MojoExecutionException("<outputFormat>: " + e.getMessage());
        }
        if (format == OciArchiveWriter.Format.OCI_DIRECTORY && outputFile.getName().endsWith(".tar")) {
            outputFile = new File(outputFile.getParentFile(), outputFile.getName().substring(0, outputFile.getName().length() - 4));
        }
        List<Platform> targets = effectivePlatforms();
        Instant created = created();
        ImageBuildOptions options = new ImageBuildOptions(contextDirectory.toPath(), excludedDirectories(),
                platform -> outputDirectory.toPath().resolve(SaveOptions.directoryName(platform)).resolve("registry"),
                targets, inputs().buildArgs(), created, compression("<registryLayerCompression>", registryLayerCompression),
                compression("<layerCompression>", layerCompression), annotations(created), imagesLock(targets), imageName,
                outputDirectory.toPath().resolve("work/image"), Runtime.getRuntime().availableProcessors(), inputs()::generatedContext);
        io.clusterimage.core.Fingerprint fingerprint = inputs().fingerprint("package-image").add("outputFile", outputFile)
                .add("outputFormat", outputFormat)
                .add("imageName", imageName).add("layerCompression", layerCompression)
                .add("registryLayerCompression", registryLayerCompression).add("created", created)
                .add("annotations", new java.util.TreeMap<>(options.annotations()))
                .add("locks", new java.util.TreeMap<>(options.imagesLock().entrySet().stream()
                        .collect(java.util.stream.Collectors.toMap(e -> e.getKey().toString(), Map.Entry::getValue))));
        Path stamp = outputDirectory.toPath().resolve("package-image.fingerprint");
        ImageSigning signer = ImageSigning.of(this, signing, imageName);
        if (signer != null && format == OciArchiveWriter.Format.DOCKER_ARCHIVE) {
            throw new MojoExecutionException("<signing> with <outputFormat>docker-archive</outputFormat>: a docker-archive has no place for"
                    + " the signature; write oci-archive or oci-dir, or remove <signing>");
        }
        fingerprint.add("signing", signer == null ? "none" : signer.fingerprint());
        try {
            for (Path input : io.clusterimage.image.CopySources.inputs(parsed, located.file(), inputs().buildArgs(), targets.get(0),
                    contextDirectory.toPath())) {
                fingerprint.addTree(input, inputs().notBuildOutput());
            }
            if (!skipSbom) {
                // what the SBOM stored in the archive reads beyond the image's own inputs
                fingerprint.add("sbom", "plugin " + (plugin == null ? "unknown" : plugin.getVersion()));
                fingerprint.addTree(outputDirectory.toPath().resolve("images.json"), p -> false);
                fingerprint.addTree(lockFile.toPath(), p -> false);
                fingerprint.addTree(contextDirectory.toPath().resolve("opt"), inputs().notBuildOutput());
                fingerprint.addTree(contextDirectory.toPath().resolve("bin"), inputs().notBuildOutput());
            }
            for (Platform platform : targets) {
                fingerprint.addTree(outputDirectory.toPath().resolve(SaveOptions.directoryName(platform)).resolve("registry"), p -> false);
                Path generated = inputs().generatedContext(platform);
                fingerprint.add("generated " + platform, String.valueOf(generated));
                if (generated != null) {
                    fingerprint.addTree(generated, p -> false);
                }
            }
            if (fingerprint.matches(stamp, List.of(outputFile.toPath(), outputDirectory.toPath().resolve("image.digest")))) {
                getLog().info("cluster-image: " + outputFile.getName() + " up to date ("
                        + Files.readString(outputDirectory.toPath().resolve("image.digest")).strip() + ")");
                attachOrSetArtifact();
                return;
            }
        } catch (IOException e) {
            throw new MojoExecutionException("cannot check " + stamp + ": " + e.getMessage(), e);
        }
        long start = System.nanoTime();
        BuiltImage image;
        Attached attached;
        try {
            OciArchive.removeLeftovers(outputFile.toPath()); // of killed builds: the lock says none is writing now
            deleteBlobs(outputDirectory.toPath().resolve("work/image/blobs"));
            io.clusterimage.registry.BaseImageFetcher baseImages = new io.clusterimage.registry.BaseImageFetcher(
                    new io.clusterimage.registry.RegistryClient(registryOptions()),
                    new io.clusterimage.registry.BlobCache(cache()), offline());
            if (format == OciArchiveWriter.Format.OCI_ARCHIVE) {
                // the default: layers written once, straight into the archive
                // layers whose inputs did not change come from the previous archive as byte ranges
                try (OciArchive archive = OciArchive.create(outputFile.toPath(), created,
                        outputDirectory.toPath().resolve("work/layers.memo.json"))) {
                    image = ImageBuilder.build(parsed, options, baseImages, archive);
                    attached = attachments(signer, image, format);
                    archive.finish(image, imageName, attached.attachments());
                    if (archive.reusedLayers() > 0) {
                        getLog().info("cluster-image: took " + archive.reusedLayers() + " unchanged layer(s) ("
                                + io.clusterimage.registry.ImageSaver.humanBytes(archive.reusedBytes()) + ") from the previous archive");
                    }
                }
            } else {
                image = ImageBuilder.build(parsed, options, baseImages);
                attached = attachments(signer, image, format);
                try {
                    OciArchiveWriter.write(image, imageName, created, outputFile.toPath(), format, attached.attachments());
                } catch (IllegalArgumentException e) {
                    throw new MojoExecutionException("<outputFormat>" + outputFormat + "</outputFormat>: " + e.getMessage());
                }
            }
            io.clusterimage.image.ImageReports.write(outputDirectory.toPath(), image, imageName, outputFile.toPath(), attached.sbomDigest());
            fingerprint.record(stamp);
        } catch (ImageBuildException e) {
            throw new MojoFailureException(e.describe());
        } catch (IOException e) {
            throw new MojoExecutionException("package-image failed: " + e.getMessage(), e);
        }
        getLog().info(String.format(Locale.ROOT, "cluster-image: %s %s (%s) in %.1f s -> %s", imageName, image.digest(),
                String.join(", ", targets.stream().map(Platform::toString).toList()), (System.nanoTime() - start) / 1e9, outputFile));
        attachOrSetArtifact();
    }

    /** What the archive carries beside the image, and the digest of the SBOM among it (null: none) for image.json. */
    private record Attached(List<Attachments.Attachment> attachments, String sbomDigest) {
    }

    /** What the archive carries beside the image: its signature, its SBOM (as an OCI 1.1 artifact whose subject it is). */
    private Attached attachments(ImageSigning signer, BuiltImage image, OciArchiveWriter.Format format)
            throws MojoExecutionException, IOException {
        List<Attachments.Attachment> attachments = new ArrayList<>();
        String sbomDigest = null;
        if (signer != null) {
            Attachments.Attachment signature = signer.sign(image.digest());
            getLog().info("cluster-image: signed " + image.digest() + " with " + signer.describe() + " (" + signature.tag() + ")");
            attachments.add(signature);
        }
        if (!skipSbom && format != OciArchiveWriter.Format.DOCKER_ARCHIVE) {
            Map<String, String> platforms = new java.util.TreeMap<>();
            image.platforms().forEach(p -> platforms.put(p.platform().toString(), p.manifestDigest()));
            SbomInput input = SbomInputs.collect(this, SbomInputs.root(this, imageName, image.digest(), platforms), created().toString());
            byte[] sbom = CycloneDxWriter.toJson(input).getBytes(StandardCharsets.UTF_8);
            Path file = outputDirectory.toPath().resolve(SbomMojo.FILE_NAME);
            CycloneDxWriter.write(sbom, file);
            byte[] top = image.index() != null ? image.index() : image.platforms().get(0).manifest();
            Manifest.Descriptor subject = new Manifest.Descriptor(image.index() != null ? Manifest.OCI_INDEX : Manifest.OCI_MANIFEST,
                    image.digest(), top.length, null, null, null);
            attachments.add(Referrers.artifact(subject, SBOM_TYPE, sbom));
            sbomDigest = io.clusterimage.registry.Digests.of(sbom);
            getLog().info("cluster-image: SBOM (CycloneDX 1.6) of " + input.images().size() + " image(s), " + input.charts().size()
                    + " chart(s), " + input.files().size() + " file(s) -> " + file + ", stored in the archive as an OCI 1.1 artifact of "
                    + image.digest());
        }
        return new Attached(attachments, sbomDigest);
    }

    private void attachOrSetArtifact() {
        if (project != null && "cluster-image".equals(project.getPackaging())) {
            project.getArtifact().setFile(outputFile); // the main artifact of the cluster-image packaging
        } else if (attach && project != null && projectHelper != null) {
            projectHelper.attachArtifact(project, "tar", "cluster-image", outputFile);
        }
    }

    private Kubefile parsedKubefile(Path file) throws MojoExecutionException, MojoFailureException {
        Object cached = project == null ? null : project.getContextValue(ValidateLayoutMojo.LAYOUT_CONTEXT_KEY);
        if (cached instanceof Layout layout && layout.kubefile().isPresent() && layout.kubefilePath().filter(file::equals).isPresent()) {
            return layout.kubefile().get();
        }
        try {
            Path display = contextDirectory.toPath().toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize());
            return KubefileParser.parse(file, display);
        } catch (IOException e) {
            throw new MojoExecutionException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private List<Path> excludedDirectories() {
        List<Path> excluded = new ArrayList<>();
        Path context = contextDirectory.toPath().toAbsolutePath().normalize();
        if (project != null && project.getBuild() != null && project.getBuild().getDirectory() != null) {
            Path build = Path.of(project.getBuild().getDirectory()).toAbsolutePath().normalize();
            if (build.startsWith(context)) {
                excluded.add(context.relativize(build));
            }
        }
        Path output = outputDirectory.toPath().toAbsolutePath().normalize();
        if (output.startsWith(context)) {
            excluded.add(context.relativize(output));
        }
        return excluded;
    }

    private static LayerCompression compression(String element, String value) throws MojoExecutionException {
        try {
            return LayerCompression.parse(value);
        } catch (IllegalArgumentException e) {
            throw new MojoExecutionException(element + ": " + e.getMessage());
        }
    }

    /** {@code project.build.outputTimestamp}: ISO-8601 or seconds since the epoch; EPOCH when unset. */
    Instant created() throws MojoExecutionException {
        return outputTimestamp(outputTimestamp);
    }

    private Map<String, String> annotations(Instant created) {
        Map<String, String> annotations = new LinkedHashMap<>();
        if (project != null) {
            put(annotations, "org.opencontainers.image.version", project.getVersion());
            put(annotations, "org.opencontainers.image.title", project.getName() != null ? project.getName() : project.getArtifactId());
            put(annotations, "org.opencontainers.image.description", project.getDescription());
            if (project.getScm() != null) {
                put(annotations, "org.opencontainers.image.source", project.getScm().getUrl());
                put(annotations, "org.opencontainers.image.revision", project.getScm().getTag() != null
                        && !"HEAD".equals(project.getScm().getTag()) ? project.getScm().getTag() : null);
            }
            put(annotations, "org.opencontainers.image.url", project.getUrl());
        }
        return annotations;
    }

    private static void put(Map<String, String> map, String key, String value) {
        if (value != null && !value.isBlank()) {
            map.put(key, value.strip());
        }
    }

    /** images.lock from save-registry: per platform, its "image digest" lines. */
    private Map<Platform, String> imagesLock(List<Platform> targets) throws MojoExecutionException {
        Map<Platform, String> locks = new HashMap<>();
        try {
            List<io.clusterimage.registry.ImagesLock.Entry> entries = io.clusterimage.registry.ImagesLock.read(outputDirectory.toPath());
            if (entries.isEmpty() && !Files.isRegularFile(outputDirectory.toPath().resolve(io.clusterimage.registry.ImagesLock.FILE_NAME))) {
                return locks;
            }
            for (Platform platform : targets) {
                locks.put(platform, io.clusterimage.registry.ImagesLock.text(io.clusterimage.registry.ImagesLock.of(entries, platform)));
            }
        } catch (IOException e) {
            throw new MojoExecutionException("cannot read " + io.clusterimage.registry.ImagesLock.FILE_NAME + ": " + e.getMessage(), e);
        }
        return locks;
    }

    private static void deleteBlobs(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
