package io.clusterimage.kubefile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Decides which file of the build context is the Kubefile.
 *
 * <p>An explicit {@code kubefile} parameter wins. Otherwise the first of {@code Kubefile},
 * {@code Sealfile}, {@code Dockerfile}, {@code Containerfile} that is a regular file. sealos
 * concatenates every one of them, so when several exist the others are returned too, to warn about.
 */
public final class KubefileLocator {

    public static final List<String> DEFAULT_NAMES = List.of("Kubefile", "Sealfile", "Dockerfile", "Containerfile");

    /** The chosen file and the other candidates sealos would also have read. */
    public record Located(Path file, List<Path> ignoredCandidates) {
    }

    private KubefileLocator() {
    }

    /**
     * @param contextDir the build context
     * @param explicit   the {@code kubefile} parameter, absolute or relative to the context; may be null
     * @return the Kubefile, or empty when the context has none
     */
    public static Optional<Located> locate(Path contextDir, Path explicit) {
        if (explicit != null) {
            Path file = contextDir.resolve(explicit);
            return Files.isRegularFile(file) ? Optional.of(new Located(file, List.of())) : Optional.empty();
        }
        List<Path> present = DEFAULT_NAMES.stream().map(contextDir::resolve).filter(Files::isRegularFile).toList();
        if (present.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Located(present.get(0), present.subList(1, present.size())));
    }
}
