package io.clusterimage.layout;

import io.clusterimage.core.ContextRoot;
import io.clusterimage.core.GoGlob;
import io.clusterimage.core.GoPath;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Resolves paths written in a Kubefile against the build context without ever leaving it.
 */
final class ContextPaths {

    private final Path context;
    private final ContextRoot boundary;

    ContextPaths(Path context) {
        this.context = context.toAbsolutePath().normalize();
        this.boundary = new ContextRoot(this.context);
    }

    Path root() {
        return context;
    }

    /** How a written path relates to the context. */
    enum Kind { INSIDE, ABSOLUTE, ESCAPES }

    record Resolved(Kind kind, String relative) {
    }

    /**
     * Cleans a path the way Go's {@code filepath.Clean} does and says whether it stays inside the
     * context. Docker reads an absolute source as relative to the context; {@code ..} past the
     * context root is never what the user meant.
     */
    Resolved resolve(String written) {
        Optional<String> relative = GoPath.cleanWithin(written);
        if (relative.isEmpty()) {
            return new Resolved(Kind.ESCAPES, written);
        }
        return new Resolved(written.startsWith("/") ? Kind.ABSOLUTE : Kind.INSIDE, relative.get());
    }

    /**
     * Where a cleaned context path really is, every link on the way followed inside the context (the
     * last one only when {@code followLast}).
     *
     * @throws ContextRoot.LinkEscapeException naming the link that leads outside
     */
    Path inside(String relative, boolean followLast) throws IOException {
        return boundary.resolve(relative, followLast);
    }

    /**
     * A file found in the context, with its links followed.
     *
     * @throws ContextRoot.LinkEscapeException naming the link that leads outside
     */
    Path inside(Path file) throws IOException {
        return boundary.resolve(file);
    }

    /** Whether a file of the context, once its links are followed, is still inside it. */
    boolean staysInside(Path file) {
        return boundary.contains(file);
    }

    /**
     * The regular files under a directory of the context, but for those that a link leads outside
     * ({@link LinkChecks} reports them): what the checks read is what the scan reads.
     */
    List<Path> regularFiles(Path dir) throws IOException {
        return boundary.regularFiles(dir, reportedByLinkChecks -> { });
    }

    /**
     * Files matching a Go {@code filepath.Match} pattern relative to the context, component by
     * component; directories on the way are entered through links only when these stay inside.
     *
     * @throws ContextRoot.LinkEscapeException naming a link on the way that leads outside
     */
    List<Path> glob(String relativePattern) throws IOException {
        List<String> current = List.of("");
        String[] components = relativePattern.split("/");
        for (int i = 0; i < components.length; i++) {
            String component = components[i];
            List<String> next = new ArrayList<>();
            if (!GoGlob.hasGlob(component)) {
                for (String dir : current) {
                    String child = join(dir, component);
                    if (Files.exists(boundary.resolve(child, false), LinkOption.NOFOLLOW_LINKS)) {
                        next.add(child);
                    }
                }
            } else {
                Pattern regex = GoGlob.compile(component);
                for (String dir : current) {
                    Path real = dir.isEmpty() ? boundary.realRoot() : boundary.resolve(dir, true);
                    if (!Files.isDirectory(real)) {
                        continue;
                    }
                    try (DirectoryStream<Path> children = Files.newDirectoryStream(real)) {
                        for (Path child : children) {
                            if (regex.matcher(child.getFileName().toString()).matches()) {
                                next.add(join(dir, child.getFileName().toString()));
                            }
                        }
                    }
                }
            }
            current = next;
        }
        List<Path> matches = new ArrayList<>();
        for (String path : current) {
            matches.add(boundary.resolve(path, false));
        }
        return matches.stream().sorted().toList();
    }

    private static String join(String dir, String name) {
        return dir.isEmpty() ? name : dir + "/" + name;
    }

    String relativize(Path path) {
        return boundary.relativize(path);
    }
}
