package io.clusterimage.appimage;

import com.google.cloud.tools.jib.api.CacheDirectoryCreationException;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.JavaContainerBuilder;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.Ports;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.RelativeUnixPath;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import io.clusterimage.core.PathTrees;
import io.clusterimage.core.Platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Builds an application image with Jib Core, in-process and without a daemon. Exploded mode (Jib's
 * default): layers for dependencies, snapshot dependencies, resources and classes (top), entrypoint
 * {@code java <jvmFlags> -cp /app/classes:/app/resources:/app/libs/* <mainClass>}. Packaged mode: the
 * module's jar at {@code /app/}, run with {@code java -jar}. A war: laid out under Jetty's web application root and
 * run by the base image's servlet container. {@code <appRoot>} moves {@code /app} (or the war's root).
 * {@code <extraDirectories>} layers go on top. The base image is a local tar ({@link BaseImageTar}) and the result
 * an OCI archive, so Jib never talks to a registry.
 *
 * <p>Reproducible as Jib is: layer files get a fixed time, the image the spec's creation time, so the
 * same code, dependencies and base give the same digest.
 */
public final class AppImageBuilder {

    /** Jib's app root for a jar. */
    static final String DEFAULT_APP_ROOT = "/app";
    /** Jib's app root for a war: Jetty's ROOT web application, as on jib's default base image for wars. */
    static final String DEFAULT_WAR_ROOT = "/var/lib/jetty/webapps/ROOT";

    private AppImageBuilder() {
    }

    /** The OCI archive Jib wrote, and the digest of its manifest (what the registry tree will hold). */
    public record Built(Path archive, String digest) {
    }

    /**
     * @param baseTar  the base image for {@code platform} as a docker-archive
     * @param workDir  this image's scratch directory for {@code platform} (emptied first)
     * @param archive  where the OCI archive goes; written beside and renamed, so it is complete or absent
     */
    public static Built build(AppImageSpec spec, Platform platform, Path baseTar, Path workDir, Path archive, Consumer<String> log)
            throws IOException, AppImageException {
        PathTrees.deleteTree(workDir);
        Files.createDirectories(workDir);
        checkEntrypoint(spec);
        boolean war = AppCode.isWar(spec.code());
        JibContainerBuilder container;
        try {
            container = war ? war(spec, baseTar, workDir)
                    : spec.mode() == AppImageSpec.Mode.PACKAGED ? packaged(spec, baseTar, log) : exploded(spec, baseTar, workDir);
        } catch (NoSuchFileException e) {
            throw new AppImageException(spec.describe() + ": the dependency " + e.getFile() + " does not exist; build or"
                    + " resolve it before this module");
        }
        for (FileEntriesLayer layer : ExtraDirectories.layers(spec)) {
            container.addFileEntriesLayer(layer);
        }
        // a war is run by the base image's servlet container: its entrypoint, as with <entrypoint>INHERIT
        boolean inheritsBase = spec.inheritsEntrypoint() || war && spec.entrypoint().isEmpty();
        if (inheritsBase) {
            container.setEntrypoint((List<String>) null); // the base image's, and its Cmd unless <args> says otherwise
        } else if (!spec.entrypoint().isEmpty()) {
            container.setEntrypoint(spec.entrypoint());
        }
        configure(spec, platform, container, inheritsBase);
        Path cache = workDir.resolveSibling("jib-cache");
        Path partial = archive.resolveSibling(archive.getFileName() + ".partial");
        Files.createDirectories(archive.getParent());
        Files.deleteIfExists(partial);
        JibContainer built;
        try {
            Containerizer containerizer = Containerizer.to(TarImage.at(partial).named(spec.image().canonical()))
                    // both caches under target/: nothing of the build lands in the user's home but the plugin's own cache
                    .setBaseImageLayersCache(cache.resolve("base"))
                    .setApplicationLayersCache(cache.resolve("application"))
                    .setOfflineMode(true)
                    .setToolName("cluster-image-maven-plugin")
                    .addEventHandler(LogEvent.class, event -> {
                        if (event.getLevel() == LogEvent.Level.ERROR || event.getLevel() == LogEvent.Level.WARN) {
                            log.accept(event.getMessage());
                        }
                    });
            built = container.containerize(containerizer);
        } catch (InvalidImageReferenceException e) {
            throw new AppImageException(spec.describe() + ": Jib does not accept the reference (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Files.deleteIfExists(partial);
            throw new AppImageException(spec.describe() + ": the build was interrupted", e);
        } catch (ExecutionException | CacheDirectoryCreationException | com.google.cloud.tools.jib.api.RegistryException
                 | IOException e) {
            Files.deleteIfExists(partial);
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new AppImageException(spec.describe() + ": Jib could not build it for " + platform + ": " + cause, cause);
        }
        Files.move(partial, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Built(archive, built.getDigest().toString());
    }

    /** Classes and resources unpacked into layers of their own, run with {@code -cp}. */
    private static JibContainerBuilder exploded(AppImageSpec spec, Path baseTar, Path workDir) throws IOException, AppImageException {
        AppCode.Unpacked code = AppCode.open(spec.code(), workDir, spec.describe());
        JavaContainerBuilder java = JavaContainerBuilder.from(TarImage.at(baseTar)).setAppRoot(appRoot(spec, DEFAULT_APP_ROOT))
                .addClasses(code.directory(), AppImageBuilder::isClass)
                .addResources(code.directory(), path -> !isClass(path));
        if (spec.entrypoint().isEmpty()) {
            java.addJvmFlags(spec.jvmFlags()).setMainClass(mainClass(spec, code));
        }
        addDependencies(java, spec.dependencies());
        return java.toContainerBuilder();
    }

    /**
     * The module's jar as it is, at {@code /app/<jar name>} in a layer above its dependencies. Run with
     * {@code java -jar} from its Main-Class, or with {@code -cp jar:/app/libs/* <mainClass>} when
     * {@code <mainClass>} is set (an explicit choice wins over the manifest, as in exploded mode).
     * Dependencies go to {@code /app/libs/} only where the JVM will find them: with {@code -cp}, or with
     * {@code -jar} when the manifest's Class-Path lists them; never for a jar that bundles its own
     * ({@code BOOT-INF/lib/}).
     */
    private static JibContainerBuilder packaged(AppImageSpec spec, Path baseTar, Consumer<String> log)
            throws IOException, AppImageException {
        AppCode.Jar jar = AppCode.packaged(spec.code(), spec.describe());
        String root = appRoot(spec, DEFAULT_APP_ROOT);
        String under = root.endsWith("/") ? root : root + "/"; // the app root "/" itself ends with one
        String inImage = under + jar.file().getFileName();
        List<String> entrypoint = new ArrayList<>(List.of("java"));
        entrypoint.addAll(spec.jvmFlags());
        boolean readsLibs;
        if (!spec.entrypoint().isEmpty()) {
            readsLibs = true;
        } else if (!spec.mainClass().isEmpty()) {
            if (!jar.hasClass(spec.mainClass())) {
                throw new AppImageException(spec.describe() + ": <mainClass>" + spec.mainClass() + "</mainClass> is not in"
                        + " the module's jar (" + jar.file() + "); give the fully qualified name of a class of the jar,"
                        + " or leave <mainClass> out to run the jar's Main-Class with java -jar");
            }
            entrypoint.addAll(List.of("-cp", inImage + ":" + under + "libs/*", spec.mainClass()));
            readsLibs = true;
        } else if (jar.manifestMainClass().isPresent()) {
            entrypoint.addAll(List.of("-jar", inImage));
            readsLibs = jar.manifestClassPath();
        } else {
            throw new AppImageException(spec.describe() + ": the jar " + jar.file() + " has no Main-Class in its manifest,"
                    + " so java -jar cannot run it: set <mainClass> (run with -cp), or give the jar a Main-Class manifest entry");
        }
        List<Path> dependencies = readsLibs && !jar.bundlesDependencies() ? spec.dependencies() : List.of();
        if (dependencies.isEmpty() != spec.dependencies().isEmpty()) {
            log.accept(spec.describe() + ": " + spec.dependencies().size() + " runtime dependencies left out: "
                    + (jar.bundlesDependencies() ? "the jar bundles its own (BOOT-INF/lib/)"
                    : "java -jar reads only the jar's manifest Class-Path, and this jar has none (a shaded jar needs none)"));
        }
        JibContainerBuilder container;
        if (dependencies.isEmpty()) {
            container = Jib.from(TarImage.at(baseTar));
        } else {
            JavaContainerBuilder java = JavaContainerBuilder.from(TarImage.at(baseTar)).setAppRoot(root);
            addDependencies(java, dependencies);
            container = java.toContainerBuilder();
        }
        container.addFileEntriesLayer(FileEntriesLayer.builder().setName("jar")
                .addEntry(jar.file(), AbsoluteUnixPath.get(inImage)).build());
        return container.setEntrypoint(entrypoint);
    }

    /**
     * A web application — the module's {@code .war}, or an exploded one — laid out as jib-maven-plugin lays out
     * war packaging: under the app root ({@value #DEFAULT_WAR_ROOT}, Jetty's, unless {@code <appRoot>}), the jars
     * of {@code WEB-INF/lib} as the dependency layers, {@code WEB-INF/classes} as the classes layer and the rest
     * (pages, {@code WEB-INF/web.xml}) as resources. The war brings its own libraries, so the module's resolved
     * dependencies are not added; the base image's servlet container runs it.
     */
    private static JibContainerBuilder war(AppImageSpec spec, Path baseTar, Path workDir) throws IOException, AppImageException {
        String notHere = spec.mode() == AppImageSpec.Mode.PACKAGED ? "<containerizingMode>packaged</containerizingMode>"
                : !spec.mainClass().isEmpty() ? "<mainClass>" : !spec.jvmFlags().isEmpty() ? "<jvmFlags>" : null;
        if (notHere != null) {
            throw new AppImageException(spec.describe() + ": " + notHere + " does not apply to a war (" + spec.code() + "):"
                    + " the base image's servlet container runs it; remove it (options of the container go into"
                    + " <environment>, e.g. JAVA_OPTIONS for Jetty)");
        }
        Path root = AppCode.open(spec.code(), workDir, spec.describe()).directory();
        Path classes = root.resolve("WEB-INF/classes");
        Path lib = root.resolve("WEB-INF/lib");
        JavaContainerBuilder java = JavaContainerBuilder.from(TarImage.at(baseTar)).setAppRoot(appRoot(spec, DEFAULT_WAR_ROOT))
                .setClassesDestination(RelativeUnixPath.get("WEB-INF/classes"))
                .setResourcesDestination(RelativeUnixPath.get(""))
                .setDependenciesDestination(RelativeUnixPath.get("WEB-INF/lib"))
                .addResources(root, path -> !path.startsWith(classes) && !path.startsWith(lib));
        if (Files.isDirectory(classes)) {
            java.addClasses(classes, path -> true);
        }
        if (Files.isDirectory(lib)) {
            try (Stream<Path> jars = Files.list(lib)) {
                addDependencies(java, jars.filter(jar -> jar.getFileName().toString().endsWith(".jar")).sorted().toList());
            }
        }
        return java.toContainerBuilder();
    }

    /** {@code <appRoot>}, checked, or the mode's default. */
    private static String appRoot(AppImageSpec spec, String fallback) throws AppImageException {
        if (spec.appRoot().isEmpty()) {
            return fallback;
        }
        if (!spec.appRoot().startsWith("/")) {
            throw new AppImageException(spec.describe() + ": <appRoot>" + spec.appRoot() + "</appRoot> is not an absolute"
                    + " path; write it from / (e.g. /usr/local/tomcat/webapps/ROOT)");
        }
        return spec.appRoot();
    }

    /** Release and snapshot jars in layers of their own: snapshots change more often. */
    private static void addDependencies(JavaContainerBuilder java, List<Path> dependencies) throws IOException {
        List<Path> snapshots = dependencies.stream().filter(AppImageBuilder::isSnapshot).toList();
        List<Path> releases = dependencies.stream().filter(p -> !isSnapshot(p)).toList();
        if (!releases.isEmpty()) {
            java.addDependencies(releases);
        }
        if (!snapshots.isEmpty()) {
            java.addSnapshotDependencies(snapshots);
        }
    }

    /** {@code <entrypoint>} replaces the java command line: flags or a main class beside it would be silently lost. */
    private static void checkEntrypoint(AppImageSpec spec) throws AppImageException {
        if (!spec.entrypoint().isEmpty() && (!spec.jvmFlags().isEmpty() || !spec.mainClass().isEmpty())) {
            throw new AppImageException(spec.describe() + ": <entrypoint> replaces the java command line, so "
                    + (spec.mainClass().isEmpty() ? "" : "<mainClass>" + (spec.jvmFlags().isEmpty() ? "" : " and "))
                    + (spec.jvmFlags().isEmpty() ? "" : "<jvmFlags>") + " would not be used: remove "
                    + (spec.mainClass().isEmpty() == spec.jvmFlags().isEmpty() ? "them" : "it")
                    + ", or write the flags and the class into <entrypoint>");
        }
    }

    private static void configure(AppImageSpec spec, Platform platform, JibContainerBuilder container, boolean inheritsBase)
            throws AppImageException {
        // set even when empty, or Jib keeps the base image's Cmd, which would become arguments of main(); but where
        // the base image's entrypoint is kept, its Cmd belongs to it and stays unless <args> replaces it
        if (!inheritsBase || !spec.args().isEmpty()) {
            container.setProgramArguments(spec.args());
        }
        container.setEnvironment(spec.environment());
        container.setLabels(spec.labels());
        try {
            container.setExposedPorts(Ports.parse(spec.ports()));
        } catch (NumberFormatException e) {
            throw new AppImageException(spec.describe() + ": <ports> " + spec.ports() + ": " + e.getMessage()
                    + "; write each as <port>8080</port>, <port>5000/udp</port> or <port>7000-7003</port>");
        }
        if (!spec.user().isEmpty()) {
            container.setUser(spec.user());
        }
        if (!spec.workingDirectory().isEmpty()) {
            if (!spec.workingDirectory().startsWith("/")) {
                throw new AppImageException(spec.describe() + ": <workingDirectory>" + spec.workingDirectory()
                        + "</workingDirectory> is not an absolute path; write it from / (e.g. /app)");
            }
            container.setWorkingDirectory(AbsoluteUnixPath.get(spec.workingDirectory()));
        }
        Set<AbsoluteUnixPath> volumes = new LinkedHashSet<>();
        for (String volume : spec.volumes()) {
            if (!volume.startsWith("/")) {
                throw new AppImageException(spec.describe() + ": <volumes><volume>" + volume + "</volume> is not an absolute"
                        + " path; write it from / (e.g. /var/cache/orders)");
            }
            volumes.add(AbsoluteUnixPath.get(volume));
        }
        container.setVolumes(volumes);
        container.setCreationTime(spec.creationTime());
        container.setFormat(ImageFormat.OCI);
        container.setPlatforms(Set.of(new com.google.cloud.tools.jib.api.buildplan.Platform(platform.architecture(), platform.os())));
    }

    private static String mainClass(AppImageSpec spec, AppCode.Unpacked code) throws AppImageException {
        String mainClass = spec.mainClass().isEmpty() ? code.manifestMainClass().orElse("") : spec.mainClass();
        if (mainClass.isEmpty()) {
            throw new AppImageException(spec.describe() + " has no main class: set <mainClass> (the class whose"
                    + " public static void main starts the application), or give the module's jar a Main-Class manifest entry");
        }
        Path classFile = code.directory().resolve(mainClass.replace('.', '/') + ".class");
        if (!Files.isRegularFile(classFile)) {
            throw new AppImageException(spec.describe() + ": <mainClass>" + mainClass + "</mainClass> is not among the"
                    + " module's classes (" + spec.code() + "); give the fully qualified name of a class of that module");
        }
        return mainClass;
    }

    private static boolean isClass(Path path) {
        return path.getFileName().toString().endsWith(".class");
    }

    private static boolean isSnapshot(Path jar) {
        String name = jar.getFileName().toString();
        // a snapshot resolved from a remote repository carries a timestamp instead of -SNAPSHOT
        return name.contains("-SNAPSHOT") || name.matches(".*-\\d{8}\\.\\d{6}-\\d+(-[^/]*)?\\.jar");
    }
}
