package io.clusterimage.appimage;

import io.clusterimage.core.PathTrees;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipException;

/**
 * The compiled code of the module an application image runs, as a directory Jib splits into its
 * classes layer ({@code .class} files) and resources layer (everything else). In a reactor build the
 * module is usually packaged already, so its jar is unpacked; before packaging Maven hands over
 * target/classes, used in place. In packaged mode the jar goes in whole and is only looked into
 * ({@link #packaged}).
 */
final class AppCode {

    private AppCode() {
    }

    /** The directory holding the classes and resources, and the jar's Main-Class if it has one. */
    record Unpacked(Path directory, Optional<String> manifestMainClass) {
    }

    /** Whether the module's code is a web application: a {@code .war}, or an exploded one (a directory with WEB-INF/). */
    static boolean isWar(Path code) {
        return Files.isDirectory(code) ? Files.isDirectory(code.resolve("WEB-INF")) : code.getFileName().toString().endsWith(".war");
    }

    static Unpacked open(Path code, Path workDir, String element) throws IOException, AppImageException {
        if (Files.isDirectory(code)) {
            return new Unpacked(code, Optional.empty());
        }
        if (!Files.isRegularFile(code)) {
            throw new AppImageException(element + ": the module's code " + code + " does not exist; build the module"
                    + " before this one (a dependency on it orders the reactor) or run the build from the reactor root");
        }
        Path directory = workDir.resolve("code");
        PathTrees.deleteTree(directory);
        Files.createDirectories(directory);
        Optional<String> mainClass = Optional.empty();
        try (JarInputStream jar = new JarInputStream(Files.newInputStream(code))) {
            Manifest manifest = jar.getManifest();
            mainClass = attribute(manifest, Attributes.Name.MAIN_CLASS);
            for (JarEntry entry = jar.getNextJarEntry(); entry != null; entry = jar.getNextJarEntry()) {
                // the jar's build metadata (pom.xml, pom.properties) is not part of the program
                if (entry.isDirectory() || entry.getName().startsWith("META-INF/maven/")) {
                    continue;
                }
                Path target = directory.resolve(entry.getName()).normalize();
                if (!target.startsWith(directory)) {
                    throw new AppImageException(element + ": " + code + " holds the entry '" + entry.getName()
                            + "', which points outside the jar; rebuild the jar");
                }
                Files.createDirectories(target.getParent());
                copy(jar, target);
            }
        } catch (ZipException e) {
            throw new AppImageException(element + ": " + code + " is not a jar (" + e.getMessage() + "); the module's"
                    + " artifact must be a jar, a war or its classes directory");
        }
        return new Unpacked(directory, mainClass);
    }

    /**
     * The module's jar as packaged mode uses it.
     *
     * @param manifestMainClass  the manifest's Main-Class: {@code java -jar} can run it
     * @param manifestClassPath  whether the manifest has a Class-Path, the only classpath {@code java -jar} reads
     * @param bundlesDependencies whether the jar carries its dependencies in {@code BOOT-INF/lib/} (Spring Boot)
     */
    record Jar(Path file, Optional<String> manifestMainClass, boolean manifestClassPath, boolean bundlesDependencies,
               Set<String> entries) {

        boolean hasClass(String className) {
            return entries.contains(className.replace('.', '/') + ".class");
        }
    }

    static Jar packaged(Path code, String element) throws IOException, AppImageException {
        if (Files.isDirectory(code)) {
            throw new AppImageException(element + ": <containerizingMode>packaged</containerizingMode> needs the module's"
                    + " jar, but the module is not packaged yet (its artifact is the directory " + code + "): run the"
                    + " package phase in the reactor (mvn package from the root), or use <containerizingMode>exploded");
        }
        if (!Files.isRegularFile(code)) {
            throw new AppImageException(element + ": the module's jar " + code + " does not exist; build the module"
                    + " before this one (a dependency on it orders the reactor) or run the build from the reactor root");
        }
        try (JarFile jar = new JarFile(code.toFile())) {
            Manifest manifest = jar.getManifest();
            Set<String> entries = new HashSet<>();
            jar.stream().forEach(entry -> entries.add(entry.getName()));
            return new Jar(code, attribute(manifest, Attributes.Name.MAIN_CLASS),
                    attribute(manifest, Attributes.Name.CLASS_PATH).isPresent(),
                    entries.stream().anyMatch(name -> name.startsWith("BOOT-INF/lib/")), Set.copyOf(entries));
        } catch (ZipException e) {
            throw new AppImageException(element + ": " + code + " is not a jar (" + e.getMessage() + ");"
                    + " <containerizingMode>packaged</containerizingMode> needs the module's artifact to be a jar");
        }
    }

    private static Optional<String> attribute(Manifest manifest, Attributes.Name name) {
        return manifest == null ? Optional.empty()
                : Optional.ofNullable(manifest.getMainAttributes().getValue(name)).map(String::strip).filter(s -> !s.isEmpty());
    }

    private static void copy(InputStream in, Path target) throws IOException {
        try (var out = Files.newOutputStream(target)) {
            in.transferTo(out);
        }
    }
}
