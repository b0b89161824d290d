package io.clusterimage.maven;

import io.clusterimage.core.Finding;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.logging.Log;
import org.sonatype.plexus.build.incremental.BuildContext;
import org.sonatype.plexus.build.incremental.DefaultBuildContext;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What an IDE build (Eclipse m2e, VS Code Java through it) gets from validate-layout and scan-images through the
 * build-context API it implements: whether anything the goal reads changed since its last build, and each
 * finding as a marker on its file and line ({@code Kubefile:7}, {@code manifests/app.yaml:12}) instead of one
 * marker on pom.xml. On the command line Maven's own build context is there, which only logs: then this only
 * logs the findings.
 */
final class IdeFeedback {

    private final BuildContext context;
    private final String goal;
    private final Log log;
    private final Path contextDirectory;
    private final File pom;

    IdeFeedback(BuildContext context, String goal, Log log, Path contextDirectory, File pom) {
        this.context = context;
        this.goal = goal;
        this.log = log;
        this.contextDirectory = contextDirectory;
        this.pom = pom;
    }

    /** Whether the build runs in an IDE (a build context other than the command line's). */
    boolean inIde() {
        return context != null && !(context instanceof DefaultBuildContext);
    }

    /**
     * Whether an incremental IDE build may skip the goal: nothing in the build context (its own outputs left
     * out) nor the POM changed since the IDE's last build. Never on the command line, nor on a full IDE build.
     */
    private boolean nothingChanged(List<Path> outputs) throws IOException {
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

    /** {@link #nothingChanged} in the goal's context, a context that cannot be listed an error naming it. */
    boolean unchanged(List<Path> outputs) throws MojoExecutionException {
        try {
            return nothingChanged(outputs);
        } catch (IOException e) {
            throw new MojoExecutionException("cannot list " + contextDirectory + ": " + e.getMessage(), e);
        }
    }

    /** Logs findings at their severity, in the compiler style IDEs link ({@code Kubefile:7: ...}), then {@link #report}s them. */
    void show(List<Finding> findings) {
        for (Finding finding : findings) {
            switch (finding.severity()) {
                case ERROR -> log.error(finding.describe());
                case WARNING -> log.warn(finding.describe());
                default -> log.info(finding.describe());
            }
        }
        report(findings);
    }

    /**
     * Replaces the goal's markers with {@code findings}: those of its last run are removed (the files fixed
     * since lose theirs), each error or warning becomes a marker on its file and line — on {@code pom} when it
     * names no file.
     */
    private void report(List<Finding> findings) {
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
