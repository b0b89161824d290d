package io.clusterimage.maven;

import io.clusterimage.core.ContentMemo;
import io.clusterimage.core.OutputTimestamp;
import io.clusterimage.core.Platform;
import io.clusterimage.fetch.LockFile;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.project.MavenProjectHelper;
import org.sonatype.plexus.build.incremental.BuildContext;

import java.io.File;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Parameters every goal shares, declared once. Properties use the {@code cluster-image.} prefix and mirror the
 * XML element names. What they say (platforms, build args, the layout's options) is {@link GoalInputs}'s; the
 * steps every goal runs are {@link AbstractGoalMojo}'s.
 */
public abstract class AbstractClusterImageMojo extends AbstractMojo {

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
    @Parameter(property = "cluster-image.lockFile", defaultValue = "${project.basedir}/" + LockFile.FILE_NAME)
    protected File lockFile;

    /**
     * Fails the build when the lock file does not answer a declared chart or file, or an image pulled from
     * a registry (for CI), instead of resolving it with a warning.
     */
    @Parameter(property = "cluster-image.requireLock", defaultValue = "false")
    protected boolean requireLock;

    /**
     * Images other tools of the build write to files (jib:buildTar, docker save), each with the reference the
     * manifests use — the file by its path ({@code <file>}) or as an artifact a module of the build made
     * ({@code <artifact>groupId:artifactId:type:classifier</artifact>}): scan-images lists them as images of
     * source {@code built}, save-registry stores them under that reference in every platform's tree instead of
     * pulling them.
     */
    @Parameter
    protected List<ImageArchiveConfig> imageArchives;

    /**
     * The application's own images, built by save-registry with Jib Core from a module of the build (or this
     * project) on a base image and stored under {@code <image>} in every platform's tree; scan-images lists them
     * as images of source {@code built}.
     */
    @Parameter
    protected List<AppImageConfig> appImages;

    /** {@code project.build.outputTimestamp}: the creation time of the image and of every file in it, and the SBOM's. */
    @Parameter(defaultValue = "${project.build.outputTimestamp}")
    protected String outputTimestamp;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    protected MavenProject project;

    @Parameter(defaultValue = "${session}", readonly = true, required = true)
    protected MavenSession session;

    @Parameter(defaultValue = "${plugin}", readonly = true)
    protected PluginDescriptor plugin;

    /** The build context of the IDE running the build (m2e), or on the command line Maven's, which only logs. */
    @Component
    protected BuildContext buildContext;

    @Component
    protected MavenProjectHelper projectHelper;

    private ContentMemo contentMemo;

    /**
     * The content hashes of the user's files the goal's fingerprints read, loaded once per goal from the output
     * directory; the goal saves it after its up-to-date check.
     */
    ContentMemo contentMemo() {
        if (contentMemo == null) {
            contentMemo = ContentMemo.load(outputDirectory.toPath());
        }
        return contentMemo;
    }

    /** What the parameters say, read from them as they are now. */
    protected GoalInputs inputs() {
        return new GoalInputs(this);
    }

    /** @throws MojoExecutionException naming {@code <platforms>} when an entry is not a platform */
    protected List<Platform> effectivePlatforms() throws MojoExecutionException {
        return inputs().platforms();
    }

    /**
     * {@code project.build.outputTimestamp} as an instant — ISO-8601 or seconds since the epoch; the epoch when
     * unset or one character (maven-archiver's "not reproducible" marker).
     */
    static Instant outputTimestamp(String value) throws MojoExecutionException {
        try {
            return OutputTimestamp.parse(value);
        } catch (IllegalArgumentException e) {
            throw new MojoExecutionException(e.getMessage());
        }
    }

    /** Maven's {@code -o}. */
    protected boolean offline() {
        return session != null && session.isOffline();
    }
}
