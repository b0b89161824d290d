package io.clusterimage.inventory;

import io.clusterimage.core.AtomicFiles;
import io.clusterimage.core.Finding;
import io.clusterimage.core.JsonArray;
import io.clusterimage.core.JsonObject;
import io.clusterimage.core.JsonTree;
import io.clusterimage.core.JsonWriter;
import io.clusterimage.reference.ImageReference;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the inventory: {@code images.txt} (one canonical reference a line, sorted — what later goals
 * and scripts read) and {@code images.json} (every image with every place it was found).
 */
public final class InventoryReport {

    public static final String IMAGES_TXT = "images.txt";
    public static final String IMAGES_JSON = "images.json";


    private InventoryReport() {
    }

    public static void write(ImageInventory inventory, Path directory) throws IOException {
        Files.createDirectories(directory);
        StringBuilder text = new StringBuilder();
        inventory.images().forEach(image -> text.append(image.canonical()).append('\n'));
        AtomicFiles.write(directory.resolve(IMAGES_TXT), text.toString().getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(directory.resolve(IMAGES_JSON), JsonWriter.pretty(toJson(inventory)));
    }

    /**
     * Reads back the inventory {@link #write} wrote (its images, archive images and ignored images;
     * findings are not kept, they were reported when the inventory was made).
     */
    /**
     * Adds to the images of images.json the mirror each was saved from ({@code servedBy}, by canonical name; an
     * image without one loses a stale entry): save-registry's record, kept in the scan's report so that one file
     * says where every image was found and where it came from. Written only when something changed.
     */
    public static void recordServedBy(Path directory, Map<String, String> servedBy) throws IOException {
        Path file = directory.resolve(IMAGES_JSON);
        if (!Files.isRegularFile(file)) {
            return;
        }
        JsonTree read = JsonTree.read(file);
        boolean changed = false;
        for (JsonTree image : read.path("images").elements()) {
            String mirror = servedBy.get(image.path("canonical").asText());
            changed |= mirror != null ? !mirror.equals(image.path("servedBy").asText(null)) : image.has("servedBy");
        }
        if (!changed) {
            return; // the builds that save nothing (most) change nothing here
        }
        Object root = read.toValue();
        List<?> images = root instanceof JsonObject object && object.get("images") instanceof List<?> list ? list : List.of();
        for (Object element : images) { // what differs was found above: every image now gets what it should say
            if (element instanceof JsonObject image) {
                String mirror = servedBy.get(String.valueOf(image.get("canonical")));
                if (mirror != null) {
                    image.put("servedBy", mirror);
                } else {
                    image.remove("servedBy");
                }
            }
        }
        AtomicFiles.write(file, JsonWriter.pretty(root));
    }

    public static ImageInventory read(Path directory) throws IOException {
        JsonTree root = JsonTree.read(directory.resolve(IMAGES_JSON));
        List<InventoryImage> images = readImages(root.path("images"));
        List<InventoryImage> ignored = readImages(root.path("ignored"));
        List<TarImage> tars = new ArrayList<>();
        for (JsonTree tar : root.path("tarImages").elements()) {
            tars.add(new TarImage(tar.path("transport").asText(), Path.of(tar.path("archive").asText()), tar.path("target").asText(),
                    tar.path("line").asInt()));
        }
        List<DeclaredArchive> built = new ArrayList<>();
        for (JsonTree archive : root.path("builtImages").elements()) {
            built.add(new DeclaredArchive(ImageReference.parse(archive.path("canonical").asText()),
                    archive.path("written").asText(), Path.of(archive.path("file").asText()),
                    archive.path("element").asText(DeclaredArchive.ELEMENT)));
        }
        return new ImageInventory(images, tars, ignored, List.of(), built);
    }

    private static List<InventoryImage> readImages(JsonTree array) {
        List<InventoryImage> images = new ArrayList<>();
        for (JsonTree node : array.elements()) {
            List<Occurrence> occurrences = new ArrayList<>();
            for (JsonTree place : node.path("foundIn").elements()) {
                occurrences.add(new Occurrence(Path.of(place.path("file").asText()), place.path("line").asInt(),
                        SourceKind.valueOf(place.path("source").asText().toUpperCase(Locale.ROOT).replace(' ', '_')),
                        place.path("written").asText()));
            }
            images.add(new InventoryImage(ImageReference.parse(node.path("canonical").asText()), occurrences));
        }
        return images;
    }

    static JsonObject toJson(ImageInventory inventory) {
        JsonObject root = new JsonObject();
        JsonArray images = root.putArray("images");
        inventory.images().forEach(image -> image(images.addObject(), image));
        JsonArray tars = root.putArray("tarImages");
        for (TarImage tar : inventory.tarImages()) {
            JsonObject node = tars.addObject();
            node.put("transport", tar.transport());
            node.put("archive", slashes(tar.archive()));
            node.put("target", tar.target());
            node.put("line", tar.line());
        }
        JsonArray built = root.putArray("builtImages");
        for (DeclaredArchive archive : inventory.built()) {
            JsonObject node = built.addObject();
            node.put("canonical", archive.canonical());
            node.put("written", archive.written());
            node.put("file", slashes(archive.file()));
            node.put("element", archive.element());
        }
        JsonArray ignored = root.putArray("ignored");
        inventory.ignored().forEach(image -> image(ignored.addObject(), image));
        JsonArray findings = root.putArray("findings");
        for (Finding finding : inventory.findings()) {
            finding.writeTo(findings.addObject());
        }
        return root;
    }

    private static void image(JsonObject node, InventoryImage image) {
        node.put("reference", image.occurrences().get(0).written());
        node.put("canonical", image.canonical());
        node.put("repository", image.repositoryPath());
        JsonArray foundIn = node.putArray("foundIn");
        for (Occurrence occurrence : image.occurrences()) {
            JsonObject place = foundIn.addObject();
            place.put("file", slashes(occurrence.file()));
            place.put("line", occurrence.line());
            place.put("source", occurrence.kind().label());
            place.put("written", occurrence.written());
        }
    }

    private static String slashes(Path path) {
        return path.toString().replace('\\', '/');
    }
}
