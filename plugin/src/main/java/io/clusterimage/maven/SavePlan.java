package io.clusterimage.maven;

import io.clusterimage.appimage.AppImageException;
import io.clusterimage.appimage.AppImageSpec;
import io.clusterimage.appimage.AppImages;
import io.clusterimage.appimage.EngineImages;
import io.clusterimage.core.Fingerprint;
import io.clusterimage.core.Platform;
import io.clusterimage.inventory.DeclaredArchive;
import io.clusterimage.fetch.LockFile;
import io.clusterimage.inventory.ImageInventory;
import io.clusterimage.inventory.InventoryImage;
import io.clusterimage.inventory.TarImage;
import io.clusterimage.reference.ImageReference;
import io.clusterimage.registry.ArchiveImages;
import io.clusterimage.registry.BaseImageFetcher;
import io.clusterimage.registry.BlobCache;
import io.clusterimage.registry.ImageSaver;
import io.clusterimage.registry.OciLayoutSource;
import io.clusterimage.registry.RegistryClient;
import io.clusterimage.registry.RegistryException;
import org.apache.maven.plugin.MojoExecutionException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What save-registry saves, resolved from the scan and the POM before its up-to-date check: the images to pull, and
 * those it stores from files instead — the archives of images/skopeo/tar.txt, the {@code <imageArchives>}, the
 * {@code <appImages>} — opened (or built) as the saver takes them; what the up-to-date check compares; the lock
 * file's check of what was saved. Here because it joins the scan's declarations and the saver's archives, two
 * stages that know nothing of each other.
 */
final class SavePlan {

    private final SaveRegistryMojo mojo;
    private final ImageInventory inventory;
    final List<Platform> targets;
    private final List<TarImage> tars;
    private final List<DeclaredArchive> declared;
    private final List<DeclaredArchive> built;
    private final List<AppImageSpec> appSpecs;
    /** The engine's answers for {@code <from><docker>} bases: one {@code image inspect} serves the check and the build. */
    private final EngineImages engineImages = new EngineImages();

    SavePlan(ImageInventory inventory, SaveRegistryMojo mojo) throws MojoExecutionException {
        this.mojo = mojo;
        this.inventory = inventory;
        targets = mojo.effectivePlatforms();
        tars = inventory.tarImages();
        DeclaredImages images = DeclaredImages.of(mojo);
        declared = images.imageArchives();
        built = images.appImages();
        appSpecs = AppImageConfig.resolve(mojo.appImages, mojo.project, mojo.session == null ? List.of() : mojo.session.getProjects());
    }

    /**
     * What the up-to-date check compares: the images, the declarations and settings; the files by size and time (an
     * archive rebuilt by another module, or a module's code and classpath rebuilt by this build, saves the image
     * again); the lock file by its bytes (an unchanged build does not parse it); the signature policy.
     */
    Fingerprint addTo(Fingerprint fingerprint) throws IOException {
        fingerprint.add("images", inventory.images().stream().map(InventoryImage::canonical).toList())
                .add("imageArchives", ImageArchiveConfig.describe(declared)).add("appImages", AppImageConfig.describe(appSpecs))
                .add("archives", tars).add("copyAllPlatforms", mojo.copyAllPlatforms).add("requireLock", mojo.requireLock)
                .add("carrySignatures", mojo.carrySignatures).add("insecure", mojo.insecureRegistries)
                .add("mirrors", RegistryMirror.describe(mojo.mirrors));
        Path context = mojo.contextDirectory.toPath();
        for (TarImage tar : tars) {
            fingerprint.addTree(context.resolve(tar.archive()), p -> false);
        }
        for (DeclaredArchive archive : declared) {
            fingerprint.addTree(archive.file(), p -> false);
        }
        for (AppImageSpec spec : appSpecs) {
            fingerprint.addTree(spec.code(), p -> false);
            for (Path dependency : spec.dependencies()) {
                fingerprint.addTree(dependency, p -> false);
            }
            if (spec.base() instanceof AppImageSpec.ArchiveBase archive) {
                fingerprint.addTree(archive.file(), p -> false);
            }
            if (spec.base() instanceof AppImageSpec.DockerBase engine) {
                try {
                    fingerprint.add("engine image " + engine.name(), engineImages.imageId(engine));
                } catch (IOException e) {
                    throw new IOException(spec.describe() + ": " + engine.element() + ": " + e.getMessage(), e);
                }
            }
            for (AppImageSpec.ExtraDirectory extra : spec.extraDirectories()) {
                fingerprint.addTree(extra.from(), p -> false);
            }
        }
        fingerprint.addContent(mojo.lockFile.toPath());
        SignaturePolicyRule.addTo(fingerprint, mojo.signaturePolicy);
        return fingerprint;
    }

    /**
     * The images to pull: those no file provides (an archive of images/skopeo/tar.txt, an {@code <imageArchive>}, an
     * {@code <appImage>}: the file wins over the registry); one that registries.conf blocks is an error.
     */
    List<ImageReference> pulled() throws MojoExecutionException {
        Set<String> provided = new HashSet<>();
        tars.forEach(tar -> provided.add(tar.target()));
        declared.forEach(archive -> provided.add(archive.repository() + ":" + archive.tag()));
        built.forEach(image -> provided.add(image.repository() + ":" + image.tag()));
        List<ImageReference> images = ArchiveImages.notProvided(inventory.images().stream().map(InventoryImage::reference).toList(),
                provided);
        for (ImageReference image : images) {
            Optional<String> blocked = mojo.registriesConf().blockedReason(image);
            if (blocked.isPresent()) {
                throw new MojoExecutionException(blocked.get());
            }
        }
        return images;
    }

    int count() {
        return tars.size() + declared.size() + appSpecs.size();
    }

    /**
     * Every image as the saver takes it: each archive read (and a declared one checked against the platforms),
     * each {@code <appImage>} built for each platform with Jib — before any tree is emptied, so a missing or wrong
     * archive fails the build with the last trees untouched.
     */
    List<ImageSaver.ArchiveImage> open() throws MojoExecutionException {
        List<ImageSaver.ArchiveImage> archives = new ArrayList<>();
        Path context = mojo.contextDirectory.toPath();
        Path work = mojo.outputDirectory.toPath().resolve("work");
        for (TarImage tar : tars) {
            String target = tar.target();
            int colon = target.lastIndexOf(':');
            try {
                archives.add(new ImageSaver.ArchiveImage(tar.transport() + ":" + tar.archive() + "@" + target,
                        "images/skopeo/tar.txt:" + tar.line(), ArchiveImages.open(tar.transport(), context.resolve(tar.archive()),
                        work.resolve("archives").resolve(Integer.toString(tar.line()))), target.substring(0, colon), target.substring(colon + 1)));
            } catch (IOException | RegistryException e) {
                throw new MojoExecutionException("images/skopeo/tar.txt:" + tar.line() + ": cannot read " + tar.archive() + ": "
                        + e.getMessage());
            }
        }
        for (int i = 0; i < declared.size(); i++) {
            DeclaredArchive archive = declared.get(i);
            String origin = DeclaredArchive.ELEMENT + " " + archive.file();
            try {
                OciLayoutSource layout = ArchiveImages.openAny(archive.file(), work.resolve("image-archives").resolve(Integer.toString(i + 1)));
                ArchiveImages.requirePlatforms(layout, archive.repository() + ":" + archive.tag(), archive.canonical(), targets);
                archives.add(new ImageSaver.ArchiveImage(archive.canonical(), origin, layout, archive.repository(), archive.tag()));
            } catch (IOException | RegistryException e) {
                throw new MojoExecutionException(origin + " (<image>" + archive.written() + "</image>): " + e.getMessage());
            }
        }
        archives.addAll(build(work.resolve("app-images")));
        return archives;
    }

    private List<ImageSaver.ArchiveImage> build(Path work) throws MojoExecutionException {
        if (appSpecs.isEmpty()) {
            return List.of();
        }
        try {
            BaseImageFetcher fetcher = appSpecs.stream().noneMatch(s -> s.base() instanceof AppImageSpec.RegistryBase) ? null
                    : new BaseImageFetcher(new RegistryClient(mojo.registryOptions()), new BlobCache(mojo.cache()), mojo.offline());
            return AppImages.build(appSpecs, targets, work, fetcher, engineImages, line -> mojo.getLog().info("  " + line));
        } catch (AppImageException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        } catch (IOException e) {
            throw new MojoExecutionException(AppImageSpec.ELEMENT + ": building the image failed: " + e.getMessage(), e);
        }
    }

    /**
     * An image pulled from a registry whose digest is not the one cluster-image.lock records (its tag moved
     * upstream) stops the build, and so does one the lock does not list when the lock is required. The
     * trees are emptied: nothing unverified goes into the cluster image.
     *
     * @param fromArchives the names of the images saved from files
     */
    void checkAgainstLockFile(Set<String> fromArchives) throws MojoExecutionException, IOException {
        Optional<LockFile> lock = mojo.inputs().readLock();
        List<String> problems = lock.isEmpty() ? List.of()
                : lock.get().verifySaved(mojo.outputDirectory.toPath(), mojo.effectivePlatforms(), fromArchives, mojo.requireLock);
        if (!problems.isEmpty()) {
            throw new MojoExecutionException(mojo.lockFile.getName() + " does not match what the registries serve: "
                    + String.join("; ", problems) + ". If the change is expected, run mvn package cluster-image:lock and review the"
                    + " diff; otherwise pin the image by digest where it is referenced");
        }
    }
}
