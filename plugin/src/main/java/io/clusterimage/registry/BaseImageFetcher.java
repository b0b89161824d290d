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

/**
 * Fetches a base image (FROM, COPY --from=&lt;image&gt;) for one platform through the shared blob
 * cache: its config and its layers as verified files, reused as they are.
 */
public final class BaseImageFetcher {

    /** Docker layer types have identical bytes to their OCI counterparts; the built manifest is OCI. */
    private static final Map<String, String> OCI_LAYER_TYPES = Map.of(
            "application/vnd.docker.image.rootfs.diff.tar.gzip", "application/vnd.oci.image.layer.v1.tar+gzip",
            "application/vnd.docker.image.rootfs.diff.tar", "application/vnd.oci.image.layer.v1.tar");

    private final RegistryClient client;
    private final BlobCache cache;
    private final boolean offline;

    public BaseImageFetcher(RegistryClient client, BlobCache cache, boolean offline) {
        this.client = client;
        this.cache = cache;
        this.offline = offline;
    }

    /** A layer of a base image: the cached blob file and its descriptor. */
    public record FetchedLayer(Path file, String digest, long size, String mediaType) {
    }

    /** The image for one platform: config bytes and layers, bottom first. */
    public record Fetched(String manifestDigest, byte[] config, List<FetchedLayer> layers) {
    }

    public Fetched fetch(ImageReference image, Platform platform) throws IOException, RegistryException {
        String host = image.domain();
        String repository = image.repositoryPath();
        Manifest top = manifest(host, repository, image.digest().orElse(image.tag().orElse("latest")));
        Manifest manifest = top;
        if (top.isIndex()) {
            Manifest.Descriptor chosen = ImageSaver.choose(top.children(), platform).orElseThrow(() -> new RegistryException(
                    RegistryException.Kind.UNSUPPORTED, image.canonical() + " has no image for " + platform));
            manifest = manifest(host, repository, chosen.digest());
        }
        List<Manifest.Descriptor> blobs = manifest.blobs();
        byte[] config = Files.readAllBytes(blob(host, repository, blobs.get(0)));
        List<FetchedLayer> layers = new ArrayList<>();
        for (Manifest.Descriptor layer : blobs.subList(1, blobs.size())) {
            layers.add(new FetchedLayer(blob(host, repository, layer), layer.digest(), layer.size(),
                    OCI_LAYER_TYPES.getOrDefault(layer.mediaType(), layer.mediaType())));
        }
        return new Fetched(manifest.digest(), config, layers);
    }

    private Manifest manifest(String host, String repository, String reference) throws IOException, RegistryException {
        if (Digests.isSha256(reference) && cache.blob(reference).isPresent()) {
            return Manifest.of(Files.readAllBytes(cache.blob(reference).get()), null);
        }
        if (offline) {
            Optional<String[]> tag = cache.tag(host, repository, reference);
            if (tag.isPresent() && cache.blob(tag.get()[0]).isPresent()) {
                return Manifest.of(Files.readAllBytes(cache.blob(tag.get()[0]).get()), tag.get()[1]);
            }
            throw new RegistryException(RegistryException.Kind.OFFLINE_MISSING, host + "/" + repository + ":" + reference
                    + " is not in the cache " + cache.root());
        }
        Manifest manifest = client.manifest(host, repository, reference);
        cache.putBytes(manifest.digest(), manifest.bytes());
        if (!Digests.isSha256(reference)) {
            cache.rememberTag(host, repository, reference, manifest.digest(), manifest.mediaType());
        }
        return manifest;
    }

    private Path blob(String host, String repository, Manifest.Descriptor blob) throws IOException, RegistryException {
        Optional<Path> cached = cache.blob(blob.digest());
        if (cached.isPresent()) {
            return cached.get();
        }
        if (offline) {
            throw new RegistryException(RegistryException.Kind.OFFLINE_MISSING, "blob " + blob.digest() + " of " + host + "/"
                    + repository + " is not in the cache " + cache.root());
        }
        Path temp = cache.newTempFile();
        client.blob(host, repository, blob.digest(), blob.size(), temp);
        return cache.commit(temp, blob.digest());
    }
}
