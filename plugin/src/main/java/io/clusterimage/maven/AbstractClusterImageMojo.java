package io.clusterimage.maven;

import io.clusterimage.core.Platform;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Parameters every goal shares. Properties use the {@code cluster-image.} prefix and mirror the
 * XML element names.
 */
public abstract class AbstractClusterImageMojo extends AbstractMojo {

    static final String BUILD_ARG_PROPERTY_PREFIX = "cluster-image.buildArgs.";

    /** Skips every goal of this plugin. */
    @Parameter(property = "cluster-image.skip", defaultValue = "false")
    protected boolean skip;

    /** The build context: the directory that holds the Kubefile, manifests/, charts/, images/. */
    @Parameter(property = "cluster-image.contextDirectory", defaultValue = "${project.basedir}")
    protected File contextDirectory;

    /**
     * The Kubefile, relative to the context directory or absolute. When not set, the first of
     * Kubefile, Sealfile, Dockerfile, Containerfile in the context directory. (A string, not a File:
     * Maven would resolve a relative File against the project directory, not the context.)
     */
    @Parameter(property = "cluster-image.kubefile")
    protected String kubefile;

    /**
     * Values for the Kubefile's ARG instructions. Also settable one by one from the command line:
     * {@code -Dcluster-image.buildArgs.NAME=value} (which wins over the POM).
     */
    @Parameter
    protected Map<String, String> buildArgs;

    /** Target platforms, {@code os/arch[/variant]}, comma-separated on the command line. */
    @Parameter(property = "cluster-image.platforms", defaultValue = "linux/amd64")
    protected List<String> platforms;

    /** No SBOM: the sbom goal writes none, package-image stores none in the archive. */
    @Parameter(property = "cluster-image.skipSbom", defaultValue = "false")
    protected boolean skipSbom;

    /** Where the plugin writes its reports and intermediate files. */
    @Parameter(property = "cluster-image.outputDirectory", defaultValue = "${project.build.directory}/cluster-image")
    protected File outputDirectory;

    /**
     * Per chart (by its Chart.yaml name): extra values files and --set values for scan-images; with a
     * {@code <repository>} and {@code <version>}, the fetch goal gets the chart from there.
     */
    @Parameter
    protected List<ChartConfig> charts;

    /** Downloads (per platform, verified, locked) the fetch goal places into the generated context. */
    @Parameter
    protected List<FileConfig> files;

    /**
     * The lock file: committed next to the POM, written by cluster-image:lock; fetch and save-registry
     * follow it when it exists, the SBOM takes fetched charts' repositories and digests from it.
     */
    @Parameter(property = "cluster-image.lockFile", defaultValue = "${project.basedir}/" + io.clusterimage.fetch.LockFile.FILE_NAME)
    protected File lockFile;

    /**
     * Fails the build when the lock file does not answer a declared chart or file, or an image pulled from
     * a registry (for CI), instead of resolving it with a warning.
     */
    @Parameter(property = "cluster-image.requireLock", defaultValue = "false")
    protected boolean requireLock;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    protected MavenProject project;

    @Parameter(defaultValue = "${session}", readonly = true, required = true)
    protected MavenSession session;

    @Parameter(defaultValue = "${plugin}", readonly = true)
    protected org.apache.maven.plugin.descriptor.PluginDescriptor plugin;

    /**
     * A fingerprint seeded with what every goal depends on: this plugin's build, the Kubefile
     * choice, build args and platforms.
     */
    protected io.clusterimage.core.Fingerprint fingerprint(String goal) throws MojoExecutionException {
        io.clusterimage.core.Fingerprint fingerprint = new io.clusterimage.core.Fingerprint(goal);
        if (plugin != null && plugin.getPluginArtifact() != null && plugin.getPluginArtifact().getFile() != null) {
            File jar = plugin.getPluginArtifact().getFile();
            fingerprint.add("plugin", plugin.getVersion() + "@" + jar.lastModified() + "/" + jar.length());
        }
        fingerprint.add("context", contextDirectory.getAbsolutePath());
        fingerprint.add("kubefile", kubefile);
        fingerprint.add("buildArgs", new java.util.TreeMap<>(effectiveBuildArgs()));
        fingerprint.add("platforms", effectivePlatforms());
        return fingerprint;
    }

    /**
     * {@code project.build.outputTimestamp} as an instant — ISO-8601 or seconds since the epoch; the
     * epoch when unset or one character (maven-archiver's "not reproducible" marker). Every time the
     * plugin writes (image creation, SBOM) comes from it, so the same build gives the same bytes.
     */
    static java.time.Instant outputTimestamp(String value) throws MojoExecutionException {
        String text = value == null ? "" : value.strip();
        if (text.length() <= 1) {
            return java.time.Instant.EPOCH;
        }
        try {
            return text.chars().allMatch(Character::isDigit) ? java.time.Instant.ofEpochSecond(Long.parseLong(text))
                    : java.time.OffsetDateTime.parse(text).toInstant();
        } catch (java.time.format.DateTimeParseException | NumberFormatException e) {
            throw new MojoExecutionException("project.build.outputTimestamp '" + text + "' is neither an ISO-8601 time"
                    + " (2026-01-01T00:00:00Z) nor seconds since the epoch");
        }
    }

    /** The lock file, when there is one; one that cannot be read is an error naming it. */
    protected java.util.Optional<io.clusterimage.fetch.LockFile> readLock() throws MojoExecutionException {
        if (lockFile == null) {
            return java.util.Optional.empty();
        }
        try {
            return io.clusterimage.fetch.LockFile.read(lockFile.toPath());
        } catch (io.clusterimage.fetch.LockFile.InvalidLockException e) {
            throw new MojoExecutionException("<lockFile> " + e.getMessage());
        } catch (java.io.IOException e) {
            throw new MojoExecutionException("<lockFile> " + lockFile + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Maven's {@code -o}. */
    protected boolean offline() {
        return session != null && session.isOffline();
    }

    /** Whether the POM declares charts or files for the fetch goal. */
    protected boolean declaresSources() {
        return files != null && !files.isEmpty() || charts != null && charts.stream().anyMatch(c -> c.repository != null
                && !c.repository.isBlank());
    }

    /**
     * What the fetch goal placed for a platform, laid over the build context by COPY and the scan; null
     * when the POM declares nothing to fetch (a tree left from an earlier build is then not used).
     */
    protected java.nio.file.Path generatedContext(Platform platform) {
        java.nio.file.Path root = io.clusterimage.fetch.GeneratedContext.root(outputDirectory.toPath(), platform);
        return declaresSources() && java.nio.file.Files.isDirectory(root) ? root : null;
    }

    /**
     * How every goal reads the layout: the context, the Kubefile choice, build args, platforms, and what
     * the fetch goal placed for the first platform (charts are the same for every platform).
     */
    protected io.clusterimage.layout.LayoutOptions layoutOptions() throws MojoExecutionException {
        List<Platform> targets = effectivePlatforms();
        return new io.clusterimage.layout.LayoutOptions(contextDirectory.toPath(),
                kubefile == null || kubefile.isBlank() ? null : java.nio.file.Path.of(kubefile), effectiveBuildArgs(), targets,
                generatedContext(targets.get(0)));
    }

    /** Files of the build context, minus Maven's build directory (our own outputs). */
    protected java.util.function.Predicate<java.nio.file.Path> notBuildOutput() {
        java.nio.file.Path output = outputDirectory.toPath().toAbsolutePath().normalize();
        java.nio.file.Path build = project != null && project.getBuild() != null && project.getBuild().getDirectory() != null
                ? java.nio.file.Path.of(project.getBuild().getDirectory()).toAbsolutePath().normalize() : output;
        return path -> {
            java.nio.file.Path absolute = path.toAbsolutePath().normalize();
            return absolute.startsWith(build) || absolute.startsWith(output) || absolute.getFileName() != null
                    && absolute.getFileName().toString().equals(".git");
        };
    }

    /** How long a build waits for another build of the same project to release the output directory. */
    static final java.time.Duration OUTPUT_LOCK_PATIENCE = java.time.Duration.ofMinutes(10);

    /**
     * Locks the output directory for this goal: a second build of the project at the same time waits
     * (saying so) instead of deleting the trees and archives the first one is writing.
     */
    protected io.clusterimage.core.OutputLock lockOutput() throws MojoExecutionException {
        try {
            return io.clusterimage.core.OutputLock.acquire(outputDirectory.toPath(), OUTPUT_LOCK_PATIENCE,
                    file -> getLog().info("cluster-image: another build of this project is running; waiting for it (" + file + ")"));
        } catch (java.io.IOException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MojoExecutionException("cancelled while waiting for another build of this project", e);
        }
    }

    /** The build context of the IDE running the build (m2e), or on the command line Maven's, which only logs. */
    @org.apache.maven.plugins.annotations.Component
    protected org.sonatype.plexus.build.incremental.BuildContext buildContext;

    /** What an IDE build gets from {@code goal}: skipping when nothing changed, findings as markers. */
    protected IdeFeedback ide(String goal) {
        return new IdeFeedback(buildContext, goal);
    }

    /** Whether an incremental IDE build may skip the goal: nothing of the build context nor the POM changed. */
    protected boolean unchangedInIde(IdeFeedback ide) throws MojoExecutionException {
        List<java.nio.file.Path> outputs = new ArrayList<>(List.of(outputDirectory.toPath()));
        if (project != null && project.getBuild() != null && project.getBuild().getDirectory() != null) {
            outputs.add(java.nio.file.Path.of(project.getBuild().getDirectory()));
        }
        try {
            return ide.nothingChanged(contextDirectory.toPath(), outputs, pomFile());
        } catch (java.io.IOException e) {
            throw new MojoExecutionException("cannot list " + contextDirectory + ": " + e.getMessage(), e);
        }
    }

    protected File pomFile() {
        return project == null ? null : project.getFile();
    }

    /** Logs a finding at its severity, in the compiler style IDEs link ({@code Kubefile:7: ...}). */
    protected void log(io.clusterimage.core.Finding finding) {
        switch (finding.severity()) {
            case ERROR -> getLog().error(finding.describe());
            case WARNING -> getLog().warn(finding.describe());
            default -> getLog().info(finding.describe());
        }
    }

    /** User property first (-D), then project property, then the POM value — the XML path as property name. */
    protected String property(String name, String pomValue) {
        if (session != null && session.getUserProperties().getProperty(name) != null) {
            return session.getUserProperties().getProperty(name);
        }
        if (project != null && project.getProperties().getProperty(name) != null) {
            return project.getProperties().getProperty(name);
        }
        return pomValue;
    }

    /** Build args from the POM, overridden by {@code -Dcluster-image.buildArgs.NAME=value}. */
    protected Map<String, String> effectiveBuildArgs() {
        Map<String, String> args = new LinkedHashMap<>();
        if (buildArgs != null) {
            buildArgs.forEach((k, v) -> args.put(k, v == null ? "" : v));
        }
        if (session != null) {
            addPrefixed(session.getSystemProperties(), args);
            addPrefixed(session.getUserProperties(), args);
        }
        return args;
    }

    private static void addPrefixed(Properties properties, Map<String, String> into) {
        if (properties == null) {
            return;
        }
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith(BUILD_ARG_PROPERTY_PREFIX) && name.length() > BUILD_ARG_PROPERTY_PREFIX.length()) {
                into.put(name.substring(BUILD_ARG_PROPERTY_PREFIX.length()), properties.getProperty(name));
            }
        }
    }

    /** @throws MojoExecutionException naming {@code <platforms>} when an entry is not a platform */
    protected List<Platform> effectivePlatforms() throws MojoExecutionException {
        List<Platform> result = new ArrayList<>();
        List<String> configured = platforms == null ? List.of() : platforms;
        for (String entry : configured) {
            for (String single : entry.split(",")) {
                if (single.isBlank()) {
                    continue;
                }
                try {
                    result.add(Platform.parse(single));
                } catch (IllegalArgumentException e) {
                    throw new MojoExecutionException("<platforms>: " + e.getMessage());
                }
            }
        }
        return result.isEmpty() ? List.of(Platform.LINUX_AMD64) : result;
    }

    protected String contextDescription() {
        if (project != null && project.getBasedir() != null) {
            try {
                String relative = project.getBasedir().toPath().relativize(contextDirectory.toPath()).toString();
                return relative.isEmpty() ? "." : relative;
            } catch (IllegalArgumentException e) {
                return contextDirectory.toString();
            }
        }
        return contextDirectory.toString();
    }
}
