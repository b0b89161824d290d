package io.clusterimage.maven;

import io.clusterimage.core.Fingerprint;
import io.clusterimage.core.PathTrees;
import io.clusterimage.core.Platform;
import io.clusterimage.fetch.GeneratedContext;
import io.clusterimage.fetch.LockFile;
import io.clusterimage.kubefile.Kubefile;
import io.clusterimage.kubefile.KubefileLocator;
import io.clusterimage.kubefile.KubefileParser;
import io.clusterimage.layout.Layout;
import io.clusterimage.layout.LayoutOptions;
import io.clusterimage.layout.LayoutReader;
import org.apache.maven.plugin.MojoExecutionException;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * What the parameters every goal shares say, as the engine takes it: the platforms, the build args (the POM's,
 * then {@code -D}), the Kubefile, the layout's options with what the fetch goal placed, the files of the context
 * that are not the build's own outputs, the lock file, the fingerprint every goal starts from. Read from the goal's
 * parameters as they are when asked.
 */
final class GoalInputs {

    static final String BUILD_ARG_PROPERTY_PREFIX = "cluster-image.buildArgs.";

    private final AbstractClusterImageMojo mojo;

    GoalInputs(AbstractClusterImageMojo mojo) {
        this.mojo = mojo;
    }

    /** @throws MojoExecutionException naming {@code <platforms>} when an entry is not a platform */
    List<Platform> platforms() throws MojoExecutionException {
        try {
            return Platform.parseAll(mojo.platforms);
        } catch (IllegalArgumentException e) {
            throw new MojoExecutionException("<platforms>: " + e.getMessage());
        }
    }

    /** Build args from the POM, overridden by {@code -Dcluster-image.buildArgs.NAME=value}. */
    Map<String, String> buildArgs() {
        Map<String, String> args = new LinkedHashMap<>();
        if (mojo.buildArgs != null) {
            mojo.buildArgs.forEach((k, v) -> args.put(k, v == null ? "" : v));
        }
        if (mojo.session != null) {
            addPrefixed(mojo.session.getSystemProperties(), args);
            addPrefixed(mojo.session.getUserProperties(), args);
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

    /** Every value of {@code entries}, each of which may list several comma-separated. */
    static List<String> commaSeparated(List<String> entries) {
        return entries == null ? List.of() : entries.stream().flatMap(entry -> Arrays.stream(entry.split(",")))
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** User property first (-D), then project property, then the POM value — the XML path as property name. */
    String property(String name, String pomValue) {
        if (mojo.session != null && mojo.session.getUserProperties().getProperty(name) != null) {
            return mojo.session.getUserProperties().getProperty(name);
        }
        if (mojo.project != null && mojo.project.getProperties().getProperty(name) != null) {
            return mojo.project.getProperties().getProperty(name);
        }
        return pomValue;
    }

    /** Whether the POM names the Kubefile ({@code <kubefile>}). */
    boolean explicitKubefile() {
        return mojo.kubefile != null && !mojo.kubefile.isBlank();
    }

    /** Whether the context has a Kubefile, Sealfile, Dockerfile or Containerfile of its own. */
    boolean foundKubefile() {
        return KubefileLocator.locate(mojo.contextDirectory.toPath(), null).isPresent();
    }

    /** The Kubefile: the one {@code <kubefile>} names (an error when it does not exist), or the context's own. */
    Optional<KubefileLocator.Located> locatedKubefile() throws MojoExecutionException {
        Optional<KubefileLocator.Located> found = KubefileLocator.locate(mojo.contextDirectory.toPath(),
                explicitKubefile() ? Path.of(mojo.kubefile) : null);
        if (found.isEmpty() && explicitKubefile()) {
            throw new MojoExecutionException("<kubefile> " + mojo.kubefile + " does not exist in " + mojo.contextDirectory);
        }
        return found;
    }

    /** Whether the POM names no Kubefile and the context has none: then most goals have nothing to do. */
    boolean noKubefile() {
        return !explicitKubefile() && !foundKubefile();
    }

    /** Whether the POM declares charts or files for the fetch goal. */
    boolean declaresSources() {
        return mojo.files != null && !mojo.files.isEmpty() || mojo.charts != null && mojo.charts.stream()
                .anyMatch(c -> c.repository != null && !c.repository.isBlank());
    }

    /**
     * What the fetch goal placed for a platform, laid over the build context by COPY and the scan; null
     * when the POM declares nothing to fetch (a tree left from an earlier build is then not used).
     */
    Path generatedContext(Platform platform) {
        Path root = GeneratedContext.root(mojo.outputDirectory.toPath(), platform);
        return declaresSources() && Files.isDirectory(root) ? root : null;
    }

    /**
     * How every goal reads the layout: the context, the Kubefile choice, build args, platforms, and what
     * the fetch goal placed for the first platform (charts are the same for every platform).
     */
    LayoutOptions layoutOptions() throws MojoExecutionException {
        List<Platform> targets = platforms();
        return new LayoutOptions(mojo.contextDirectory.toPath(), explicitKubefile() ? Path.of(mojo.kubefile) : null, buildArgs(),
                targets, generatedContext(targets.get(0)));
    }

    /** The build's own outputs: Maven's build directory (when there is a project) and the output directory. */
    List<Path> outputRoots() {
        List<Path> roots = new ArrayList<>();
        if (mojo.project != null && mojo.project.getBuild() != null && mojo.project.getBuild().getDirectory() != null) {
            roots.add(Path.of(mojo.project.getBuild().getDirectory()));
        }
        roots.add(mojo.outputDirectory.toPath());
        return roots;
    }

    /** Files of the build context, minus Maven's build directory (our own outputs). */
    Predicate<Path> notBuildOutput() {
        return PathTrees.underOrGit(outputRoots());
    }

    /** The build's own outputs where they lie in the build context, relative to it: what COPY leaves out. */
    List<Path> outputsInContext() {
        List<Path> excluded = new ArrayList<>();
        Path context = mojo.contextDirectory.toPath().toAbsolutePath().normalize();
        for (Path output : outputRoots()) {
            Path absolute = output.toAbsolutePath().normalize();
            if (absolute.startsWith(context)) {
                excluded.add(context.relativize(absolute));
            }
        }
        return excluded;
    }

    /**
     * A fingerprint seeded with what every goal depends on: this plugin's build, the Kubefile choice, build args, platforms;
     * the user's files it is given count by content (the goal's {@link AbstractClusterImageMojo#contentMemo()}).
     */
    Fingerprint fingerprint(String goal) throws MojoExecutionException {
        Fingerprint seeded = new Fingerprint(goal).byContent(mojo.contentMemo(), mojo.outputDirectory.toPath());
        if (mojo.plugin != null && mojo.plugin.getPluginArtifact() != null && mojo.plugin.getPluginArtifact().getFile() != null) {
            File jar = mojo.plugin.getPluginArtifact().getFile();
            seeded.add("plugin", mojo.plugin.getVersion() + "@" + jar.lastModified() + "/" + jar.length());
        }
        return seeded.add("context", mojo.contextDirectory.getAbsolutePath()).add("kubefile", mojo.kubefile)
                .add("buildArgs", new TreeMap<>(buildArgs())).add("platforms", platforms());
    }

    /** The layout validate-layout read in this build, or a fresh read when it did not run. */
    Layout layout() throws MojoExecutionException {
        Object cached = mojo.project == null ? null : mojo.project.getContextValue(ValidateLayoutMojo.LAYOUT_CONTEXT_KEY);
        if (cached instanceof Layout layout && layout.contextDir().equals(mojo.contextDirectory.toPath().toAbsolutePath().normalize())) {
            return layout;
        }
        try {
            return LayoutReader.read(layoutOptions());
        } catch (IOException e) {
            throw new MojoExecutionException("cannot read the layout in " + mojo.contextDirectory + ": " + e.getMessage(), e);
        }
    }

    /** The Kubefile {@code file}, as validate-layout parsed it in this build, or parsed now. */
    Kubefile kubefile(Path file) throws MojoExecutionException {
        Object cached = mojo.project == null ? null : mojo.project.getContextValue(ValidateLayoutMojo.LAYOUT_CONTEXT_KEY);
        if (cached instanceof Layout layout && layout.kubefile().isPresent() && layout.kubefilePath().filter(file::equals).isPresent()) {
            return layout.kubefile().get();
        }
        try {
            Path display = mojo.contextDirectory.toPath().toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize());
            return KubefileParser.parse(file, display);
        } catch (IOException e) {
            throw new MojoExecutionException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The lock file, when there is one; one that cannot be read is an error naming it. */
    Optional<LockFile> readLock() throws MojoExecutionException {
        if (mojo.lockFile == null) {
            return Optional.empty();
        }
        try {
            return LockFile.read(mojo.lockFile.toPath());
        } catch (LockFile.InvalidLockException e) {
            throw new MojoExecutionException("<lockFile> " + e.getMessage());
        } catch (IOException e) {
            throw new MojoExecutionException("<lockFile> " + mojo.lockFile + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** The POM's directory, which the POM's paths and the log's file names are relative to; the context without a project. */
    File baseDirectory() {
        return mojo.project != null && mojo.project.getBasedir() != null ? mojo.project.getBasedir() : mojo.contextDirectory;
    }

    /** The context directory as the log names it: relative to the project, {@code .} for the project itself. */
    String contextDescription() {
        if (mojo.project != null && mojo.project.getBasedir() != null) {
            try {
                String relative = mojo.project.getBasedir().toPath().relativize(mojo.contextDirectory.toPath()).toString();
                return relative.isEmpty() ? "." : relative;
            } catch (IllegalArgumentException e) {
                return mojo.contextDirectory.toString();
            }
        }
        return mojo.contextDirectory.toString();
    }
}
