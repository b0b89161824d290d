package io.clusterimage.maven;

import io.clusterimage.core.Fingerprint;
import io.clusterimage.inventory.ImageInventory;
import io.clusterimage.inventory.InventoryReport;
import io.clusterimage.reference.ImageReference;
import io.clusterimage.registry.ImageSaver;
import io.clusterimage.registry.ImagesLock;
import io.clusterimage.registry.RegistryClient;
import io.clusterimage.registry.SaveOptions;
import io.clusterimage.registry.SaveSummary;
import io.clusterimage.registry.ServedBy;
import io.clusterimage.registry.TreesRecord;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Pulls every image of the inventory into a docker-distribution tree per platform
 * ({@code target/cluster-image/<os>-<arch>/registry}), verified, in parallel, through a blob cache
 * shared by all builds of the user. Never writes into the source tree.
 */
// runtime dependencies: <appImages> take a module's code and its runtime classpath from them
@Mojo(name = "save-registry", defaultPhase = LifecyclePhase.PREPARE_PACKAGE, threadSafe = true,
        requiresDependencyResolution = ResolutionScope.RUNTIME)
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

    private ImageInventory inventory;
    private SavePlan plan;

    public SaveRegistryMojo() {
        super("save-registry", Option.LOCK_OUTPUT, Option.UP_TO_DATE);
    }

    @Override
    protected boolean skipped() {
        return skipSave;
    }

    @Override
    protected boolean applies() throws MojoExecutionException {
        inventory = InventoryLookup.inventory(this).orElse(null);
        return inventory != null;
    }

    @Override
    protected void prepare() throws MojoExecutionException {
        plan = new SavePlan(inventory, this);
    }

    @Override
    protected Fingerprint fingerprint(Fingerprint seeded) throws IOException {
        return plan.addTo(seeded);
    }

    @Override
    protected List<Path> outputs() {
        return Stream.concat(plan.targets.stream().map(p -> SaveOptions.registryDirectory(outputDirectory.toPath(), p)),
                Stream.of(outputDirectory.toPath().resolve(ImagesLock.FILE_NAME))).toList();
    }

    @Override
    protected boolean mayBeUpToDate() {
        return !refreshTags;
    }

    /** A scan that ran again wrote images.json without the mirrors: they are recorded in it again. */
    @Override
    protected void upToDate() throws IOException {
        getLog().info("cluster-image: registry trees up to date (same images, platforms and settings as the last save);"
                + " -Dcluster-image.refreshTags=true re-resolves tags that may have moved");
        InventoryReport.recordServedBy(outputDirectory.toPath(), ServedBy.read(outputDirectory.toPath()));
    }

    @Override
    protected void run() throws MojoExecutionException, MojoFailureException, IOException {
        Path cache = cache();
        boolean offline = offline();
        List<ImageReference> images = plan.pulled();
        getLog().info("cluster-image: saving " + images.size() + " image(s) and " + plan.count() + " archive image(s) for " + plan.targets
                + (offline ? " (offline: cache only)" : "") + "; cache " + cache);
        boolean interactive = session != null && session.getRequest() != null && session.getRequest().isInteractiveMode();
        ProgressView progress = new ProgressView(getLog(), interactive, (images.size() + plan.count()) * plan.targets.size(), "saving");
        SaveOptions options = new SaveOptions(outputDirectory.toPath(), plan.targets, copyAllPlatforms, maxConcurrentDownloads,
                cache, offline, progress, SignaturePolicyRule.rules(signaturePolicy), carrySignatures);
        List<ImageSaver.ArchiveImage> archives = plan.open();
        Set<String> archiveNames = archives.stream().map(ImageSaver.ArchiveImage::name).collect(Collectors.toSet());
        try {
            // start from empty trees: an image removed from the layout must not linger in the next cluster image
            // (blobs come back from the cache as hard links, so this costs little)
            TreesRecord.forget(outputDirectory.toPath());
            options.deleteTrees();
            ImageSaver saver = new ImageSaver(new RegistryClient(registryOptions()), options);
            SaveSummary summary;
            try (progress) {
                summary = saver.save(images, archives);
            }
            ImagesLock.write(outputDirectory.toPath(), summary.locked());
            ServedBy.write(outputDirectory.toPath(), summary.servedBy());
            InventoryReport.recordServedBy(outputDirectory.toPath(), summary.servedBy());
            summary.servedBy().forEach((image, mirror) -> getLog().info("cluster-image: " + image + " came from the mirror " + mirror));
            plan.checkAgainstLockFile(archiveNames);
            TreesRecord.write(outputDirectory.toPath(), plan.targets);
            record();
            getLog().info("cluster-image: " + summary.describe(outputDirectory.toPath()));
        } catch (ImageSaver.SaveException e) {
            throw SaveFailures.report(e, archiveNames, offline, cache, getLog());
        }
    }
}
