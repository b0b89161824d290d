package io.clusterimage.image;

import java.util.List;

/**
 * The result of a build.
 *
 * @param digest    the digest of what a registry would serve for the tag: the manifest (one platform)
 *                  or the index (several)
 * @param index     the index bytes when there are several platforms, else null
 * @param platforms the per-platform images
 */
public record BuiltImage(String digest, byte[] index, List<PlatformImage> platforms) {

    /** The image ID: the config digest of the first platform. */
    public String imageId() {
        return platforms.get(0).configDigest();
    }
}
