package io.clusterimage.registry;

import io.clusterimage.core.Platform;
import io.clusterimage.reference.ImageReference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Images read from registries, through the shared {@link BlobCache}: what save-registry saves and
 * what package-image builds on (FROM and COPY --from an image) come from here, so both get the same
 * mirrors, cache and offline rule.
 *
 * <ul>
 *   <li>A reference is resolved through its mirrors first (by registry or repository prefix), the host itself last; a tag's
 *       digest is remembered in the cache for offline builds.</li>
 *   <li>Manifest bytes are verified against their digest and kept in the cache as served.</li>
 *   <li>A blob comes from the cache, or is downloaded once however many images ask for it at the
 *       same time, verified while streaming, and added to the cache by an atomic rename.</li>
 *   <li>Offline ({@code mvn -o}) nothing is downloaded: what the cache lacks is an
 *       {@link RegistryException.Kind#OFFLINE_MISSING} error that lists it.</li>
 * </ul>
 */
public final class CachedRegistry {

    private final RegistryClient client;
    private final BlobCache cache;
    private final boolean offline;
    private final Executor downloads;
    private final Map<String, CompletableFuture<Path>> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger blobsFetched = new AtomicInteger();
    private final AtomicLong bytesFetched = new AtomicLong();
    private final AtomicLong bytesFromCache = new AtomicLong();

    /**
     * @param downloads runs blob downloads (a pool for parallel downloads; {@code Runnable::run}
     *                  downloads in the calling thread)
     */
    public CachedRegistry(RegistryClient client, BlobCache cache, boolean offline, Executor downloads) {
        this.client = client;
        this.cache = cache;
        this.offline = offline;
        this.downloads = downloads;
    }

    /** An image reference resolved for one platform: what the reference names, and the platform's image manifest. */
    public record Resolved(ImageReference image, Manifest top, Manifest manifest) {
    }

    /**
     * The entry point: the manifest {@code image} names and, when that is an index, the image
     * manifest of {@code platform} in it (through nested indexes, see {@link ImageIndexes}).
     *
     * @throws RegistryException UNSUPPORTED naming the image, the platform and the platforms it has
     *                           when the index has no image for {@code platform}
     */
    public Resolved resolve(ImageReference image, Platform platform) throws IOException, RegistryException {
        String host = image.domain();
        String repository = image.repositoryPath();
        Manifest top = manifest(host, repository, image.digest().orElse(image.tag().orElse("latest")));
        if (top.isIndex()) {
            List<Manifest> chain = ImageIndexes.platformChain(image.canonical(), top, platform,
                    digest -> manifest(host, repository, digest));
            return new Resolved(image, top, chain.get(chain.size() - 1));
        }
        if (!top.isImageManifest()) {
            throw new RegistryException(RegistryException.Kind.UNSUPPORTED, image.canonical() + " has an unsupported manifest type '"
                    + top.mediaType() + "'");
        }
        return new Resolved(image, top, top);
    }

    /** A manifest by tag or digest: from the cache when offline (or by digest), else from the mirrors, then the host. */
    public Manifest manifest(String host, String repository, String reference) throws IOException, RegistryException {
        boolean byDigest = Digests.isSha256(reference);
        if (byDigest) {
            Optional<Manifest> cached = cachedManifest(reference, null);
            if (cached.isPresent()) {
                return cached.get();
            }
        }
        if (offline) {
            if (!byDigest) {
                Optional<String[]> tag = cache.tag(host, repository, reference);
                if (tag.isPresent()) {
                    Optional<Manifest> cached = cachedManifest(tag.get()[0], tag.get()[1]);
                    if (cached.isPresent()) {
                        return cached.get();
                    }
                }
            }
            throw new RegistryException(RegistryException.Kind.OFFLINE_MISSING, RegistryTransport.describe(host, repository, reference)
                    + " is not in the cache " + cache.root() + " (offline: nothing is downloaded)");
        }
        RegistryException failure = null;
        for (Mirrors.Source source : sources(host, repository)) {
            try {
                Manifest manifest = client.manifest(source.host(), source.repository(), reference);
                cache.putBytes(manifest.digest(), manifest.bytes());
                if (!byDigest) {
                    cache.rememberTag(host, repository, reference, manifest.digest(), manifest.mediaType());
                }
                if (source.mirror() != null) {
                    servedBy.put(host + "/" + repository + "@" + manifest.digest(), source.mirror());
                }
                return manifest;
            } catch (RegistryException e) {
                if (source.mirror() == null || failure == null) {
                    failure = e; // the registry's own answer says most; a mirror's only when the registry was not asked
                }
            }
        }
        throw failure;
    }

    /**
     * The referrers of {@code digest} by the referrers API, from the host itself (a mirror's answer would be the
     * mirror's); remembered in the cache as the fallback tag {@code sha256-<hex>} it stands for, so {@code -o}
     * finds it by {@link #manifest} like a fallback tag read from a registry without the API.
     */
    public Manifest referrers(String host, String repository, String digest) throws IOException, RegistryException {
        String fallbackTag = digest.replace(':', '-');
        if (offline) {
            return manifest(host, repository, fallbackTag);
        }
        Manifest index = client.referrers(host, repository, digest);
        cache.putBytes(index.digest(), index.bytes());
        cache.rememberTag(host, repository, fallbackTag, index.digest(), index.mediaType());
        return index;
    }

    /** Which mirror served a manifest (by the image's host, repository and the manifest's digest); none: the host itself. */
    private final java.util.Map<String, String> servedBy = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The mirror ({@code host[/path]}) that served the manifest {@code digest} of {@code host/repository} in this build,
     * or empty when the registry itself did, or it came from the cache.
     */
    public Optional<String> servedBy(String host, String repository, String digest) {
        return Optional.ofNullable(servedBy.get(host + "/" + repository + "@" + digest));
    }

    /** A manifest in the cache, unless its file does not hold what its digest says (then it is fetched again). */
    private Optional<Manifest> cachedManifest(String digest, String mediaType) throws IOException {
        Optional<Path> file = cache.blob(digest);
        if (file.isEmpty()) {
            return Optional.empty();
        }
        Manifest manifest = Manifest.of(Files.readAllBytes(file.get()), mediaType);
        return manifest.digest().equals(digest) ? Optional.of(manifest) : Optional.empty();
    }

    /**
     * The blobs of one image as complete, verified files in the cache, started at once. Offline, every
     * blob the cache lacks is listed in one error before anything is returned.
     *
     * @param fetchedBytes told the size of each blob this call downloaded (not those from the cache,
     *                     nor those another caller was already downloading)
     */
    public List<CompletableFuture<Path>> blobs(String host, String repository, List<Manifest.Descriptor> blobs,
                                               LongConsumer fetchedBytes) throws RegistryException {
        for (Manifest.Descriptor blob : blobs) {
            if (!Digests.isSha256(blob.digest())) {
                throw new RegistryException(RegistryException.Kind.UNSUPPORTED, "blob digest '" + blob.digest() + "' in "
                        + host + "/" + repository + " is not sha256");
            }
        }
        if (offline) {
            List<String> missing = blobs.stream().map(Manifest.Descriptor::digest).filter(d -> cache.blob(d).isEmpty()).distinct().toList();
            if (!missing.isEmpty()) {
                throw new RegistryException(RegistryException.Kind.OFFLINE_MISSING, missing.size() + " blob(s) of " + host + "/"
                        + repository + " are not in the cache " + cache.root() + " (offline: nothing is downloaded): " + missing);
            }
        }
        List<CompletableFuture<Path>> files = new ArrayList<>();
        for (Manifest.Descriptor blob : blobs) {
            files.add(blob(host, repository, blob, fetchedBytes));
        }
        return files;
    }

    private CompletableFuture<Path> blob(String host, String repository, Manifest.Descriptor blob, LongConsumer fetchedBytes) {
        Optional<Path> cached = cache.blob(blob.digest());
        if (cached.isPresent()) {
            bytesFromCache.addAndGet(Math.max(0, blob.size()));
            return CompletableFuture.completedFuture(cached.get());
        }
        CompletableFuture<Path> mine = new CompletableFuture<>();
        CompletableFuture<Path> running = inFlight.putIfAbsent(blob.digest(), mine);
        if (running != null) {
            return running; // someone is fetching it already: one download, however many images share the blob
        }
        try {
            downloads.execute(() -> {
                try {
                    mine.complete(download(host, repository, blob, fetchedBytes));
                } catch (IOException | RegistryException | RuntimeException e) {
                    mine.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            mine.completeExceptionally(new RegistryException(RegistryException.Kind.TRANSIENT, "the build is shutting down", e));
        }
        return mine;
    }

    private Path download(String host, String repository, Manifest.Descriptor blob, LongConsumer fetchedBytes)
            throws IOException, RegistryException {
        String digest = blob.digest();
        Optional<Path> again = cache.blob(digest); // another build may have fetched it meanwhile
        if (again.isPresent()) {
            return again.get();
        }
        if (offline) {
            throw new RegistryException(RegistryException.Kind.OFFLINE_MISSING, "blob " + digest + " of " + host + "/"
                    + repository + " is not in the cache " + cache.root() + " (offline: nothing is downloaded)");
        }
        Path temp = cache.newTempFile();
        long size;
        try {
            size = fetchBlob(host, repository, digest, blob.size(), temp);
        } catch (RegistryException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        blobsFetched.incrementAndGet();
        bytesFetched.addAndGet(size);
        fetchedBytes.accept(size);
        return cache.commit(temp, digest);
    }

    private long fetchBlob(String host, String repository, String digest, long size, Path temp) throws RegistryException {
        RegistryException failure = null;
        for (Mirrors.Source source : sources(host, repository)) {
            try {
                return client.blob(source.host(), source.repository(), digest, size, temp);
            } catch (RegistryException e) {
                if (source.mirror() == null || failure == null) {
                    failure = e;
                }
            }
        }
        throw failure;
    }

    /** The mirrors of the longest prefix the image falls under first (see {@link Mirrors}), its own registry last. */
    private List<Mirrors.Source> sources(String host, String repository) {
        return Mirrors.sources(client.options().mirrors(), host, repository);
    }

    /**
     * The index entry for a platform; arm64 without variant matches v8 and the other way round.
     *
     * @throws RegistryException UNSUPPORTED naming the image, the platform and the platforms it has
     */
    public static Manifest.Descriptor platformEntry(String image, List<Manifest.Descriptor> children, Platform platform)
            throws RegistryException {
        Optional<Manifest.Descriptor> chosen = findPlatformEntry(children, platform);
        if (chosen.isEmpty()) {
            throw noImageFor(image, platform, children.stream().map(CachedRegistry::platformOf).toList());
        }
        return chosen.get();
    }

    /** The index entry for a platform, if there is one (see {@link #platformEntry}). */
    static Optional<Manifest.Descriptor> findPlatformEntry(List<Manifest.Descriptor> children, Platform platform) {
        Optional<Manifest.Descriptor> exact = children.stream().filter(c -> c.os().equals(platform.os())
                && c.architecture().equals(platform.architecture()) && c.variant().equals(platform.variant())).findFirst();
        return exact.isPresent() ? exact : children.stream()
                .filter(c -> c.os().equals(platform.os()) && c.architecture().equals(platform.architecture())
                        && (platform.variant().isEmpty() || c.variant().isEmpty()
                        || normalizeVariant(c.variant()).equals(normalizeVariant(platform.variant()))))
                .findFirst();
    }

    /** {@code os/arch[/variant]} of an index entry, as messages list it. */
    static String platformOf(Manifest.Descriptor entry) {
        return entry.os() + "/" + entry.architecture() + (entry.variant().isEmpty() ? "" : "/" + entry.variant());
    }

    static RegistryException noImageFor(String image, Platform platform, List<String> platforms) {
        return new RegistryException(RegistryException.Kind.UNSUPPORTED, image + " has no image for " + platform + " (it has "
                + platforms.stream().distinct().toList()
                + "); build for one of those platforms, or list it in <platforms> only where it exists");
    }

    private static String normalizeVariant(String variant) {
        return variant.equals("v8") ? "" : variant;
    }

    /** Waits for a blob started by {@link #blobs}, rethrowing its failure as it was. */
    public static Path join(CompletableFuture<Path> future) throws IOException, RegistryException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(RegistryException.Kind.TRANSIENT, "interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
            if (cause instanceof RegistryException r) {
                throw r;
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(cause);
        }
    }

    public BlobCache cache() {
        return cache;
    }

    public int blobsFetched() {
        return blobsFetched.get();
    }

    public long bytesFetched() {
        return bytesFetched.get();
    }

    public long bytesFromCache() {
        return bytesFromCache.get();
    }
}
