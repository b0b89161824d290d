package io.clusterimage.registry;

import java.time.Duration;
import java.util.List;

/**
 * What a save did.
 *
 * @param images         image × platform pairs saved
 * @param blobsFetched   blobs downloaded from registries
 * @param bytesFetched   bytes downloaded
 * @param bytesFromCache bytes taken from the cache instead of the network
 * @param duration       wall time
 * @param locked         per platform, every saved image with its digest ({@code image@digest})
 */
public record SaveSummary(int images, int blobsFetched, long bytesFetched, long bytesFromCache, Duration duration,
                          List<String> locked) {
}
