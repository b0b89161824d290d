package io.clusterimage.maven;

import io.clusterimage.core.Platform;
import io.clusterimage.inventory.DeclaredArchive;
import io.clusterimage.inventory.ImageInventory;
import io.clusterimage.inventory.InventoryImage;
import io.clusterimage.inventory.TarImage;
import io.clusterimage.registry.ArchiveImages;
import io.clusterimage.registry.BlobCache;
import io.clusterimage.registry.ImageSaver;
import io.clusterimage.registry.RegistryClient;
import io.clusterimage.registry.RegistryException;
import io.clusterimage.registry.SaveOptions;
import io.clusterimage.registry.SaveSummary;
import io.clusterimage.reference.ImageReference;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Pulls every image of the inventory into a docker-distribution tree per platform
 * ({@code target/cluster-image/<os>-<arch>/registry}), verified, in parallel, through a blob cache
 * shared by all builds of the user. Never writes into the source tree.
 */
// runtime dependencies: <appImages> take a module's code and its runtime classpath from them
@Mojo(name = "save-registry", defaultPhase = LifecyclePhase.PREPARE_PACKAGE, threadSafe = true,
        requiresDependencyResolution = org.apache.maven.plugins.annotations.ResolutionScope.RUNTIME)
public class SaveRegistryMojo extends AbstractRegistryMojo {

    /** Skips this goal only. */
    @Parameter(property = "cluster-image.skipSave", defaultValue = "false")
    protected boolean skipSave;

    /** Store whole multi-platform indexes instead of each platform's own manifest under the tag. */
    @Parameter(property = "cluster-image.copyAllPlatforms", defaultValue = "false")
    protected boolean copyAllPlatforms;

    /** Downloads at once (images and blobs). */
    @Parameter(property = "cluster-image.maxConcurrentDownloads", defaultValue = "8")
    protected int maxConcurrentDownloads;

    /**
     * Re-resolve tags even when nothing changed since the last save (a tag such as {@code latest}
     * may point to a new image). Digest-pinned images never need it.
     */
    @Parameter(property = "cluster-image.refreshTags", defaultValue = "false")
    protected boolean refreshTags;

    /**
     * Images that are stored only when signed (cosign's format), checked before anything of them is
     * stored; the first rule whose {@code <images>} matches applies. {@code -o} checks from the cache.
     */
    @Parameter
    protected List<SignaturePolicyRule> signaturePolicy;

    /**
     * Store each image's cosign signature, attestation and SBOM tags ({@code sha256-<digest>.sig|.att|.sbom})
     * next to it, so that {@code cosign verify} works against the cluster's registry.
     */
    @Parameter(property = "cluster-image.carrySignatures", defaultValue = "true")
    protected boolean carrySignatures;

    /** The policy as the saver takes it; a key that cannot be read is an error naming the rule. */
    private List<io.clusterimage.registry.SignatureRule> signatureRules() throws MojoExecutionException {
        List<io.clusterimage.registry.SignatureRule> rules = new ArrayList<>();
        if (signaturePolicy == null) {
            return rules;
        }
        for (int i = 0; i < signaturePolicy.size(); i++) {
            SignaturePolicyRule rule = signaturePolicy.get(i);
            String element = "<signaturePolicy><rule> number " + (i + 1);
            if (rule.images == null || rule.images.isBlank()) {
                throw new MojoExecutionException(element + " needs <images>: a pattern over image references, e.g."
                        + " registry.example.com/team/*");
            }
            java.security.PublicKey key = null;
            if (rule.publicKey != null) {
                try {
                    key = io.clusterimage.registry.CosignSignatures.readPublicKey(rule.publicKey.toPath());
                } catch (IOException e) {
                    throw new MojoExecutionException(element + " <publicKey>: " + e.getMessage(), e);
                }
            }
            rules.add(new io.clusterimage.registry.SignatureRule(rule.images.strip(), key,
                    rule.publicKey == null ? "" : rule.publicKey.getName(), element));
        }
        return rules;
    }

    public SaveRegistryMojo() {
        super("save-registry");
    }

    @Override
    protected boolean skipped() {
        return skipSave;
    }

    @Override
    protected void run() throws MojoExecutionException, MojoFailureException {
        Optional<ImageInventory> found = InventoryLookup.inventory(this);
        if (found.isEmpty()) {
            return;
        }
        try (io.clusterimage.core.OutputLock lock = OutputLocks.acquire(outputDirectory, getLog())) {
            save(found.get());
        } catch (IOException e) {
            throw new MojoExecutionException("cannot release the lock of " + outputDirectory + ": " + e.getMessage(), e);
        }
    }

    private void save(ImageInventory inventory) throws MojoExecutionException, MojoFailureException {
        List<Platform> targetPlatforms = effectivePlatforms();
        List<DeclaredArchive> declared = ImageArchiveConfig.resolve(imageArchives, this);
        List<DeclaredArchive> built = AppImageConfig.declared(appImages, declared, outputDirectory);
        List<io.clusterimage.appimage.AppImageSpec> appSpecs = AppImageConfig.resolve(appImages, project,
                session == null ? List.of() : session.getProjects());
        io.clusterimage.core.Fingerprint fingerprint = inputs().fingerprint("save-registry")
                .add("images", inventory.images().stream().map(InventoryImage::canonical).toList())
                .add("imageArchives", ImageArchiveConfig.describe(declared))
                .add("appImages", AppImageConfig.describe(appSpecs))
                .add("archives", inventory.tarImages()).add("copyAllPlatforms", copyAllPlatforms)
                .add("requireLock", requireLock).add("carrySignatures", carrySignatures)
                .add("insecure", insecureRegistries).add("mirrors", mirrors == null ? "" : mirrors.stream()
                        .map(m -> m.registry + "=" + m.mirrors).toList());
        Path stamp = outputDirectory.toPath().resolve("save-registry.fingerprint");
        List<Path> trees = new ArrayList<>();
        targetPlatforms.forEach(p -> trees.add(outputDirectory.toPath().resolve(SaveOptions.directoryName(p)).resolve("registry")));
        trees.add(outputDirectory.toPath().resolve("images.lock"));
        try {
            for (TarImage tar : inventory.tarImages()) {
                fingerprint.addTree(contextDirectory.toPath().resolve(tar.archive()), p -> false);
            }
            for (DeclaredArchive archive : declared) {
                // rebuilt by another module (jib:buildTar) in each build: a new size or time saves again
                fingerprint.addTree(archive.file(), p -> false);
            }
            for (io.clusterimage.appimage.AppImageSpec spec : appSpecs) {
                // the module's code and classpath are rebuilt with every build: a new size or time builds the image again
                fingerprint.addTree(spec.code(), p -> false);
                for (Path dependency : spec.dependencies()) {
                    fingerprint.addTree(dependency, p -> false);
                }
                if (spec.base() instanceof io.clusterimage.appimage.AppImageSpec.ArchiveBase archive) {
                    fingerprint.addTree(archive.file(), p -> false);
                }
                for (io.clusterimage.appimage.AppImageSpec.ExtraDirectory extra : spec.extraDirectories()) {
                    fingerprint.addTree(extra.from(), p -> false);
                }
            }
            fingerprint.addContent(lockFile.toPath()); // by its bytes: an unchanged build does not parse it
            if (signaturePolicy != null) {
                for (SignaturePolicyRule rule : signaturePolicy) {
                    fingerprint.add("signature rule", rule.images);
                    if (rule.publicKey != null) {
                        fingerprint.addContent(rule.publicKey.toPath());
                    }
                }
            }
            if (!refreshTags && fingerprint.matches(stamp, trees)) {
                getLog().info("cluster-image: registry trees up to date (same images, platforms and settings as the last save);"
                        + " -Dcluster-image.refreshTags=true re-resolves tags that may have moved");
                recordServedBy(readServedBy()); // a scan that ran again wrote images.json without it
                return;
            }
        } catch (IOException e) {
            throw new MojoExecutionException("cannot check " + stamp + ": " + e.getMessage(), e);
        }
        Path cache = cache();
        boolean offline = offline();
        // An image that an archive of images/skopeo/tar.txt provides (same repository and tag) is not pulled.
        java.util.Set<String> fromArchives = new java.util.HashSet<>();
        Set<String> archiveNames = new HashSet<>();
        inventory.tarImages().forEach(tar -> fromArchives.add(tar.target()));
        // the same for <imageArchives>: the declared file wins over the registry
        declared.forEach(archive -> fromArchives.add(archive.repository() + ":" + archive.tag()));
        built.forEach(image -> fromArchives.add(image.repository() + ":" + image.tag()));
        List<ImageReference> images = inventory.images().stream().map(InventoryImage::reference)
                .filter(ref -> ref.digest().isPresent() || !fromArchives.contains(ref.repositoryPath() + ":" + ref.tag().orElse("latest")))
                .toList();
        for (ImageReference image : images) {
            if (registriesConf().blocks(image.domain(), image.repositoryPath())) {
                String prefix = io.clusterimage.registry.Mirrors.longestPrefix(registriesConf().prefixes(), image.domain(),
                        image.repositoryPath()).orElseThrow();
                throw new MojoExecutionException(image.canonical() + ": " + prefix + " is blocked in " + registriesConf().files()
                        + " ([[registry]] prefix = \"" + prefix + "\", blocked = true); take the image from another registry, or unblock it there");
            }
        }
        int archiveCount = inventory.tarImages().size() + declared.size() + appSpecs.size();
        getLog().info("cluster-image: saving " + images.size() + " image(s) and " + archiveCount
                + " archive image(s) for " + targetPlatforms + (offline ? " (offline: cache only)" : "") + "; cache " + cache);
        boolean interactive = session != null && session.getRequest() != null && session.getRequest().isInteractiveMode();
        ProgressView progress = new ProgressView(getLog(), interactive,
                (images.size() + archiveCount) * targetPlatforms.size(), "saving");
        SaveOptions options = new SaveOptions(outputDirectory.toPath(), targetPlatforms, copyAllPlatforms, maxConcurrentDownloads,
                cache, offline, progress, signatureRules(), carrySignatures);
        // every archive is read (and a declared one checked against the platforms) before the trees
        // are emptied, so a missing or wrong archive fails the build with the last trees untouched
        List<ImageSaver.ArchiveImage> archives = archiveImages(inventory.tarImages());
        archives.addAll(declaredImages(declared, targetPlatforms));
        archives.addAll(appImages(appSpecs, targetPlatforms, cache, offline));
        archives.forEach(archive -> archiveNames.add(archive.name()));
        try {
            // start from empty trees: an image removed from the layout must not linger in the next cluster image
            // (blobs come back from the cache as hard links, so this costs little)
            for (Platform platform : targetPlatforms) {
                io.clusterimage.registry.DistributionTree.delete(options.registryDirectory(platform));
            }
            ImageSaver saver = new ImageSaver(new RegistryClient(registryOptions()), options);
            SaveSummary summary;
            try (progress) {
                summary = saver.save(images, archives);
            }
            writeLock(summary);
            writeServedBy(summary.servedBy());
            recordServedBy(summary.servedBy());
            summary.servedBy().forEach((image, mirror) -> getLog().info("cluster-image: " + image + " came from the mirror " + mirror));
            checkAgainstLockFile(summary, archiveNames);
            fingerprint.record(stamp);
            getLog().info(String.format(Locale.ROOT,
                    "cluster-image: saved %d image(s) in %.1f s: %d blob(s) fetched (%s), %s from cache; trees under %s",
                    summary.images(), summary.duration().toMillis() / 1000.0, summary.blobsFetched(),
                    ImageSaver.humanBytes(summary.bytesFetched()), ImageSaver.humanBytes(summary.bytesFromCache()), outputDirectory));
        } catch (ImageSaver.SaveException e) {
            for (ImageSaver.Failure failure : e.failures()) {
                getLog().error(failureLine(failure, archiveNames.contains(failure.image())));
            }
            if (offline && e.failures().stream().allMatch(f -> f.error().kind() == RegistryException.Kind.OFFLINE_MISSING)) {
                throw new MojoFailureException("Offline (-o) and " + e.failures().size() + " image(s) are not in the cache "
                        + cache + "; run once online to fill it. Missing: " + e.failures().stream().map(ImageSaver.Failure::image).distinct().toList());
            }
            throw new MojoFailureException(e.failures().size() + " image(s) could not be saved; see the [ERROR] lines above.");
        } catch (IOException e) {
            throw new MojoExecutionException("save-registry failed: " + e.getMessage(), e);
        }
    }

    /**
     * The [ERROR] line of an image that could not be saved. An archive's errors say what to do with the
     * archive, so the advice about registries is only added to the others.
     */
    static String failureLine(ImageSaver.Failure failure, boolean fromArchive) {
        return failure.image() + " [" + failure.platform() + "]: " + failure.error().getMessage()
                + (fromArchive ? "" : advice(failure.error()));
    }

    private static String advice(RegistryException error) {
        return switch (error.kind()) {
            case UNAUTHORIZED -> " — log in (docker login / podman login), or add a settings.xml <server> whose <id> is the registry host";
            case FORBIDDEN -> " — the credentials are valid but may not read this repository; check the account's permissions";
            case NOT_FOUND -> " — check the image name and tag (a typo, or a private image that needs credentials)";
            case TLS -> "";
            case TRANSIENT -> " — the registry or the network kept failing; try again, or configure a <mirrors> entry";
            // the message itself says that nothing was stored; this says why it happens
            case DIGEST_MISMATCH -> " — the registry (or a proxy in between) corrupts content; try again, or configure a <mirrors> entry";
            case POLICY -> " — sign the image (cosign sign --key), or change <signaturePolicy> if the rule is wrong";
            case INCOMPLETE -> " — every part is stored before the tag, so files of the tree changed meanwhile (or this is a bug:"
                    + " please report it); run again";
            default -> "";
        };
    }

    private List<ImageSaver.ArchiveImage> archiveImages(List<TarImage> tars) throws MojoExecutionException {
        List<ImageSaver.ArchiveImage> archives = new ArrayList<>();
        Path work = outputDirectory.toPath().resolve("work/archives");
        for (TarImage tar : tars) {
            String target = tar.target();
            int colon = target.lastIndexOf(':');
            String repository = target.substring(0, colon);
            String tag = target.substring(colon + 1);
            try {
                archives.add(new ImageSaver.ArchiveImage(tar.transport() + ":" + tar.archive() + "@" + target,
                        "images/skopeo/tar.txt:" + tar.line(),
                        ArchiveImages.open(tar.transport(), contextDirectory.toPath().resolve(tar.archive()),
                                work.resolve(Integer.toString(tar.line()))), repository, tag));
            } catch (IOException | RegistryException e) {
                throw new MojoExecutionException("images/skopeo/tar.txt:" + tar.line() + ": cannot read " + tar.archive() + ": "
                        + e.getMessage());
            }
        }
        return archives;
    }

    private List<ImageSaver.ArchiveImage> declaredImages(List<DeclaredArchive> declared, List<Platform> targetPlatforms)
            throws MojoExecutionException {
        List<ImageSaver.ArchiveImage> archives = new ArrayList<>();
        Path work = outputDirectory.toPath().resolve("work/image-archives");
        for (int i = 0; i < declared.size(); i++) {
            DeclaredArchive archive = declared.get(i);
            String origin = DeclaredArchive.ELEMENT + " " + archive.file();
            String refName = archive.repository() + ":" + archive.tag();
            try {
                io.clusterimage.registry.OciLayoutSource layout = ArchiveImages.openAny(archive.file(), work.resolve(Integer.toString(i + 1)));
                ArchiveImages.requirePlatforms(layout, refName, archive.canonical(), targetPlatforms);
                archives.add(new ImageSaver.ArchiveImage(archive.canonical(), origin, layout, archive.repository(), archive.tag()));
            } catch (IOException | RegistryException e) {
                throw new MojoExecutionException(origin + " (<image>" + archive.written() + "</image>): " + e.getMessage());
            }
        }
        return archives;
    }

    /** Builds each {@code <appImage>} for each platform with Jib, before any tree is emptied. */
    private List<ImageSaver.ArchiveImage> appImages(List<io.clusterimage.appimage.AppImageSpec> specs, List<Platform> targetPlatforms,
                                                     Path cache, boolean offline) throws MojoExecutionException {
        if (specs.isEmpty()) {
            return List.of();
        }
        try {
            io.clusterimage.registry.BaseImageFetcher fetcher = specs.stream()
                    .noneMatch(s -> s.base() instanceof io.clusterimage.appimage.AppImageSpec.RegistryBase) ? null
                    : new io.clusterimage.registry.BaseImageFetcher(new RegistryClient(registryOptions()), new BlobCache(cache), offline);
            return io.clusterimage.appimage.AppImages.build(specs, targetPlatforms,
                    outputDirectory.toPath().resolve("work/app-images"), fetcher, line -> getLog().info("  " + line));
        } catch (io.clusterimage.appimage.AppImageException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        } catch (IOException e) {
            throw new MojoExecutionException(io.clusterimage.appimage.AppImageSpec.ELEMENT + ": building the image failed: "
                    + e.getMessage(), e);
        }
    }

    /**
     * An image pulled from a registry whose digest is not the one cluster-image.lock records (its tag moved
     * upstream) stops the build, and so does one the lock does not list when the lock is required. The
     * trees are emptied: nothing unverified goes into the cluster image.
     */
    private void checkAgainstLockFile(SaveSummary summary, Set<String> archiveNames) throws MojoExecutionException, IOException {
        java.util.Optional<io.clusterimage.fetch.LockFile> lock = inputs().readLock();
        if (lock.isEmpty()) {
            return;
        }
        List<io.clusterimage.registry.ImagesLock.Entry> entries = io.clusterimage.registry.ImagesLock.read(outputDirectory.toPath());
        List<String> problems = lock.get().imageMismatches(io.clusterimage.fetch.LockFile.pulledImages(entries, archiveNames), requireLock);
        if (problems.isEmpty()) {
            return;
        }
        for (Platform platform : effectivePlatforms()) {
            io.clusterimage.registry.DistributionTree.delete(outputDirectory.toPath().resolve(SaveOptions.directoryName(platform)).resolve("registry"));
        }
        Files.deleteIfExists(outputDirectory.toPath().resolve("images.lock"));
        throw new MojoExecutionException(lockFile.getName() + " does not match what the registries serve: " + String.join("; ", problems)
                + ". If the change is expected, run mvn package cluster-image:lock and review the diff; otherwise pin the image by"
                + " digest where it is referenced");
    }

    /** Where save-registry keeps which mirror served each image, for the no-op builds after it. */
    private Path servedByFile() {
        return outputDirectory.toPath().resolve("work/served-by.json");
    }

    private void writeServedBy(Map<String, String> servedBy) throws IOException {
        Files.createDirectories(servedByFile().getParent());
        io.clusterimage.core.AtomicFiles.write(servedByFile(), new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(servedBy));
    }

    private Map<String, String> readServedBy() throws IOException {
        if (!Files.isRegularFile(servedByFile())) {
            return Map.of();
        }
        Map<String, String> servedBy = new java.util.TreeMap<>();
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(servedByFile().toFile()).fields()
                .forEachRemaining(field -> servedBy.put(field.getKey(), field.getValue().asText()));
        return servedBy;
    }

    /** images.json says for each image the mirror it came from. */
    private void recordServedBy(Map<String, String> servedBy) throws IOException {
        io.clusterimage.inventory.InventoryReport.recordServedBy(outputDirectory.toPath(), servedBy);
    }

    private void writeLock(SaveSummary summary) throws IOException {
        Path lock = outputDirectory.toPath().resolve("images.lock");
        Files.createDirectories(lock.getParent());
        Files.writeString(lock, String.join("\n", summary.locked()) + (summary.locked().isEmpty() ? "" : "\n"), StandardCharsets.UTF_8);
    }
}
