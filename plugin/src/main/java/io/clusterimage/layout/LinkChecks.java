package io.clusterimage.layout;

import io.clusterimage.core.ContextRoot;
import io.clusterimage.core.Finding;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Symbolic links in the parts of the layout the build reads — manifests, charts, image lists, archives,
 * binaries — whose target is outside the build context. The scan and the build refuse to follow them
 * (they would read the machine's own files); this check reports each one before any build starts, with
 * the link named, so a layout made on one machine does not fail on another for a reason no one sees.
 * Links copied by {@code COPY} as links are not a leak, but sealos would copy them as dangling links too.
 */
final class LinkChecks {

    /** What scan-images, save-registry and package-image read from the context by convention. */
    private static final List<String> READ = List.of("manifests", "charts", "images", "etc", "scripts", "opt", "bin",
            ".sealignore", "init.sh");

    private final ContextPaths paths;
    private final List<Finding> findings;
    /** Links a COPY line already names (at its Kubefile line): not reported again. */
    private final Set<String> named;

    LinkChecks(ContextPaths paths, List<Finding> findings, Set<String> named) {
        this.paths = paths;
        this.findings = findings;
        this.named = named;
    }

    void check() throws IOException {
        for (String name : READ) {
            Path top = paths.root().resolve(name);
            if (!Files.exists(top, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            if (Files.isSymbolicLink(top)) {
                checkLink(top);
                continue;
            }
            if (!Files.isDirectory(top, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            List<Path> links;
            try (Stream<Path> walk = Files.walk(top)) { // does not follow links: each is checked on its own
                links = walk.filter(Files::isSymbolicLink).sorted().toList();
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            for (Path link : links) {
                checkLink(link);
            }
        }
    }

    private void checkLink(Path link) throws IOException {
        try {
            paths.inside(link);
        } catch (ContextRoot.LinkEscapeException e) {
            if (named.contains(e.link())) {
                return;
            }
            findings.add(Finding.error("layout.link-outside-context", Path.of(paths.relativize(link)), 0,
                    e.getMessage() + "; the build does not read what it points to",
                    "copy the target into the build context instead of linking to it"));
        }
    }
}
