package io.clusterimage.inventory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterimage.core.Finding;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes the inventory: {@code images.txt} (one canonical reference a line, sorted — what later goals
 * and scripts read) and {@code images.json} (every image with every place it was found).
 */
public final class InventoryReport {

    public static final String IMAGES_TXT = "images.txt";
    public static final String IMAGES_JSON = "images.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private InventoryReport() {
    }

    public static void write(ImageInventory inventory, Path directory) throws IOException {
        Files.createDirectories(directory);
        StringBuilder text = new StringBuilder();
        inventory.images().forEach(image -> text.append(image.canonical()).append('\n'));
        writeAtomically(directory.resolve(IMAGES_TXT), text.toString().getBytes(StandardCharsets.UTF_8));
        writeAtomically(directory.resolve(IMAGES_JSON), JSON.writeValueAsBytes(toJson(inventory)));
    }

    static ObjectNode toJson(ImageInventory inventory) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode images = root.putArray("images");
        inventory.images().forEach(image -> image(images.addObject(), image));
        ArrayNode tars = root.putArray("tarImages");
        for (TarImage tar : inventory.tarImages()) {
            ObjectNode node = tars.addObject();
            node.put("transport", tar.transport());
            node.put("archive", slashes(tar.archive()));
            node.put("target", tar.target());
            node.put("line", tar.line());
        }
        ArrayNode ignored = root.putArray("ignored");
        inventory.ignored().forEach(image -> image(ignored.addObject(), image));
        ArrayNode findings = root.putArray("findings");
        for (Finding finding : inventory.findings()) {
            ObjectNode node = findings.addObject();
            node.put("severity", finding.severity().name());
            node.put("code", finding.code());
            node.put("file", finding.file() == null ? null : slashes(finding.file()));
            node.put("line", finding.line());
            node.put("message", finding.message());
        }
        return root;
    }

    private static void image(ObjectNode node, InventoryImage image) {
        node.put("reference", image.occurrences().get(0).written());
        node.put("canonical", image.canonical());
        node.put("repository", image.repositoryPath());
        ArrayNode foundIn = node.putArray("foundIn");
        for (Occurrence occurrence : image.occurrences()) {
            ObjectNode place = foundIn.addObject();
            place.put("file", slashes(occurrence.file()));
            place.put("line", occurrence.line());
            place.put("source", occurrence.kind().label());
            place.put("written", occurrence.written());
        }
    }

    private static String slashes(Path path) {
        return path.toString().replace('\\', '/');
    }

    private static void writeAtomically(Path target, byte[] content) throws IOException {
        Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            Files.write(temp, content);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
