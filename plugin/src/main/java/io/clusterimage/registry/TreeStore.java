package io.clusterimage.registry;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Stores what a manifest reaches into a registry tree, from an {@link ImageSource}: an index's images (and
 * nested indexes) before the index, an image's blobs before its manifest, so that nothing in the tree names
 * what is not there yet. {@code sizes[0]} counts the bytes stored.
 *
 * <p>Apart from {@link ImageSaver} because an image and the signature tags and referrers carried beside it
 * ({@link ImageSignatures}) are stored the same way; a blob that came through the cache is linked from it,
 * not copied.
 */
final class TreeStore {

    private final BlobCache cache;

    TreeStore(BlobCache cache) {
        this.cache = cache;
    }

    /**
     * Every image of the last index of {@code chain} and of the indexes nested in it (at most
     * {@link ImageIndexes#MAX_DEPTH} deep), each stored before the index that names it.
     */
    void storeIndex(DistributionTree tree, ImageSource source, String name, String repository, List<Manifest> chain,
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
    void storeImageManifest(DistributionTree tree, ImageSource source, String repository, Manifest manifest, long[] sizes)
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
}
