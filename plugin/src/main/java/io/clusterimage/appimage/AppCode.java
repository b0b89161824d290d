package io.clusterimage.appimage;

import io.clusterimage.core.PathTrees;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;

/**
 * The compiled code of the module an application image runs, as a directory Jib splits into its
 * classes layer ({@code .class} files) and resources layer (everything else). In a reactor build the
 * module is usually packaged already, so its jar is unpacked; before packaging Maven hands over
 * target/classes, used in place.
 */
final class AppCode {

    private AppCode() {
    }

    /** The directory holding the classes and resources, and the jar's Main-Class if it has one. */
    record Unpacked(Path directory, Optional<String> manifestMainClass) {
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
            if (manifest != null) {
                mainClass = Optional.ofNullable(manifest.getMainAttributes().getValue(Attributes.Name.MAIN_CLASS))
                        .map(String::strip).filter(s -> !s.isEmpty());
            }
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
        } catch (java.util.zip.ZipException e) {
            throw new AppImageException(element + ": " + code + " is not a jar (" + e.getMessage() + "); the module's"
                    + " artifact must be a jar or its classes directory");
        }
        return new Unpacked(directory, mainClass);
    }

    private static void copy(InputStream in, Path target) throws IOException {
        try (var out = Files.newOutputStream(target)) {
            in.transferTo(out);
        }
    }
}
