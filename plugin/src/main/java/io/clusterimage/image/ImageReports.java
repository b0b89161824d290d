package io.clusterimage.image;

import io.clusterimage.core.ContentMemo;
import io.clusterimage.core.JsonObject;
import io.clusterimage.core.JsonTree;
import io.clusterimage.core.JsonWriter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * What package-image leaves next to the archive for people and later goals: {@code image.digest},
 * {@code image.id} and {@code image.json} (name, tags, digests per platform, the archive, the SBOM it stores),
 * which push-image completes with what it pushed; and how an image name of the archive ({@code name:tag}) splits.
 */
public final class ImageReports {

    private ImageReports() {
    }

    /**
     * @param sbomDigest the digest of the SBOM stored in the archive, or null; the sbom goal then knows the file
     *                   is the one in the archive
     */
    public static void write(Path directory, BuiltImage image, String imageName, Path archive, String sbomDigest) throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve("image.digest"), image.digest(), StandardCharsets.UTF_8);
        Files.writeString(directory.resolve("image.id"), image.imageId(), StandardCharsets.UTF_8);
        JsonObject root = new JsonObject();
        root.put("image", imageName);
        root.put("imageId", image.imageId());
        root.put("imageDigest", image.digest());
        root.putArray("tags").add(tagOf(imageName));
        var platforms = root.putArray("platforms");
        for (PlatformImage platform : image.platforms()) {
            JsonObject node = platforms.addObject();
            node.put("platform", platform.platform().toString());
            node.put("manifestDigest", platform.manifestDigest());
            node.put("imageId", platform.configDigest());
        }
        root.put("archive", archive.toAbsolutePath().toString());
        if (sbomDigest != null) {
            root.put("sbom", sbomDigest);
        }
        root.put("imagePushed", false);
        Files.write(directory.resolve("image.json"), JsonWriter.pretty(root));
    }

    /**
     * What push-image pushed, recorded in {@code image.json} (kept as package-image wrote it otherwise) and
     * {@code image.digest}.
     *
     * @param tags the tags pushed, the image's own first
     */
    public static void recordPush(Path directory, String image, List<String> tags, String digest) throws IOException {
        Files.createDirectories(directory);
        Path report = directory.resolve("image.json");
        JsonObject root = Files.isRegularFile(report) && JsonTree.read(report).toValue() instanceof JsonObject read ? read : new JsonObject();
        root.put("image", image);
        root.put("imageDigest", digest);
        var tagArray = root.putArray("tags");
        tags.forEach(tagArray::add);
        root.put("imagePushed", true);
        Files.write(report, JsonWriter.pretty(root));
        Files.writeString(directory.resolve("image.digest"), digest);
    }

    /**
     * Whether {@code image.json} says package-image stored this very file, {@code sbom}, in the archive it built. The
     * file's hash comes from {@code memo} while it keeps its identity: SHA-256 in a JVM that has not compiled it
     * yet cost a no-op build ~7 ms for a 4 KB SBOM.
     */
    public static boolean storesSbom(Path directory, Path sbom, ContentMemo memo) throws IOException {
        Path report = directory.resolve("image.json");
        if (!Files.isRegularFile(report) || !Files.isRegularFile(sbom, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        JsonTree stored = JsonTree.read(report).path("sbom");
        return stored.isTextual()
                && stored.asText().equals("sha256:" + memo.sha256(sbom, Files.readAttributes(sbom, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)));
    }

    /** The tag of {@code name:tag}; a colon before the last slash is a registry port ({@code host:5000/app} is latest). */
    public static String tagOf(String imageName) {
        String name = withoutDigest(imageName);
        int colon = tagColon(name);
        return colon >= 0 ? name.substring(colon + 1) : "latest";
    }

    /** {@code name:tag} without its tag (and digest). */
    public static String repositoryOf(String imageName) {
        String name = withoutDigest(imageName);
        int colon = tagColon(name);
        return colon >= 0 ? name.substring(0, colon) : name;
    }

    private static String withoutDigest(String imageName) {
        return imageName.contains("@") ? imageName.substring(0, imageName.indexOf('@')) : imageName;
    }

    private static int tagColon(String name) {
        int colon = name.lastIndexOf(':');
        return colon > name.lastIndexOf('/') ? colon : -1;
    }
}
