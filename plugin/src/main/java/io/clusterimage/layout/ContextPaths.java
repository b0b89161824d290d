package io.clusterimage.layout;

import io.clusterimage.core.GoGlob;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Resolves paths written in a Kubefile against the build context without ever leaving it.
 */
final class ContextPaths {

    private final Path context;
    private final Path realContext;

    ContextPaths(Path context) {
        this.context = context.toAbsolutePath().normalize();
        Path real;
        try {
            real = this.context.toRealPath();
        } catch (IOException e) {
            real = this.context;
        }
        this.realContext = real;
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
        boolean absolute = written.startsWith("/");
        List<String> parts = new ArrayList<>();
        for (String part : written.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    return new Resolved(Kind.ESCAPES, written);
                }
                parts.remove(parts.size() - 1);
            } else {
                parts.add(part);
            }
        }
        String relative = parts.isEmpty() ? "." : String.join("/", parts);
        return new Resolved(absolute ? Kind.ABSOLUTE : Kind.INSIDE, relative);
    }

    /** Whether a path inside the context, once symbolic links are followed, is still inside it. */
    boolean staysInside(Path path) {
        try {
            return path.toRealPath().startsWith(realContext);
        } catch (IOException e) {
            return true; // a dangling link is reported as missing, not as escaping
        }
    }


    /** Files matching a Go {@code filepath.Match} pattern relative to the context, component by component. */
    List<Path> glob(String relativePattern) {
        List<Path> current = List.of(context);
        for (String component : relativePattern.split("/")) {
            List<Path> next = new ArrayList<>();
            if (!GoGlob.hasGlob(component)) {
                for (Path dir : current) {
                    Path child = dir.resolve(component);
                    if (Files.exists(child, LinkOption.NOFOLLOW_LINKS)) {
                        next.add(child);
                    }
                }
            } else {
                Pattern regex = GoGlob.compile(component);
                for (Path dir : current) {
                    if (!Files.isDirectory(dir)) {
                        continue;
                    }
                    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
                        for (Path child : children) {
                            if (regex.matcher(child.getFileName().toString()).matches()) {
                                next.add(child);
                            }
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
            current = next;
        }
        return current.stream().sorted().toList();
    }


    String relativize(Path path) {
        return context.relativize(path.toAbsolutePath().normalize()).toString().replace('\\', '/');
    }
}
