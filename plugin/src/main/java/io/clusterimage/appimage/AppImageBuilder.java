package io.clusterimage.appimage;

import com.google.cloud.tools.jib.api.CacheDirectoryCreationException;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.JavaContainerBuilder;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.Ports;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import io.clusterimage.core.PathTrees;
import io.clusterimage.core.Platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * Builds an application image with Jib Core, in-process and without a daemon, in Jib's exploded
 * layout: layers for dependencies, snapshot dependencies, resources and classes (top), entrypoint
 * {@code java <jvmFlags> -cp /app/classes:/app/resources:/app/libs/* <mainClass>}. The base image is a
 * local tar ({@link BaseImageTar}) and the result an OCI archive, so Jib never talks to a registry.
 *
 * <p>Reproducible as Jib is: layer files get a fixed time, the image the spec's creation time, so the
 * same code, dependencies and base give the same digest.
 */
public final class AppImageBuilder {

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
        AppCode.Unpacked code = AppCode.open(spec.code(), workDir, spec.describe());
        String mainClass = mainClass(spec, code);
        JibContainerBuilder container;
        try {
            JavaContainerBuilder java = JavaContainerBuilder.from(TarImage.at(baseTar))
                    .addClasses(code.directory(), AppImageBuilder::isClass)
                    .addResources(code.directory(), path -> !isClass(path))
                    .addJvmFlags(spec.jvmFlags())
                    .setMainClass(mainClass);
            List<Path> snapshots = spec.dependencies().stream().filter(AppImageBuilder::isSnapshot).toList();
            List<Path> releases = spec.dependencies().stream().filter(p -> !isSnapshot(p)).toList();
            if (!releases.isEmpty()) {
                java.addDependencies(releases);
            }
            if (!snapshots.isEmpty()) {
                java.addSnapshotDependencies(snapshots);
            }
            container = java.toContainerBuilder();
        } catch (java.nio.file.NoSuchFileException e) {
            throw new AppImageException(spec.describe() + ": the dependency " + e.getFile() + " does not exist; build or"
                    + " resolve it before this module");
        }
        configure(spec, platform, container);
        Path cache = workDir.resolve("jib-cache");
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

    private static void configure(AppImageSpec spec, Platform platform, JibContainerBuilder container) throws AppImageException {
        // always set, even empty: otherwise Jib keeps the base image's Cmd, which would become arguments of main()
        container.setProgramArguments(spec.args());
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
