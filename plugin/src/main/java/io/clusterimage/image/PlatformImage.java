package io.clusterimage.image;

import io.clusterimage.core.JsonObject;
import io.clusterimage.core.Platform;

import java.util.List;

/**
 * The image built for one platform.
 *
 * @param platform       the platform
 * @param manifest       the manifest bytes
 * @param manifestDigest their sha256
 * @param config         the config bytes
 * @param configDigest   their sha256 (the image ID)
 * @param layers         the layers, bottom first
 */
public record PlatformImage(Platform platform, byte[] manifest, String manifestDigest, byte[] config, String configDigest,
                            List<Layer> layers) {

    /** Fills {@code entry} with the descriptor of this image's manifest and its platform, as an image index lists it. */
    void describeManifest(JsonObject entry) {
        entry.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        entry.put("digest", manifestDigest);
        entry.put("size", manifest.length);
        JsonObject node = entry.putObject("platform");
        node.put("architecture", platform.architecture());
        node.put("os", platform.os());
        if (!platform.variant().isEmpty()) {
            node.put("variant", platform.variant());
        }
    }
}
