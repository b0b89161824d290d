package io.clusterimage.registry;

import io.clusterimage.reference.ImageReference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Publishes an image from an OCI layout to a registry: blobs the registry does not have yet (a HEAD
 * first, so nothing is uploaded twice), then manifests as their exact bytes, then the index, then
 * the tags — so the digest users see is the digest that was built.
 */
public final class ImagePusher {

    private final RegistryClient client;
    private final Consumer<String> progress;

    public ImagePusher(RegistryClient client, Consumer<String> progress) {
        this.client = client;
        this.progress = progress;
    }

    /** What a push did. */
    public record PushResult(String digest, int blobsUploaded, int blobsPresent, long bytesUploaded) {
    }

    /**
     * @param layout the image (its index.json's single entry: a manifest or an index)
     * @param target where to push; its tag (or {@code latest}) is set
     * @param tags   further tags for the same image
     */
    public PushResult push(OciLayoutSource layout, ImageReference target, List<String> tags) throws IOException, RegistryException {
        Manifest top = layout.top(null);
        String host = target.domain();
        String repository = target.repositoryPath();
        int[] counts = new int[2];
        long[] bytes = new long[1];
        List<Manifest> manifests = new ArrayList<>();
        if (top.isIndex()) {
            for (Manifest.Descriptor child : top.children()) {
                manifests.add(layout.manifest(child.digest(), child.mediaType()));
            }
        } else {
            manifests.add(top);
        }
        for (Manifest manifest : manifests) {
            for (Manifest.Descriptor blob : manifest.blobs()) {
                if (client.hasBlob(host, repository, blob.digest())) {
                    counts[1]++;
                    continue;
                }
                Path file = layout.blob(blob.digest());
                client.pushBlob(host, repository, blob.digest(), Files.size(file), () -> Files.newInputStream(file), null);
                counts[0]++;
                bytes[0] += Files.size(file);
                progress.accept("uploaded " + blob.digest() + " (" + ImageSaver.humanBytes(Files.size(file)) + ")");
            }
            if (top.isIndex()) {
                client.pushManifest(host, repository, manifest.digest(), manifest.bytes(), manifest.mediaType());
            }
        }
        List<String> allTags = new ArrayList<>();
        allTags.add(target.tag().orElse("latest"));
        tags.stream().filter(t -> !allTags.contains(t)).forEach(allTags::add);
        for (String tag : allTags) {
            client.pushManifest(host, repository, tag, top.bytes(), top.mediaType());
            progress.accept("tagged " + host + "/" + repository + ":" + tag + " -> " + top.digest());
        }
        return new PushResult(top.digest(), counts[0], counts[1], bytes[0]);
    }
}
