package io.clusterimage.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.clusterimage.core.Json;
import io.clusterimage.core.Platform;
import io.clusterimage.reference.ImageReference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Fetches a base image (FROM, COPY --from=&lt;image&gt;) for one platform the way save-registry
 * fetches images ({@link CachedRegistry}: mirrors, the shared blob cache, the offline rule): its
 * config and its layers as verified files, reused as they are.
 */
public final class BaseImageFetcher {

    /** Docker layer types have identical bytes to their OCI counterparts; the built manifest is OCI. */
    private static final Map<String, String> OCI_LAYER_TYPES = Map.of(
            "application/vnd.docker.image.rootfs.diff.tar.gzip", "application/vnd.oci.image.layer.v1.tar+gzip",
            "application/vnd.docker.image.rootfs.diff.tar", "application/vnd.oci.image.layer.v1.tar");

    /** Opens the registry client; called on the first fetch only. */
    @FunctionalInterface
    public interface ClientOpener {
        RegistryClient open() throws IOException;
    }

    private final ClientOpener opener;
    private final BlobCache cache;
    private final boolean offline;
    private CachedRegistry registry;

    /**
     * @param client  its options' mirrors are used as save-registry uses them
     * @param offline use only the cache (mvn -o)
     */
    public BaseImageFetcher(RegistryClient client, BlobCache cache, boolean offline) {
        this(() -> client, cache, offline);
    }

    /**
     * With the client opened on the first fetch: a build FROM scratch fetches nothing, and opening a client reads
     * registries.conf, the credential stores and the certificate directories (20–30 ms of an edit rebuild).
     */
    public BaseImageFetcher(ClientOpener client, BlobCache cache, boolean offline) {
        this.opener = client;
        this.cache = cache;
        this.offline = offline;
    }

    private synchronized CachedRegistry registry() throws IOException {
        if (registry == null) {
            // layers are downloaded one after the other in the build's thread: the build waits for them anyway
            registry = new CachedRegistry(opener.open(), cache, offline, Runnable::run);
        }
        return registry;
    }

    /** A layer of a base image: the cached blob file and its descriptor. */
    public record FetchedLayer(Path file, String digest, long size, String mediaType) {
    }

    /** The image for one platform: config bytes and layers, bottom first. */
    public record Fetched(String manifestDigest, byte[] config, List<FetchedLayer> layers) {
    }

    /**
     * @throws RegistryException UNSUPPORTED naming the image and the platform when the image has no
     *                           image for {@code platform} (an index without it, or a single-platform
     *                           image of another platform)
     */
    public Fetched fetch(ImageReference image, Platform platform) throws IOException, RegistryException {
        CachedRegistry registry = registry();
        CachedRegistry.Resolved resolved = registry.resolve(image, platform);
        List<Manifest.Descriptor> blobs = resolved.manifest().blobs();
        if (blobs.isEmpty()) {
            throw new RegistryException(RegistryException.Kind.UNSUPPORTED, image.canonical() + " has a manifest without config");
        }
        List<CompletableFuture<Path>> files = registry.blobs(image.domain(), image.repositoryPath(), blobs, bytes -> { });
        byte[] config = Files.readAllBytes(CachedRegistry.join(files.get(0)));
        if (!resolved.top().isIndex()) {
            requirePlatform(image, config, platform);
        }
        List<FetchedLayer> layers = new ArrayList<>();
        for (int i = 1; i < blobs.size(); i++) {
            Manifest.Descriptor layer = blobs.get(i);
            layers.add(new FetchedLayer(CachedRegistry.join(files.get(i)), layer.digest(), layer.size(),
                    OCI_LAYER_TYPES.getOrDefault(layer.mediaType(), layer.mediaType())));
        }
        return new Fetched(resolved.manifest().digest(), config, layers);
    }

    /**
     * A single-platform image (no index) is only the base of a build for its own platform: building
     * linux/arm64 on linux/amd64 files would make an image that cannot run where it claims to.
     */
    private static void requirePlatform(ImageReference image, byte[] config, Platform platform) throws IOException, RegistryException {
        JsonNode json = Json.MAPPER.readTree(config);
        String os = json.path("os").asText("");
        String architecture = json.path("architecture").asText("");
        if (os.isEmpty() || architecture.isEmpty()) {
            return; // nothing to compare with: trust the user's choice
        }
        Manifest.Descriptor own = new Manifest.Descriptor("", "", -1, os, architecture, json.path("variant").asText(""));
        CachedRegistry.platformEntry(image.canonical() + " (a single-platform image)", List.of(own), platform);
    }
}
