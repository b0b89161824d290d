package io.clusterimage.layout;

import io.clusterimage.core.GoPath;

import java.util.Optional;

/**
 * One line of {@code images/skopeo/tar.txt} as sealos reads it: {@code docker-archive:<path>@<repository[:tag]>} or
 * {@code oci-archive:<path>@<repository[:tag]>}, the path relative to {@code images/skopeo/}. The one reading of the
 * line for validate-layout (which reports what is wrong with it) and the scan (which takes the images).
 *
 * @param transport {@code docker-archive} or {@code oci-archive}
 * @param archive   the path as written, relative to {@code images/skopeo/}
 * @param target    the repository and tag as written
 */
public record TarTxtEntry(String transport, String archive, String target) {

    /** Where the list is, relative to the build context. */
    public static final String FILE = "images/skopeo/tar.txt";
    /** The directory the archive paths are relative to. */
    public static final String DIRECTORY = "images/skopeo";

    /** A line that is not an entry: why, for the finding. */
    public static final class Malformed extends Exception {
        Malformed(String message) {
            super(message);
        }
    }

    /**
     * The entry a line holds; empty for a blank line or a comment.
     *
     * @throws Malformed when it is neither
     */
    public static Optional<TarTxtEntry> parse(String line) throws Malformed {
        String entry = line.strip();
        if (entry.isEmpty() || entry.startsWith("#")) {
            return Optional.empty();
        }
        int colon = entry.indexOf(':');
        int at = entry.indexOf('@', Math.max(colon, 0));
        String transport = colon < 0 ? "" : entry.substring(0, colon);
        if (!(transport.equals("docker-archive") || transport.equals("oci-archive")) || at < 0) {
            throw new Malformed("'" + entry + "' is not of the form docker-archive:<path>@<repository[:tag]> or"
                    + " oci-archive:<path>@<repository[:tag]>");
        }
        return Optional.of(new TarTxtEntry(transport, entry.substring(colon + 1, at), entry.substring(at + 1)));
    }

    /**
     * The archive's path in the build context: {@code images/skopeo/} and the path joined as Go's
     * {@code path.Join} does (so {@code /x.tar} is {@code images/skopeo/x.tar} too, as sealos reads it); empty
     * when it leads out of {@code images/skopeo/} or names the directory itself.
     */
    public Optional<String> contextPath() {
        String joined = joined();
        return joined.startsWith(DIRECTORY + "/") ? Optional.of(joined) : Optional.empty();
    }

    /** Whether the path names {@code images/skopeo/} itself, no file in it ({@code @} right after the colon, {@code .}). */
    public boolean namesNoFile() {
        return joined().equals(DIRECTORY);
    }

    private String joined() {
        return GoPath.clean(DIRECTORY + "/" + archive);
    }

    /** The target with {@code :latest} when it has no tag, as the image is stored. */
    public String taggedTarget() {
        return !target.contains(":") || target.lastIndexOf(':') < target.lastIndexOf('/') ? target + ":latest" : target;
    }
}
