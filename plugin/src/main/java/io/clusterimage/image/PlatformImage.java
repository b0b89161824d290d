package io.clusterimage.image;

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
}
