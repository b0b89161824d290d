package io.clusterimage.image;

import io.clusterimage.core.ContextRoot;
import io.clusterimage.core.GoGlob;
import io.clusterimage.core.GoPath;
import io.clusterimage.core.PathTrees;
import io.clusterimage.layout.ignore.IgnoreFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The build context as COPY sees it: the project directory minus Maven's build directory and what
 * .containerignore/.dockerignore exclude — plus {@code registry/}, which is the tree save-registry
 * generated under target/ for the platform being built, and the generated context the fetch goal placed
 * there (charts and files the POM declares): a generated directory is merged into the context's of the
 * same path, a generated file replaces the context's (the source tree is never written to). The ignore
 * file applies to what the repository holds, not to what the POM declares.
 */
final class ContextFiles {

    private final Path root;
    /** The context's boundary, null for an image: every component of a source is resolved inside it. */
    private final ContextRoot contextRoot;
    private final List<Path> excluded;
    private final Optional<IgnoreFile> ignore;
    private final Path registryTree;
    /** What the fetch goal placed for the platform being built, or null. */
    private final Path generated;
    /** An unpacked image (COPY --from=&lt;image&gt;): paths and links are resolved inside it, as in the image. */
    private final boolean imageRoot;

    ContextFiles(Path root, List<Path> excluded, Path registryTree) throws IOException {
        this(root, excluded, registryTree, null);
    }

    ContextFiles(Path root, List<Path> excluded, Path registryTree, Path generated) throws IOException {
        this.generated = generated != null && Files.isDirectory(generated) ? generated.toRealPath() : null;
        this.contextRoot = new ContextRoot(root);
        this.root = contextRoot.realRoot();
        Path given = contextRoot.root();
        this.excluded = excluded.stream().map(p -> given.resolve(p).normalize())
                .map(p -> p.startsWith(given) ? this.root.resolve(given.relativize(p)) : p).toList();
        this.ignore = IgnoreFile.load(this.root);
        this.registryTree = registryTree;
        this.imageRoot = false;
    }

    private ContextFiles(Path imageRoot) throws IOException {
        this.root = imageRoot.toRealPath();
        this.contextRoot = null;
        this.excluded = List.of();
        this.ignore = Optional.empty();
        this.registryTree = null;
        this.generated = null;
        this.imageRoot = true;
    }

    /**
     * The files of an unpacked image, as COPY --from=&lt;image&gt; sees them: a source path is
     * resolved inside the image — {@code ..} stops at its root, and symbolic links on the way (the
     * named source itself included, as buildah and Docker follow it) are followed with absolute
     * targets taken from the image's root, never the host's. Links inside a copied directory are
     * copied as links. No ignore file applies.
     */
    static ContextFiles ofImage(Path rootfs) throws IOException {
        return new ContextFiles(rootfs);
    }

    /**
     * A source as resolved: its location, the path it was named by in the context, and the path it
     * really has there once links on the way were followed — the ignore file applies to that one too,
     * or a link would bring back what it excludes.
     */
    record Source(Path file, String contextPath, String realPath) {
        Source(Path file, String contextPath) {
            this(file, contextPath, contextPath);
        }
    }

    /**
     * The context paths a COPY source names (globs expanded), each with its real location.
     *
     * @throws IllegalArgumentException when the source leaves the context by {@code ..}
     * @throws ContextRoot.LinkEscapeException when a symbolic link on the way leads outside the context
     */
    List<Source> resolve(String written) throws IOException {
        String relative = imageRoot ? cleanInRoot(written) : clean(written);
        if (imageRoot) {
            if (GoGlob.hasGlob(relative)) {
                List<Source> matches = new ArrayList<>();
                glob(root, "", relative.split("/"), 0, matches);
                return matches;
            }
            Path file = inImage(relative);
            return Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? List.of(new Source(file, relative)) : List.of();
        }
        if (relative.equals("registry") || relative.startsWith("registry/")) {
            Path tree = registryTree;
            if (tree == null || !Files.isDirectory(tree)) {
                return List.of(); // no images: an empty registry/ is created by the caller
            }
            String rest = relative.equals("registry") ? "" : relative.substring("registry/".length());
            Path file = rest.isEmpty() ? tree : tree.resolve(rest);
            return Files.exists(file) ? List.of(new Source(file, relative)) : List.of();
        }
        List<Source> matches = new ArrayList<>();
        if (relative.equals(".")) {
            matches.add(new Source(root, "."));
        } else if (!GoGlob.hasGlob(relative)) {
            Path file = contextRoot.resolve(relative, false);
            Source source = new Source(file, relative, contextRoot.relativize(file));
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !isExcluded(source, Files.isDirectory(file))) {
                matches.add(source);
            }
            Path overlay = generated(relative);
            if (overlay != null) {
                overlay(matches, new Source(overlay, relative));
            }
        } else {
            glob(root, "", relative.split("/"), 0, matches);
            if (generated != null) {
                List<Source> placed = new ArrayList<>();
                globGenerated(generated, "", relative.split("/"), 0, placed);
                for (Source source : placed) {
                    overlay(matches, source);
                }
            }
        }
        return matches;
    }

    /**
     * Adds a generated source to what the context matched: a generated directory is merged into the
     * context's directory of the same path (the copy walks both, see {@link #generated(String)}), anything
     * else takes the context's place.
     */
    private static void overlay(List<Source> matches, Source placed) {
        for (int i = 0; i < matches.size(); i++) {
            Source existing = matches.get(i);
            if (existing.contextPath().equals(placed.contextPath())) {
                if (!(Files.isDirectory(existing.file()) && Files.isDirectory(placed.file()))) {
                    matches.set(i, placed);
                }
                return;
            }
        }
        matches.add(placed);
    }

    /** The fetch goal's file or directory at a context path ({@code .} for the whole generated context), or null. */
    Path generated(String contextPath) {
        if (generated == null) {
            return null;
        }
        Path file = contextPath.equals(".") ? generated : generated.resolve(contextPath).normalize();
        return file.startsWith(generated) && Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? file : null;
    }

    private void globGenerated(Path dir, String prefix, String[] parts, int index, List<Source> matches) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Pattern pattern = GoGlob.compile(parts[index]);
        for (Path child : sortedChildren(dir)) {
            String name = child.getFileName().toString();
            if (pattern.matcher(name).matches()) {
                String path = prefix.isEmpty() ? name : prefix + "/" + name;
                if (index == parts.length - 1) {
                    matches.add(new Source(child, path));
                } else {
                    globGenerated(child, path, parts, index + 1, matches);
                }
            }
        }
    }

    private void glob(Path dir, String prefix, String[] parts, int index, List<Source> matches) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        Pattern pattern = GoGlob.compile(parts[index]);
        for (Path child : sortedChildren(dir)) {
            String name = child.getFileName().toString();
            if (!pattern.matcher(name).matches()) {
                continue;
            }
            String path = prefix.isEmpty() ? name : prefix + "/" + name;
            boolean last = index == parts.length - 1;
            // in an image, a link is followed inside it: its target on the host is never looked at; in the
            // context, a link is followed only where it stays inside
            Path file = imageRoot ? inImage(path) : contextRoot.resolve(path, !last);
            if (last) {
                Source source = new Source(file, path, imageRoot ? path : contextRoot.relativize(file));
                if (!isExcluded(source, Files.isDirectory(file)) && Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                    matches.add(source);
                }
            } else {
                glob(file, path, parts, index + 1, matches);
            }
        }
    }

    private static List<Path> sortedChildren(Path dir) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(children::add);
        }
        children.sort(null);
        return children;
    }

    /** Whether a source is left out, by the path it was named by or by the one it really has. */
    boolean isExcluded(Source source, boolean directory) {
        return isExcluded(source.contextPath(), directory) || isExcluded(source.realPath(), directory);
    }

    /**
     * A source named by the Kubefile that is a symbolic link, followed as Docker and buildah do; its
     * target must be inside the context and not excluded.
     *
     * @throws ContextRoot.LinkEscapeException when it leads outside the context
     */
    Source follow(Source link) throws IOException {
        Path real = contextRoot.resolve(link.file());
        return new Source(real, link.contextPath(), contextRoot.relativize(real));
    }

    /** Whether a context path is left out: Maven's build directory, or the ignore file. */
    boolean isExcluded(String contextPath, boolean directory) {
        Path absolute = root.resolve(contextPath).normalize();
        for (Path dir : excluded) {
            if (absolute.startsWith(dir)) {
                return true;
            }
        }
        if (ignore.isEmpty() || contextPath.equals(".")) {
            return false;
        }
        return ignore.get().isExcluded(contextPath) && !(directory && ignore.get().mayContainIncluded(contextPath));
    }

    /** Whether the context path is excluded itself (a directory may still hold re-included children). */
    boolean isExcludedItself(String contextPath) {
        Path absolute = root.resolve(contextPath).normalize();
        for (Path dir : excluded) {
            if (absolute.startsWith(dir)) {
                return true;
            }
        }
        return ignore.isPresent() && !contextPath.equals(".") && ignore.get().isExcluded(contextPath);
    }

    boolean isUnderRegistryTree(Path file) {
        return registryTree != null && file.toAbsolutePath().normalize().startsWith(registryTree.toAbsolutePath().normalize());
    }

    /** Whether a file is one the build generated (registry/, the fetch goal's), which no ignore rule applies to. */
    boolean isGenerated(Path file) {
        return isUnderRegistryTree(file) || generated != null && file.toAbsolutePath().normalize().startsWith(generated);
    }

    Path root() {
        return root;
    }

    Path registryTree() {
        return registryTree;
    }

    private Path inImage(String path) throws IOException {
        return PathTrees.resolveInRoot(root, path, true);
    }

    /** A path in an image, cleaned as the image's root sees it: {@code ..} at the root stays there. */
    private static String cleanInRoot(String written) {
        return GoPath.cleanInRoot(written);
    }

    /** A context path, cleaned as Go does; one that leads out of the context is refused. */
    static String clean(String written) {
        return GoPath.cleanWithin(written)
                .orElseThrow(() -> new IllegalArgumentException("'" + written + "' points outside the build context"));
    }

    static void walkCheck(Path path) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new UncheckedIOException(new IOException(path + " disappeared during the build"));
        }
    }
}
