package io.clusterimage.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The build context as a boundary: every path the plugin reads from the user's repository is resolved
 * here, one component at a time, so that a symbolic link anywhere on the way — not only the last
 * component — cannot lead the build to the machine's own files ({@code hostroot -> /} then
 * {@code COPY hostroot/etc/passwd}, or {@code manifests/x.yaml -> ~/.docker/config.json}).
 *
 * <p>Links are followed on the host, as the kernel would, so a link to another place inside the
 * context (relative, or absolute through the context's own path) keeps working; a link whose target
 * is outside the context is refused with {@link LinkEscapeException}, which names the link. A dangling
 * link is not an escape: the path simply does not exist, and the caller reports it as missing.
 *
 * <p>Unpacked images are resolved by {@link PathTrees#resolveInRoot} instead: there, as in a
 * container, an absolute link target starts again at the image's root.
 */
public final class ContextRoot {

    private final Path root;
    private final Path realRoot;

    public ContextRoot(Path root) {
        this.root = root.toAbsolutePath().normalize();
        Path real;
        try {
            real = this.root.toRealPath();
        } catch (IOException e) {
            real = this.root; // a context that does not exist holds no links to follow
        }
        this.realRoot = real;
    }

    /** The context as given (absolute, normalized). */
    public Path root() {
        return root;
    }

    /** The context with its own links resolved: what every resolved path starts with. */
    public Path realRoot() {
        return realRoot;
    }

    /** A symbolic link inside the context whose target is outside it. */
    public static final class LinkEscapeException extends IOException {
        private final String link;
        private final String target;

        LinkEscapeException(String link, String target) {
            super("'" + link + "' is a symbolic link to '" + target + "', outside the build context");
            this.link = link;
            this.target = target;
        }

        /** The link, relative to the context. */
        public String link() {
            return link;
        }

        /** What the link says, as written. */
        public String target() {
            return target;
        }
    }

    /**
     * Where a context-relative path really is. Every component that is a symbolic link is followed
     * (the last one only when {@code followLast}) and must stay inside the context; the result is
     * free of links but for a last one that is not followed.
     *
     * @param relative a {@code /}-separated path relative to the context, already cleaned (no {@code ..}
     *                 leaving the context: that is the caller's lexical check)
     * @throws LinkEscapeException when a link on the way leads outside the context
     */
    public Path resolve(String relative, boolean followLast) throws IOException {
        String[] parts = relative.split("/");
        Path current = realRoot;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw new IllegalArgumentException("'" + relative + "' must be cleaned before it is resolved");
            }
            Path next = current.resolve(part);
            boolean last = i == parts.length - 1;
            if ((last && !followLast) || !Files.isSymbolicLink(next)) {
                current = next;
                continue;
            }
            Path real;
            try {
                real = next.toRealPath();
            } catch (IOException dangling) {
                // nothing is there to read: the caller finds the path missing (or the link dangling)
                for (int j = i + 1; j < parts.length; j++) {
                    next = next.resolve(parts[j]);
                }
                return next;
            }
            if (!real.startsWith(realRoot)) {
                throw new LinkEscapeException(relativize(next), String.valueOf(Files.readSymbolicLink(next)));
            }
            current = real;
        }
        return current;
    }

    /**
     * Checks a file found by walking the context (e.g. with {@link Files#walk}, which does not follow
     * directory links but whose files may be links): the file and every directory above it must be
     * inside the context once links are followed.
     *
     * @throws LinkEscapeException naming the link that leaves
     */
    public Path resolve(Path file) throws IOException {
        Path absolute = file.toAbsolutePath().normalize();
        Path relative;
        if (absolute.startsWith(root)) {
            relative = root.relativize(absolute);
        } else if (absolute.startsWith(realRoot)) {
            relative = realRoot.relativize(absolute);
        } else {
            throw new IllegalArgumentException(file + " is not in the build context " + root);
        }
        return resolve(relative.toString().replace('\\', '/'), true);
    }

    /**
     * The regular files under a directory of the context, sorted, but for those a link leads outside
     * (the directory itself included): each of those is handed to {@code outside} and never read.
     * {@link Files#walk} does not enter linked directories; linked files are what is checked here.
     */
    public List<Path> regularFiles(Path dir, Consumer<LinkEscapeException> outside) throws IOException {
        try {
            resolve(dir);
        } catch (LinkEscapeException e) {
            outside.accept(e);
            return List.of();
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        List<Path> kept = new ArrayList<>();
        for (Path file : files) {
            try {
                resolve(file);
                kept.add(file);
            } catch (LinkEscapeException e) {
                outside.accept(e);
            }
        }
        return kept;
    }

    /** Whether a path, once its links are followed, is inside the context (a missing path is). */
    public boolean contains(Path file) {
        try {
            resolve(file);
            return true;
        } catch (LinkEscapeException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** The path relative to the context, {@code /}-separated; "." for the context itself. */
    public String relativize(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        Path base = absolute.startsWith(realRoot) ? realRoot : root;
        String relative = base.relativize(absolute).toString().replace('\\', '/');
        return relative.isEmpty() ? "." : relative;
    }
}
