package io.clusterimage.registry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
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

    /** What the save did, in a line: {@code saved 3 image(s) in 1.2 s: ...; trees under <outputDirectory>}. */
    public String describe(Path outputDirectory) {
        return String.format(Locale.ROOT, "saved %d image(s) in %.1f s: %d blob(s) fetched (%s), %s from cache; trees under %s", images,
                duration.toMillis() / 1000.0, blobsFetched, ImageSaver.humanBytes(bytesFetched), ImageSaver.humanBytes(bytesFromCache),
                outputDirectory);
    }
}
