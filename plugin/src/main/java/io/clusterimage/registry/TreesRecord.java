package io.clusterimage.registry;

import io.clusterimage.core.Fingerprint;
import io.clusterimage.core.Platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * What save-registry last wrote into the registry trees, so that package-image's up-to-date check reads one small
 * file instead of walking every blob, link and directory of every tree (~100 entries for three images cost a
 * no-op build ~10 ms in a JVM that has not compiled the walk yet).
 *
 * <p>The record is the trees' listing as {@link Fingerprint#addTree} gives it (path, size, time, identity),
 * taken when save-registry has finished writing them; save-registry removes it before it touches a tree, so a
 * record exists only for trees that one complete save left as they are. Only save-registry writes the trees
 * (they are the plugin's output); a tree changed by hand under {@code target/} is not noticed while the record
 * stands — as save-registry itself would not notice it. Without a record (an older output directory, a save that
 * failed), or for other platforms than the record's, the trees are walked as before.
 */
public final class TreesRecord {

    static final String FILE_NAME = "work/registry-trees.record";
    private static final String GOAL = "registry trees";

    private TreesRecord() {
    }

    /** Before save-registry changes any tree: the old record no longer holds. */
    public static void forget(Path outputDirectory) throws IOException {
        Files.deleteIfExists(outputDirectory.resolve(FILE_NAME));
    }

    /** After save-registry wrote the trees of {@code platforms} completely. */
    public static void write(Path outputDirectory, List<Platform> platforms) throws IOException {
        Fingerprint listing = header(platforms);
        addTrees(listing, outputDirectory, platforms);
        listing.record(outputDirectory.resolve(FILE_NAME));
    }

    /** Adds the trees of {@code platforms} to {@code fingerprint}: from the record when it covers them, else walked. */
    public static void addTo(Fingerprint fingerprint, Path outputDirectory, List<Platform> platforms) throws IOException {
        String record;
        try {
            record = Files.readString(outputDirectory.resolve(FILE_NAME), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            record = null;
        }
        if (record != null && record.startsWith(header(platforms).text())) {
            fingerprint.add(GOAL, record);
        } else {
            addTrees(fingerprint, outputDirectory, platforms);
        }
    }

    /** What a record starts with: for which platforms it lists the trees. */
    private static Fingerprint header(List<Platform> platforms) {
        return new Fingerprint(GOAL).add("platforms", platforms);
    }

    private static void addTrees(Fingerprint fingerprint, Path outputDirectory, List<Platform> platforms) throws IOException {
        for (Platform platform : platforms) {
            fingerprint.addTree(SaveOptions.registryDirectory(outputDirectory, platform), p -> false);
        }
    }
}
