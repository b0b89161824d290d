package io.clusterimage.registry;

import io.clusterimage.core.AtomicFiles;
import io.clusterimage.core.Json;
import io.clusterimage.core.JsonTree;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code work/served-by.json}: which mirror served each image of the last save (canonical name to mirror), kept
 * for the builds after it that have nothing to save and still report it.
 */
public final class ServedBy {

    private ServedBy() {
    }

    private static Path file(Path outputDirectory) {
        return outputDirectory.resolve("work/served-by.json");
    }

    public static void write(Path outputDirectory, Map<String, String> servedBy) throws IOException {
        Path file = file(outputDirectory);
        Files.createDirectories(file.getParent());
        AtomicFiles.write(file, Json.MAPPER.writeValueAsBytes(servedBy));
    }

    /** What the last save recorded; empty when it recorded nothing. */
    public static Map<String, String> read(Path outputDirectory) throws IOException {
        Path file = file(outputDirectory);
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        Map<String, String> servedBy = new TreeMap<>();
        JsonTree.read(file).fields().forEach((name, mirror) -> servedBy.put(name, mirror.asText()));
        return servedBy;
    }
}
