package io.clusterimage.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Directory helpers for the plugin's own work directories (never the user's files). */
public final class PathTrees {

    private PathTrees() {
    }

    /** Deletes a file or a directory tree; symbolic links are removed, not followed. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Deletes the files directly in {@code dir} (a work directory of blobs); nothing when it does not exist. */
    public static void deleteFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    /**
     * Whether a path lies under one of {@code roots} or is named {@code .git}: what a fingerprint of the build
     * context leaves out (the build's own outputs, the repository).
     */
    public static Predicate<Path> underOrGit(List<Path> roots) {
        List<Path> absolute = roots.stream().map(root -> root.toAbsolutePath().normalize()).toList();
        return path -> {
            Path candidate = path.toAbsolutePath().normalize();
            return absolute.stream().anyMatch(candidate::startsWith) || candidate.getFileName() != null
                    && candidate.getFileName().toString().equals(".git");
        };
    }

    /** Links followed in one path before giving up, as Linux does (ELOOP). */
    private static final int MAX_LINKS = 40;

    /**
     * Resolves {@code path} under {@code root} as if {@code root} were {@code /} (an unpacked image):
     * symbolic links are followed, an absolute link target starts again at {@code root}, and
     * {@code ..} stops at {@code root} — so the result is always inside {@code root}, whatever the
     * links say. Components that do not exist are appended as they are.
     *
     * @param followLast whether a link as the last component is followed too (else it is the result)
     * @throws IOException when links loop
     */
    public static Path resolveInRoot(Path root, String path, boolean followLast) throws IOException {
        Deque<String> todo = new ArrayDeque<>(List.of(path.split("/")));
        Path current = root;
        int links = 0;
        while (!todo.isEmpty()) {
            String part = todo.removeFirst();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                current = current.equals(root) ? root : current.getParent();
                continue;
            }
            Path next = current.resolve(part);
            if (Files.isSymbolicLink(next) && (followLast || !todo.stream().allMatch(p -> p.isEmpty() || p.equals(".")))) {
                if (++links > MAX_LINKS) {
                    throw new IOException("too many levels of symbolic links in /" + path);
                }
                String target = Files.readSymbolicLink(next).toString();
                if (target.startsWith("/")) {
                    current = root;
                }
                String[] parts = target.split("/");
                for (int i = parts.length - 1; i >= 0; i--) {
                    todo.addFirst(parts[i]);
                }
                continue;
            }
            current = next;
        }
        return current;
    }
}
