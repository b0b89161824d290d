package io.clusterimage.image;

import io.clusterimage.registry.Manifest;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The result of a build.
 *
 * @param digest    the digest of what a registry would serve for the tag: the manifest (one platform)
 *                  or the index (several)
 * @param index     the index bytes when there are several platforms, else null
 * @param platforms the per-platform images
 * @param blobOrder the layers' digests, each once, in the order an archive stores them (largest first, so
 *                  that the layers that change least lead and a rebuild can keep them where they are)
 */
public record BuiltImage(String digest, byte[] index, List<PlatformImage> platforms, List<String> blobOrder) {

    public BuiltImage {
        blobOrder = List.copyOf(blobOrder);
    }

    /** Layers stored in the image's own order: per platform, bottom first. */
    public BuiltImage(String digest, byte[] index, List<PlatformImage> platforms) {
        this(digest, index, platforms, platforms.stream().flatMap(p -> p.layers().stream()).map(Layer::digest).distinct().toList());
    }

    /** The image ID: the config digest of the first platform. */
    public String imageId() {
        return platforms.get(0).configDigest();
    }

    /** The image as the subject of an artifact about it (its SBOM): the index, or the one platform's manifest. */
    public Manifest.Descriptor subject() {
        byte[] top = index != null ? index : platforms.get(0).manifest();
        return new Manifest.Descriptor(index != null ? Manifest.OCI_INDEX : Manifest.OCI_MANIFEST, digest, top.length, null, null, null);
    }

    /** Per platform ({@code linux/amd64}), the digest of its manifest, in platform order. */
    public Map<String, String> manifestDigests() {
        Map<String, String> digests = new TreeMap<>();
        platforms.forEach(p -> digests.put(p.platform().toString(), p.manifestDigest()));
        return digests;
    }
}
