package io.clusterimage.registry;

import io.clusterimage.core.Platform;
import io.clusterimage.core.Pools;
import io.clusterimage.reference.ImageReference;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The registry stage's entry point: saves images into one docker-distribution tree per platform.
 *
 * <p>Manifests are stored as the exact bytes served; every blob goes through the shared cache,
 * verified while streaming, and is fetched once however many images and platforms share it. Images
 * are saved in parallel. A re-run (or a run after a crash) reuses what is complete in the cache and
 * the trees, and tags are only written once the manifest and all its blobs are in place. Where an image
 * comes from is an {@link ImageSource}, how it goes into the tree {@link TreeStore}'s, and its signatures
 * and referrers {@link ImageSignatures}'.
 */
public final class ImageSaver {

    private final SaveOptions options;
    private final CachedRegistry registry;
    private final ExecutorService blobPool;
    private final TreeStore store;
    private final ImageSignatures signatures;

    public ImageSaver(RegistryClient client, SaveOptions options) throws IOException {
        this.options = options;
        BlobCache cache = new BlobCache(options.cacheDirectory());
        this.blobPool = Executors.newFixedThreadPool(options.maxConcurrent(), daemon("cluster-image-blob"));
        this.registry = new CachedRegistry(client, cache, options.offline(), blobPool);
        this.store = new TreeStore(cache);
        this.signatures = new ImageSignatures(options, store);
    }

    /** One image that could not be saved, and why. */
    public record Failure(String image, Platform platform, RegistryException error) {
    }

    /** Thrown when some images could not be saved; every failure is listed. */
    public static final class SaveException extends Exception {
        private final List<Failure> failures;

        SaveException(List<Failure> failures) {
            super(failures.size() + " image(s) could not be saved: " + failures.stream()
                    .map(f -> f.image() + " [" + f.platform() + "]: " + f.error().getMessage()).toList());
            this.failures = List.copyOf(failures);
        }

        public List<Failure> failures() {
            return failures;
        }
    }

    public SaveSummary save(List<ImageReference> images) throws IOException, SaveException {
        return save(images, List.of());
    }

    public SaveSummary save(List<ImageReference> images, List<ArchiveImage> archives) throws IOException, SaveException {
        long start = System.nanoTime();
        List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
        List<String> locked = Collections.synchronizedList(new ArrayList<>());
        ExecutorService imagePool = Executors.newFixedThreadPool(Math.min(options.maxConcurrent(), Math.max(1, images.size())),
                daemon("cluster-image-save"));
        try {
            for (Platform platform : options.platforms()) {
                DistributionTree tree = new DistributionTree(options.registryDirectory(platform));
                List<Future<?>> jobs = new ArrayList<>();
                for (ImageReference image : images) {
                    jobs.add(imagePool.submit(() -> {
                        long imageStart = System.nanoTime();
                        try {
                            SavedImage saved = saveImage(tree, image, platform);
                            locked.add(platform + " " + image.canonical() + " " + saved.digest);
                            double seconds = Math.max(1e-3, (System.nanoTime() - imageStart) / 1e9);
                            options.progress().accept(String.format(Locale.ROOT, "%s [%s] %s, %.1f s%s", image.canonical(), platform,
                                    humanBytes(saved.bytes), seconds,
                                    saved.fetched > 0 ? String.format(Locale.ROOT, ", %s/s", humanBytes((long) (saved.fetched / seconds))) : ", from cache"));
                        } catch (RegistryException e) {
                            failures.add(new Failure(image.canonical(), platform, e));
                        } catch (IOException e) {
                            failures.add(new Failure(image.canonical(), platform,
                                    new RegistryException(RegistryException.Kind.TRANSIENT, e.toString(), e)));
                        }
                        return null;
                    }));
                }
                for (ArchiveImage archive : archives) {
                    if (!archive.appliesTo(platform)) {
                        continue;
                    }
                    jobs.add(imagePool.submit(() -> {
                        try {
                            SavedImage saved = saveArchiveImage(tree, archive, platform);
                            locked.add(platform + " " + archive.name() + " " + saved.digest);
                            options.progress().accept(archive.name() + " [" + platform + "] " + humanBytes(saved.bytes) + ", from archive");
                        } catch (RegistryException e) {
                            failures.add(new Failure(archive.name(), platform, e));
                        } catch (IOException e) {
                            failures.add(new Failure(archive.name(), platform,
                                    new RegistryException(RegistryException.Kind.TRANSIENT, e.toString(), e)));
                        }
                        return null;
                    }));
                }
                waitFor(jobs);
                tree.close();
            }
        } finally {
            // let downloads still running settle (and remove their temporary files) before returning
            Pools.stop(Duration.ofSeconds(60), imagePool, blobPool);
        }
        if (!failures.isEmpty()) {
            throw new SaveException(failures);
        }
        List<String> sortedLock = new ArrayList<>(locked);
        Collections.sort(sortedLock);
        long archiveImages = options.platforms().stream()
                .mapToLong(platform -> archives.stream().filter(archive -> archive.appliesTo(platform)).count()).sum();
        return new SaveSummary((int) (images.size() * options.platforms().size() + archiveImages), registry.blobsFetched(),
                registry.bytesFetched(), registry.bytesFromCache(), Duration.ofNanos(System.nanoTime() - start), sortedLock,
                new TreeMap<>(servedBy));
    }

    private record SavedImage(String digest, long bytes, long fetched) {
    }

    /** Per image saved in this run, the mirror that served it (images the registry itself served are not listed). */
    private final Map<String, String> servedBy = new ConcurrentHashMap<>();

    /**
     * An image read from an archive of images/skopeo/tar.txt, stored as {@code repository:tag}.
     *
     * @param origin where the archive is listed ({@code images/skopeo/tar.txt:3}): its errors start with it
     */
    public record ArchiveImage(String name, String origin, OciLayoutSource layout, String repository, String tag, Platform only) {

        /** An archive saved into every platform's tree (from an index, each tree gets its platform's image). */
        public ArchiveImage(String name, String origin, OciLayoutSource layout, String repository, String tag) {
            this(name, origin, layout, repository, tag, null);
        }

        /**
         * Whether it goes into {@code platform}'s tree: an image built once per platform (an application
         * image) is one archive per platform, each saved into its own tree only.
         */
        public boolean appliesTo(Platform platform) {
            return only == null || only.equals(platform);
        }
    }

    private SavedImage saveImage(DistributionTree tree, ImageReference image, Platform platform)
            throws IOException, RegistryException {
        String reference = image.digest().orElse(image.tag().orElse("latest"));
        ImageSource source = ImageSource.registry(registry, image.domain(), image.repositoryPath());
        // a name without tag or digest means :latest, and is stored under that tag so the cluster can pull it by name
        String tag = image.tag().orElse(image.digest().isPresent() ? null : "latest");
        Manifest top = source.manifest(reference);
        registry.servedBy(image.domain(), image.repositoryPath(), top.digest()).ifPresent(mirror -> servedBy.put(image.canonical(), mirror));
        String platformDigest = top.digest();
        if (top.isIndex() && !options.copyAllPlatforms()) {
            List<Manifest> chain = ImageIndexes.platformChain(image.canonical(), top, platform, source::manifest);
            platformDigest = chain.get(chain.size() - 1).digest();
        }
        List<String> digests = top.digest().equals(platformDigest) ? List.of(top.digest()) : List.of(top.digest(), platformDigest);
        Optional<SignatureRule> rule = options.signatureRules().stream().filter(r -> r.matches(image.canonical())).findFirst();
        if (rule.isPresent()) {
            // before anything is stored: nothing unverified goes into the tree
            signatures.checkSignatures(source, image, digests, rule.get());
        }
        SavedImage saved = saveImage(tree, source, top, image.canonical(), image.repositoryPath(), tag, image.digest().isPresent(), platform);
        if (options.carrySignatures()) {
            signatures.carrySignatures(tree, source, image, top, digests);
        }
        return saved;
    }

    private SavedImage saveArchiveImage(DistributionTree tree, ArchiveImage archive, Platform platform)
            throws IOException, RegistryException {
        ImageSource source = ImageSource.layout(archive.layout(), archive.repository() + ":" + archive.tag());
        try {
            return saveImage(tree, source, source.manifest(null), archive.name(), archive.repository(), archive.tag(), false, platform);
        } catch (RegistryException e) {
            // the archive's own content is at fault: say which line of tar.txt brought it in
            throw new RegistryException(e.kind(), archive.origin() + ": " + e.getMessage(), e);
        }
    }

    private SavedImage saveImage(DistributionTree tree, ImageSource source, Manifest top, String name, String repository,
                                 String tag, boolean pinned, Platform platform) throws IOException, RegistryException {
        long[] sizes = new long[2];
        String tagTarget;
        if (top.isIndex()) {
            if (options.copyAllPlatforms()) {
                store.storeIndex(tree, source, name, repository, List.of(top), sizes);
                tagTarget = top.digest();
            } else {
                List<Manifest> chain = ImageIndexes.platformChain(name, top, platform, source::manifest);
                Manifest manifest = chain.get(chain.size() - 1);
                store.storeImageManifest(tree, source, repository, manifest, sizes);
                if (pinned) {
                    // pinned to the index digest: keep the indexes down to this platform's image too, so pulling by that digest works
                    for (int i = chain.size() - 2; i >= 0; i--) {
                        tree.putManifest(repository, chain.get(i).digest(), chain.get(i).bytes());
                    }
                }
                tagTarget = manifest.digest();
            }
        } else if (top.isImageManifest()) {
            store.storeImageManifest(tree, source, repository, top, sizes);
            tagTarget = top.digest();
        } else {
            throw new RegistryException(RegistryException.Kind.UNSUPPORTED, name + " has an unsupported manifest type '"
                    + top.mediaType() + "'");
        }
        // the tag makes the image visible to the cluster: only once everything it reaches is in the tree
        TreeCompleteness.verify(tree, repository, tagTarget, name);
        if (tag != null) {
            tree.tag(repository, tag, tagTarget);
        }
        return new SavedImage(pinned ? top.digest() : tagTarget, sizes[0], sizes[1]);
    }

    private static void waitFor(List<Future<?>> jobs) throws IOException {
        for (Future<?> job : jobs) {
            try {
                job.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            } catch (ExecutionException e) {
                throw new IOException(e.getCause());
            }
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    public static String humanBytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
