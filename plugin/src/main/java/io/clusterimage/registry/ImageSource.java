package io.clusterimage.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where one image's manifests and blobs come from while {@link ImageSaver} stores it: a registry (through the
 * cache) or an OCI layout (an archive of images/skopeo/tar.txt).
 *
 * <p>One interface, so that storing an image, checking its signatures and carrying its signature tags read
 * an archive and a registry alike; the two differ only in how a blob is verified (a registry's while it
 * streams into the cache, an archive's here) and in that an archive has no referrers API.
 */
interface ImageSource {

    Manifest manifest(String reference) throws IOException, RegistryException;

    /** The referrers of a digest by the referrers API; NOT_FOUND from a registry without it. */
    Manifest referrers(String digest) throws IOException, RegistryException;

    /** Starts getting an image's blobs; each path is a complete, verified file. */
    List<CompletableFuture<Path>> blobs(List<Manifest.Descriptor> blobs, long[] sizes) throws RegistryException;

    String describe();

    /** A repository of a registry, read through the cache; {@code sizes[1]} counts the bytes fetched. */
    static ImageSource registry(CachedRegistry registry, String host, String repository) {
        return new ImageSource() {
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

    /**
     * An OCI layout, whose top manifest (reference null) is the one {@code refName} names; a blob is verified when
     * it is asked for, and a damaged one fails with DIGEST_MISMATCH.
     */
    static ImageSource layout(OciLayoutSource layout, String refName) {
        return new ImageSource() {
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
}
