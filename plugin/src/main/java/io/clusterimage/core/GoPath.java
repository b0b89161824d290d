package io.clusterimage.core;

import java.util.Optional;

/**
 * Go's {@code path.Clean}, the one path cleaning of the plugin: the ignore-file rules (as BuildKit applies them),
 * COPY sources and destinations, and the destinations of declared files all clean paths as Go does, so that a
 * path means the same thing in every stage and in the tools the layouts were written for. Java's
 * {@link java.nio.file.Path#normalize()} differs: it keeps a leading {@code ..} of an absolute path, which Go drops.
 */
public final class GoPath {

    private GoPath() {
    }

    /**
     * Go's {@code path.Clean} (identical to {@code filepath.Clean} on Unix): the shortest path equivalent to
     * {@code path} by purely lexical processing. Repeated slashes collapse, {@code .} elements go, {@code x/..} pairs
     * cancel, {@code ..} right after the root is dropped, a trailing slash is removed, and an empty result becomes
     * {@code "."}.
     */
    public static String clean(String path) {
        if (path.isEmpty()) {
            return ".";
        }
        boolean rooted = path.charAt(0) == '/';
        int n = path.length();
        StringBuilder out = new StringBuilder(n);
        int read = 0;
        // out.length() never goes below dotdot when backtracking: it marks the root or the last leading "..".
        int dotdot = 0;
        if (rooted) {
            out.append('/');
            read = 1;
            dotdot = 1;
        }
        while (read < n) {
            if (path.charAt(read) == '/') {
                read++;
            } else if (path.charAt(read) == '.' && (read + 1 == n || path.charAt(read + 1) == '/')) {
                read++;
            } else if (path.charAt(read) == '.' && path.charAt(read + 1) == '.'
                    && (read + 2 == n || path.charAt(read + 2) == '/')) {
                read += 2;
                if (out.length() > dotdot) {
                    // Drop the last element written.
                    int w = out.length() - 1;
                    while (w > dotdot && out.charAt(w) != '/') {
                        w--;
                    }
                    out.setLength(w);
                } else if (!rooted) {
                    // A leading ".." of a relative path cannot be cancelled, so it stays.
                    if (out.length() > 0) {
                        out.append('/');
                    }
                    out.append("..");
                    dotdot = out.length();
                }
            } else {
                if ((rooted && out.length() != 1) || (!rooted && out.length() != 0)) {
                    out.append('/');
                }
                while (read < n && path.charAt(read) != '/') {
                    out.append(path.charAt(read++));
                }
            }
        }
        return out.length() == 0 ? "." : out.toString();
    }

    /**
     * A path relative to a root it may not leave (the build context): cleaned, leading slashes taken as that root;
     * empty when it leads out of it ({@code ../x}, {@code a/../../x}).
     */
    public static Optional<String> cleanWithin(String path) {
        String relative = clean(path.replaceFirst("^/+", ""));
        if (relative.equals("..") || relative.startsWith("../")) {
            return Optional.empty();
        }
        return Optional.of(relative);
    }

    /** A path in an image, cleaned as the image's root sees it ({@code ..} at the root stays there); {@code .} for the root. */
    public static String cleanInRoot(String path) {
        String cleaned = clean("/" + path);
        return cleaned.equals("/") ? "." : cleaned.substring(1);
    }
}
