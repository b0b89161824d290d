package io.clusterimage.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.clusterimage.core.Json;
import io.clusterimage.core.Pools;
import io.clusterimage.reference.ImageReference;
import io.clusterimage.reference.InvalidReferenceException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Publishes an image from an OCI layout to a registry: first every blob of every platform — each
 * once, several at a time: nothing when the registry has it (HEAD), a mount when another
 * repository of the same registry has it (the base image's, or one the user names), else an upload
 * — then, only when all blobs are in, the manifests as their exact bytes, the index, and the tags;
 * so the digest users see is the digest that was built, and a failed push leaves no manifest that
 * points to missing blobs.
 */
public final class ImagePusher {

    /** The annotation package-image writes on a manifest built FROM an image: that image's canonical name. */
    public static final String BASE_NAME_ANNOTATION = "org.opencontainers.image.base.name";

    private final RegistryClient client;
    private final PushOptions options;
    private final Consumer<String> progress;
    private final Consumer<String> debug;

    public ImagePusher(RegistryClient client, Consumer<String> progress) {
        this(client, PushOptions.defaults(), progress, line -> { });
    }

    /**
     * @param progress one line per blob once it is in (in the order of the manifests, whatever order the
     *                 uploads finish in), then one per tag
     * @param debug    why a mount or a chunked upload did not work out
     */
    public ImagePusher(RegistryClient client, PushOptions options, Consumer<String> progress, Consumer<String> debug) {
        this.client = client;
        this.options = options;
        this.progress = progress;
        this.debug = debug;
    }

    /** What a push did; each distinct blob counts once. */
    public record PushResult(String digest, int blobsUploaded, int blobsMounted, int blobsPresent, long bytesUploaded) {
    }

    /** A distinct blob of the image and the repositories it may be mounted from. */
    private record PlannedBlob(Manifest.Descriptor descriptor, Set<String> mountFrom) {
    }

    private enum Outcome { UPLOADED, MOUNTED, PRESENT }

    private record Done(int index, Outcome outcome, long bytes, String line) {
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
        List<Manifest> manifests = new ArrayList<>();
        if (top.isIndex()) {
            for (Manifest.Descriptor child : top.children()) {
                manifests.add(layout.manifest(child.digest(), child.mediaType()));
            }
        } else {
            manifests.add(top);
        }
        List<String> configuredSources = configuredMountSources(target);
        Map<String, PlannedBlob> blobs = new LinkedHashMap<>();
        for (Manifest manifest : manifests) {
            Set<String> sources = new LinkedHashSet<>();
            baseRepository(manifest, target).ifPresent(sources::add);
            sources.addAll(configuredSources);
            sources.remove(repository);
            for (Manifest.Descriptor blob : manifest.blobs()) {
                blobs.computeIfAbsent(blob.digest(), digest -> new PlannedBlob(blob, new LinkedHashSet<>())).mountFrom().addAll(sources);
            }
        }
        List<Done> done = pushBlobs(layout, host, repository, new ArrayList<>(blobs.values()));
        if (top.isIndex()) {
            for (Manifest manifest : manifests) {
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
        return new PushResult(top.digest(), count(done, Outcome.UPLOADED), count(done, Outcome.MOUNTED), count(done, Outcome.PRESENT),
                done.stream().mapToLong(Done::bytes).sum());
    }

    private static int count(List<Done> done, Outcome outcome) {
        return (int) done.stream().filter(d -> d.outcome() == outcome).count();
    }

    /**
     * Pushes the blobs, up to {@link PushOptions#maxConcurrentUploads()} at once; the first failure
     * stops the others (uploads under way finish their current request) and is thrown, naming the blob.
     */
    private List<Done> pushBlobs(OciLayoutSource layout, String host, String repository, List<PlannedBlob> blobs)
            throws IOException, RegistryException {
        if (blobs.isEmpty()) {
            return List.of();
        }
        AtomicInteger threads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(options.maxConcurrentUploads(), blobs.size()), runnable -> {
            Thread thread = new Thread(runnable, "cluster-image-push-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        CompletionService<Done> completions = new ExecutorCompletionService<>(pool);
        Map<Future<Done>, PlannedBlob> submitted = new LinkedHashMap<>();
        try {
            for (int i = 0; i < blobs.size(); i++) {
                int index = i;
                PlannedBlob blob = blobs.get(i);
                submitted.put(completions.submit(() -> pushBlob(layout, host, repository, blob, index)), blob);
            }
            Done[] results = new Done[blobs.size()];
            int nextLine = 0;
            for (int i = 0; i < blobs.size(); i++) {
                Future<Done> future = completions.take();
                Done result;
                try {
                    result = future.get();
                } catch (ExecutionException e) {
                    throw failure(submitted.get(future), host, repository, e.getCause());
                }
                results[result.index()] = result;
                // progress in the image's order, so that two runs print the same lines
                while (nextLine < results.length && results[nextLine] != null) {
                    progress.accept(results[nextLine++].line());
                }
            }
            return List.of(results);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(RegistryException.Kind.TRANSIENT, "push to " + host + "/" + repository + " interrupted");
        } finally {
            // a failed push returns once the other uploads stopped, not while they still write
            Pools.stop(client.options().timeout(), pool);
        }
    }

    private Done pushBlob(OciLayoutSource layout, String host, String repository, PlannedBlob blob, int index)
            throws IOException, RegistryException {
        String digest = blob.descriptor().digest();
        if (client.hasBlob(host, repository, digest)) {
            return new Done(index, Outcome.PRESENT, 0, "already present " + digest);
        }
        Path file = layout.blob(digest);
        long size = Files.size(file);
        RegistryClient.BlobPush pushed = client.pushBlob(host, repository, digest, file, List.copyOf(blob.mountFrom()),
                options.chunkSize());
        pushed.notes().forEach(debug);
        if (pushed.mounted()) {
            return new Done(index, Outcome.MOUNTED, 0, "mounted " + digest + " from " + pushed.mountedFrom());
        }
        return new Done(index, Outcome.UPLOADED, size, "uploaded " + digest + " (" + ImageSaver.humanBytes(size) + ")");
    }

    private static RegistryException failure(PlannedBlob blob, String host, String repository, Throwable cause) throws IOException {
        String what = "blob " + blob.descriptor().digest() + " could not be pushed to " + host + "/" + repository + ": ";
        if (cause instanceof RegistryException e) {
            return new RegistryException(e.kind(), what + e.getMessage(), e);
        }
        if (cause instanceof IOException e) {
            throw new IOException(what + e.getMessage(), e);
        }
        if (cause instanceof RuntimeException e) {
            throw e;
        }
        throw new IllegalStateException(what + cause, cause);
    }

    /**
     * The repository of the image a manifest was built FROM (its {@value #BASE_NAME_ANNOTATION}
     * annotation) when that image lives on the target registry: its blobs can be mounted from there.
     * A base on another registry cannot: mounts never cross registries.
     */
    static Optional<String> baseRepository(Manifest manifest, ImageReference target) throws IOException {
        JsonNode name = Json.MAPPER.readTree(manifest.bytes()).path("annotations").path(BASE_NAME_ANNOTATION);
        if (!name.isTextual()) {
            return Optional.empty();
        }
        try {
            ImageReference base = ImageReference.parse(name.asText());
            return base.domain().equalsIgnoreCase(target.domain()) ? Optional.of(base.repositoryPath()) : Optional.empty();
        } catch (InvalidReferenceException e) {
            return Optional.empty();
        }
    }

    /** The user's {@code mountFrom} entries as repository paths on the target registry; others are reported and skipped. */
    private List<String> configuredMountSources(ImageReference target) {
        List<String> sources = new ArrayList<>();
        for (String entry : options.mountFrom()) {
            Optional<String> source = mountSource(entry.strip(), target);
            if (source.isPresent()) {
                sources.add(source.get());
            } else {
                progress.accept("not mounting from '" + entry + "': mounts only work from a repository of " + target.domain());
            }
        }
        return sources;
    }

    /**
     * A {@code mountFrom} entry: a repository path on the target registry ({@code base/rootfs}), or
     * a name with a registry host, which must then be the target's ({@code 127.0.0.1:5000/base/rootfs});
     * a tag or digest is ignored.
     */
    static Optional<String> mountSource(String entry, ImageReference target) {
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        String first = entry.split("/", 2)[0];
        boolean namesHost = entry.contains("/") && (first.contains(".") || first.contains(":") || first.equals("localhost"));
        try {
            ImageReference reference = ImageReference.parse(namesHost ? entry : target.domain() + "/" + entry);
            return reference.domain().equalsIgnoreCase(target.domain()) ? Optional.of(reference.repositoryPath()) : Optional.empty();
        } catch (InvalidReferenceException e) {
            return Optional.empty();
        }
    }
}
