package io.clusterimage.maven;

import io.clusterimage.core.Finding;
import org.sonatype.plexus.build.incremental.BuildContext;
import org.sonatype.plexus.build.incremental.DefaultBuildContext;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What an IDE build (Eclipse m2e, VS Code Java through it) gets from validate-layout and scan-images through the
 * build-context API it implements: whether anything the goal reads changed since its last build, and each
 * finding as a marker on its file and line ({@code Kubefile:7}, {@code manifests/app.yaml:12}) instead of one
 * marker on pom.xml. On the command line Maven's own build context is there, which only logs: then this does
 * nothing (the goals log their findings themselves).
 */
final class IdeFeedback {

    private final BuildContext context;
    private final String goal;

    IdeFeedback(BuildContext context, String goal) {
        this.context = context;
        this.goal = goal;
    }

    /** Whether the build runs in an IDE (a build context other than the command line's). */
    boolean inIde() {
        return context != null && !(context instanceof DefaultBuildContext);
    }

    /**
     * Whether an incremental IDE build may skip the goal: nothing in the build context (its own outputs left
     * out) nor the POM changed since the IDE's last build. Never on the command line, nor on a full IDE build.
     */
    boolean nothingChanged(Path contextDirectory, List<Path> outputs, File pom) throws java.io.IOException {
        if (!inIde() || !context.isIncremental()) {
            return false;
        }
        if (pom != null && context.hasDelta(pom)) {
            return false;
        }
        if (!Files.isDirectory(contextDirectory)) {
            return false;
        }
        try (var children = Files.list(contextDirectory)) {
            for (Path child : children.toList()) {
                Path absolute = child.toAbsolutePath().normalize();
                if (outputs.stream().noneMatch(output -> absolute.startsWith(output.toAbsolutePath().normalize()))
                        && context.hasDelta(child.toFile())) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Replaces the goal's markers with {@code findings}: those of its last run are removed (the files fixed
     * since lose theirs), each error or warning becomes a marker on its file and line — on {@code pom} when it
     * names no file.
     */
    void report(List<Finding> findings, Path contextDirectory, File pom) {
        if (!inIde()) {
            return;
        }
        String key = "cluster-image." + goal + ".markers";
        Object previous = context.getValue(key);
        if (previous instanceof Set<?> files) {
            for (Object file : files) {
                if (file instanceof File marked) {
                    context.removeMessages(marked);
                }
            }
        }
        Set<File> marked = new LinkedHashSet<>();
        for (Finding finding : findings) {
            int severity = switch (finding.severity()) {
                case ERROR -> BuildContext.SEVERITY_ERROR;
                case WARNING -> BuildContext.SEVERITY_WARNING;
                default -> -1;
            };
            if (severity < 0) {
                continue;
            }
            File file = finding.file() == null ? pom : contextDirectory.resolve(finding.file()).toFile();
            if (file == null) {
                continue;
            }
            if (marked.add(file)) {
                context.removeMessages(file);
            }
            String message = finding.message() + (finding.fix().isEmpty() ? "" : " Fix: " + finding.fix());
            context.addMessage(file, Math.max(finding.line(), 0), 0, message, severity, null);
        }
        context.setValue(key, marked);
    }
}
