package io.clusterimage.registry;

import io.clusterimage.core.Platform;
import io.clusterimage.reference.ImageReference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The registry stage's entry point: saves images into one docker-distribution tree per platform.
 *
 * <p>Manifests are stored as the exact bytes served; every blob goes through the shared cache,
 * verified while streaming, and is fetched once however many images and platforms share it. Images
 * are saved in parallel. A re-run (or a run after a crash) reuses what is complete in the cache and
 * the trees, and tags are only written once the manifest and all its blobs are in place.
 */
public final class ImageSaver {

    private final SaveOptions options;
    private final BlobCache cache;
    private final CachedRegistry registry;
    private final ExecutorService blobPool;

    public ImageSaver(RegistryClient client, SaveOptions options) throws IOException {
        this.options = options;
        this.cache = new BlobCache(options.cacheDirectory());
        this.blobPool = Executors.newFixedThreadPool(options.maxConcurrent(), daemon("cluster-image-blob"));
        this.registry = new CachedRegistry(client, cache, options.offline(), blobPool);
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
            imagePool.shutdownNow();
            blobPool.shutdownNow();
            // let downloads still running settle (and remove their temporary files) before returning
            awaitQuietly(imagePool);
            awaitQuietly(blobPool);
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
                new java.util.TreeMap<>(servedBy));
    }

    private record SavedImage(String digest, long bytes, long fetched) {
    }

    /** Per image saved in this run, the mirror that served it (images the registry itself served are not listed). */
    private final java.util.Map<String, String> servedBy = new java.util.concurrent.ConcurrentHashMap<>();

    /** Where one image's manifests and blobs come from: a registry (through the cache) or an OCI layout. */
    private interface Source {
        Manifest manifest(String reference) throws IOException, RegistryException;

        /** The referrers of a digest by the referrers API; NOT_FOUND from a registry without it. */
        Manifest referrers(String digest) throws IOException, RegistryException;

        /** Starts getting an image's blobs; each path is a complete, verified file. */
        List<CompletableFuture<Path>> blobs(List<Manifest.Descriptor> blobs, long[] sizes) throws RegistryException;

        String describe();
    }

    private Source registrySource(String host, String repository) {
        return new Source() {
            public Manifest manifest(String reference) throws IOException, RegistryException {
                return registry.manifest(host, repository, reference);
            }

            public Manifest referrers(String digest) throws IOException, RegistryException {
                return registry.referrers(host, repository, digest);
            }

            public List<CompletableFuture<Path>> blobs(List<Manifest.Descriptor> blobs, long[] sizes) throws RegistryException {
                return registry.blobs(host, repository, blobs, fetched -> {
                    synchronized (sizes) {
                        sizes[1] += fetched;
                    }
                });
            }

            public String describe() {
                return host + "/" + repository;
            }
        };
    }

    private static Source layoutSource(OciLayoutSource layout, String refName) {
        return new Source() {
            public Manifest manifest(String reference) throws IOException, RegistryException {
                return reference == null ? layout.top(refName) : layout.manifest(reference, null);
            }

            public Manifest referrers(String digest) throws RegistryException {
                throw new RegistryException(RegistryException.Kind.NOT_FOUND, "an archive has no referrers API");
            }

            public List<CompletableFuture<Path>> blobs(List<Manifest.Descriptor> blobs, long[] sizes) {
                return blobs.stream().map(blob -> {
                    try {
                        Path file = layout.blob(blob.digest());
                        long size = Files.size(file);
                        String actual = size != blob.size() && blob.size() >= 0 ? null : Digests.of(file);
                        if (actual == null || !actual.equals(blob.digest())) {
                            throw new RegistryException(RegistryException.Kind.DIGEST_MISMATCH, "blob " + blob.digest() + " in "
                                    + layout.name() + " has the wrong content (" + (actual == null ? "" : actual + ", ")
                                    + size + " bytes" + (blob.size() >= 0 ? " of " + blob.size() + " expected" : "")
                                    + "); the archive is damaged: re-create it");
                        }
                        return CompletableFuture.completedFuture(file);
                    } catch (IOException | RegistryException e) {
                        return CompletableFuture.<Path>failedFuture(e);
                    }
                }).toList();
            }

            public String describe() {
                return layout.name();
            }
        };
    }

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
        Source source = registrySource(image.domain(), image.repositoryPath());
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
            checkSignatures(source, image, digests, rule.get());
        }
        SavedImage saved = saveImage(tree, source, top, image.canonical(), image.repositoryPath(), tag, image.digest().isPresent(), platform);
        if (options.carrySignatures()) {
            carrySignatures(tree, source, image, top, digests);
        }
        return saved;
    }

    // ---- cosign signatures, attestations, SBOMs ----

    /** What a registry answered for a signature tag, remembered for the other platforms' trees. */
    private final java.util.Map<String, Optional<Manifest>> signatureTags = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param strict whether a registry that cannot answer (down, refusing) is an error, as for the policy; for
     *               carrying tags along it is not: the image itself came (perhaps from a mirror that lacks them)
     */
    private Optional<Manifest> optionalManifest(Source source, String tag, boolean strict) throws IOException, RegistryException {
        String key = source.describe() + ":" + tag;
        Optional<Manifest> known = signatureTags.get(key);
        if (known != null) {
            return known;
        }
        Optional<Manifest> found;
        try {
            found = Optional.of(source.manifest(tag));
        } catch (RegistryException e) {
            if (strict && e.kind() != RegistryException.Kind.NOT_FOUND && e.kind() != RegistryException.Kind.OFFLINE_MISSING) {
                throw e;
            }
            if (!strict && e.kind() != RegistryException.Kind.NOT_FOUND && e.kind() != RegistryException.Kind.OFFLINE_MISSING) {
                options.progress().accept(describeTag(tag) + ": not carried, the registry did not answer (" + e.kind() + ")");
            }
            found = Optional.empty(); // no such tag (offline: none was seen when online)
        }
        signatureTags.put(key, found);
        return found;
    }

    private static String describeTag(String tag) {
        return "cosign tag " + tag;
    }

    /**
     * The rule holds when a {@code .sig} of one of the image's digests (what its tag names, and this
     * platform's manifest) carries a payload naming that digest, signed by the rule's key (any signature,
     * for a rule without key).
     */
    private void checkSignatures(Source source, ImageReference image, List<String> digests, SignatureRule rule)
            throws IOException, RegistryException {
        List<String> found = new ArrayList<>();
        for (String digest : digests) {
            Optional<Manifest> signatures = optionalManifest(source, CosignSignatures.tag(digest, "sig"), true);
            if (signatures.isEmpty()) {
                continue;
            }
            for (CosignSignatures.Layer layer : CosignSignatures.layers(signatures.get())) {
                byte[] payload = payload(source, layer.payload());
                String signed = CosignSignatures.signedDigest(payload);
                if (!digest.equals(signed)) {
                    found.add("a signature over " + (signed == null ? "no digest (not a cosign payload)" : signed) + " in the tag of " + digest);
                } else if (rule.key() == null || CosignSignatures.verifies(rule.key(), payload, layer.signature())) {
                    return;
                } else {
                    found.add("a signature over " + digest + " that " + rule.keyName() + " did not make (or a changed payload)");
                }
            }
        }
        throw new RegistryException(RegistryException.Kind.POLICY, image.canonical() + " breaks the signature rule " + rule.describe()
                + ": " + (found.isEmpty() ? "it has no cosign signature (no " + digests.stream().map(d -> CosignSignatures.tag(d, "sig"))
                .toList() + " tag)" : String.join("; ", found)) + "; nothing was stored");
    }

    private byte[] payload(Source source, Manifest.Descriptor descriptor) throws IOException, RegistryException {
        if (!Digests.isSha256(descriptor.digest()) || descriptor.size() < 0 || descriptor.size() > CosignSignatures.MAX_PAYLOAD_BYTES) {
            throw new RegistryException(RegistryException.Kind.POLICY, "a signature payload " + descriptor.digest() + " of "
                    + descriptor.size() + " bytes is not one cosign writes; refused");
        }
        long[] sizes = new long[2];
        Path file = CachedRegistry.join(source.blobs(List.of(descriptor), sizes).get(0));
        return Files.readAllBytes(file);
    }

    /**
     * Stores the {@code .sig}, {@code .att} and {@code .sbom} tags of the image's digests next to it, so the
     * cluster's registry serves them; a signature over an index keeps that index in the tree, so the image
     * verifies by the index digest there too.
     */
    private void carrySignatures(DistributionTree tree, Source source, ImageReference image, Manifest top, List<String> digests)
            throws IOException, RegistryException {
        String repository = image.repositoryPath();
        for (String digest : digests) {
            for (String suffix : CosignSignatures.SUFFIXES) {
                String tag = CosignSignatures.tag(digest, suffix);
                Optional<Manifest> manifest = optionalManifest(source, tag, false);
                if (manifest.isEmpty() || !manifest.get().isImageManifest()) {
                    continue;
                }
                Optional<String> notJson = suffix.equals("sig") ? Optional.empty() : notJson(source, manifest.get());
                if (notJson.isPresent()) {
                    options.progress().accept(image.canonical() + " " + tag + ": not carried, " + notJson.get());
                    continue;
                }
                long[] sizes = new long[2];
                storeImageManifest(tree, source, repository, manifest.get(), sizes);
                TreeCompleteness.verify(tree, repository, manifest.get().digest(), image.canonical() + " " + tag);
                tree.tag(repository, tag, manifest.get().digest());
                if (digest.equals(top.digest()) && top.isIndex()) {
                    tree.putManifest(repository, top.digest(), top.bytes());
                }
            }
            // OCI 1.1 referrers (SBOMs, attestations, signatures attached with a subject): by the tag scheme
            // registries without the referrers API use (sha256-<hex> names an index of them), else by the API;
            // in the tree always under the tag, which the cluster's registry (docker-registry) serves
            String referrersTag = digest.replace(':', '-');
            Optional<Manifest> referrers = optionalManifest(source, referrersTag, false);
            if (referrers.isEmpty()) {
                referrers = referrersByApi(source, digest);
            }
            if (referrers.isPresent() && referrers.get().isIndex()) {
                Manifest index = ofSubject(source, image, referrers.get(), digest);
                if (index.children().isEmpty()) {
                    continue;
                }
                long[] sizes = new long[2];
                storeIndex(tree, source, image.canonical() + " " + referrersTag, repository, List.of(index), sizes);
                TreeCompleteness.verify(tree, repository, index.digest(), image.canonical() + " " + referrersTag);
                tree.tag(repository, referrersTag, index.digest());
                if (digest.equals(top.digest()) && top.isIndex()) {
                    tree.putManifest(repository, top.digest(), top.bytes());
                }
            }
        }
    }

    /**
     * Why an SBOM or attestation tag's documents are not what their media types say (a layer of a JSON type that
     * does not parse as JSON), or empty when they are. Read as a stream: an SBOM may be large.
     */
    private Optional<String> notJson(Source source, Manifest manifest) throws IOException, RegistryException {
        List<Manifest.Descriptor> blobs = manifest.blobs(); // config first, then the layers
        List<Manifest.Descriptor> layers = blobs.subList(1, blobs.size());
        List<Manifest.Descriptor> json = layers.stream().filter(layer -> layer.mediaType().endsWith("json")).toList();
        if (json.isEmpty()) {
            return Optional.empty();
        }
        List<CompletableFuture<Path>> files = source.blobs(json, new long[2]);
        com.fasterxml.jackson.core.JsonFactory factory = new com.fasterxml.jackson.core.JsonFactory();
        for (int i = 0; i < json.size(); i++) {
            try (com.fasterxml.jackson.core.JsonParser parser = factory.createParser(CachedRegistry.join(files.get(i)).toFile())) {
                if (parser.nextToken() == null) {
                    return Optional.of("its " + json.get(i).mediaType() + " layer " + json.get(i).digest() + " is empty");
                }
                parser.skipChildren();
                if (parser.nextToken() != null) {
                    return Optional.of("its " + json.get(i).mediaType() + " layer " + json.get(i).digest() + " holds more than one JSON document");
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                return Optional.of("its " + json.get(i).mediaType() + " layer " + json.get(i).digest() + " is not JSON ("
                        + e.getOriginalMessage() + ")");
            }
        }
        return Optional.empty();
    }

    /** The referrers API's answer; empty when the registry has no such API (or cannot answer: the image came anyway). */
    private Optional<Manifest> referrersByApi(Source source, String digest) throws IOException {
        try {
            return Optional.of(source.referrers(digest));
        } catch (RegistryException e) {
            if (e.kind() != RegistryException.Kind.NOT_FOUND && e.kind() != RegistryException.Kind.OFFLINE_MISSING) {
                options.progress().accept("referrers of " + digest + ": not carried, the registry did not answer (" + e.kind() + ")");
            }
            return Optional.empty();
        }
    }

    /**
     * The index of referrers without those whose {@code subject} is not {@code digest} (a hostile or confused
     * registry listing another image's artifacts here): each is left out with a line saying so. An index whose
     * entries all hold keeps its bytes, so the tree serves what the registry served.
     */
    private Manifest ofSubject(Source source, ImageReference image, Manifest index, String digest) throws IOException, RegistryException {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode root = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(index.bytes());
        com.fasterxml.jackson.databind.node.ArrayNode kept = json.createArrayNode();
        for (com.fasterxml.jackson.databind.JsonNode entry : root.path("manifests")) {
            Manifest referrer = source.manifest(entry.path("digest").asText(""));
            String subject = json.readTree(referrer.bytes()).path("subject").path("digest").asText("");
            if (subject.equals(digest)) {
                kept.add(entry);
            } else {
                options.progress().accept(image.canonical() + ": the referrer " + referrer.digest() + " is not carried: its subject is "
                        + (subject.isEmpty() ? "missing" : subject) + ", not " + digest);
            }
        }
        if (kept.size() == root.path("manifests").size()) {
            return index;
        }
        root.set("manifests", kept);
        return Manifest.of(json.writeValueAsBytes(root), Manifest.OCI_INDEX);
    }

    private SavedImage saveArchiveImage(DistributionTree tree, ArchiveImage archive, Platform platform)
            throws IOException, RegistryException {
        Source source = layoutSource(archive.layout(), archive.repository() + ":" + archive.tag());
        try {
            return saveImage(tree, source, source.manifest(null), archive.name(), archive.repository(), archive.tag(), false, platform);
        } catch (RegistryException e) {
            // the archive's own content is at fault: say which line of tar.txt brought it in
            throw new RegistryException(e.kind(), archive.origin() + ": " + e.getMessage(), e);
        }
    }

    private SavedImage saveImage(DistributionTree tree, Source source, Manifest top, String name, String repository,
                                 String tag, boolean pinned, Platform platform) throws IOException, RegistryException {
        long[] sizes = new long[2];
        String tagTarget;
        if (top.isIndex()) {
            if (options.copyAllPlatforms()) {
                storeIndex(tree, source, name, repository, List.of(top), sizes);
                tagTarget = top.digest();
            } else {
                List<Manifest> chain = ImageIndexes.platformChain(name, top, platform, source::manifest);
                Manifest manifest = chain.get(chain.size() - 1);
                storeImageManifest(tree, source, repository, manifest, sizes);
                if (pinned) {
                    // pinned to the index digest: keep the indexes down to this platform's image too, so pulling by that digest works
                    for (int i = chain.size() - 2; i >= 0; i--) {
                        tree.putManifest(repository, chain.get(i).digest(), chain.get(i).bytes());
                    }
                }
                tagTarget = manifest.digest();
            }
        } else if (top.isImageManifest()) {
            storeImageManifest(tree, source, repository, top, sizes);
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

    /**
     * Every image of the last index of {@code chain} and of the indexes nested in it (at most
     * {@link ImageIndexes#MAX_DEPTH} deep), each stored before the index that names it.
     */
    private void storeIndex(DistributionTree tree, Source source, String name, String repository, List<Manifest> chain,
                            long[] sizes) throws IOException, RegistryException {
        Manifest index = chain.get(chain.size() - 1);
        for (Manifest.Descriptor child : ImageIndexes.children(name, index)) {
            Manifest manifest = source.manifest(child.digest());
            if (manifest.isIndex()) {
                if (chain.size() >= ImageIndexes.MAX_DEPTH) {
                    throw ImageIndexes.tooDeep(name, chain, manifest);
                }
                List<Manifest> deeper = new ArrayList<>(chain);
                deeper.add(manifest);
                storeIndex(tree, source, name, repository, deeper, sizes);
            } else if (manifest.isImageManifest()) {
                storeImageManifest(tree, source, repository, manifest, sizes);
            } else {
                throw ImageIndexes.notAnImage(name, index, manifest);
            }
        }
        tree.putManifest(repository, index.digest(), index.bytes());
    }

    /** Blobs first (config and layers, linked into the repository), the manifest last. */
    private void storeImageManifest(DistributionTree tree, Source source, String repository, Manifest manifest, long[] sizes)
            throws IOException, RegistryException {
        List<Manifest.Descriptor> blobs = manifest.blobs();
        for (Manifest.Descriptor blob : blobs) {
            if (!Digests.isSha256(blob.digest())) {
                throw new RegistryException(RegistryException.Kind.UNSUPPORTED, "blob digest '" + blob.digest() + "' in "
                        + source.describe() + " is not sha256");
            }
        }
        List<CompletableFuture<Path>> downloads = source.blobs(blobs, sizes);
        for (int i = 0; i < blobs.size(); i++) {
            Path cached = CachedRegistry.join(downloads.get(i));
            tree.addBlobFrom(cached, blobs.get(i).digest(), cached.startsWith(cache.root()));
            tree.linkLayer(repository, blobs.get(i).digest());
            sizes[0] += Math.max(0, blobs.get(i).size());
        }
        tree.putManifest(repository, manifest.digest(), manifest.bytes());
    }

    private static void awaitQuietly(ExecutorService pool) {
        try {
            pool.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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

    private static java.util.concurrent.ThreadFactory daemon(String name) {
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
