package io.clusterimage.registry;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a save did.
 *
 * @param images         image × platform pairs saved
 * @param blobsFetched   blobs downloaded from registries
 * @param bytesFetched   bytes downloaded
 * @param bytesFromCache bytes taken from the cache instead of the network
 * @param duration       wall time
 * @param locked         per platform, every saved image with its digest: {@code <os>/<arch> <image> <digest>} lines of images.lock
 * @param servedBy       per image (canonical name) saved from a mirror, the mirror ({@code host[/path]}); the others came
 *                       from their registry (or the cache)
 */
public record SaveSummary(int images, int blobsFetched, long bytesFetched, long bytesFromCache, Duration duration,
                          List<String> locked, Map<String, String> servedBy) {
}
