package io.clusterimage.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.clusterimage.core.Json;
import io.clusterimage.core.Platform;
import io.clusterimage.core.TarReader;
import io.clusterimage.kubefile.Instruction;
import io.clusterimage.reference.ImageReference;
import io.clusterimage.reference.InvalidReferenceException;
import io.clusterimage.registry.BaseImageFetcher;
import io.clusterimage.registry.Digests;
import io.clusterimage.registry.RegistryException;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The images a Kubefile builds on: {@code FROM <image>} (its layers reused as they are, its config
 * inherited) and {@code COPY --from=<image>} (its file system unpacked once per image and platform), both
 * fetched through the registry path save-registry uses (mirrors, credentials, cache, {@code -o}).
 */
final class BaseImages {

    /** The Kubefile, for messages. */
    private final Path kubefile;
    /** Null when the build has no registry access (a FROM image is then an error naming the line). */
    private final BaseImageFetcher baseImages;
    private final Path workDir;
    private final Map<String, Path> extractedImages = new HashMap<>();

    BaseImages(Path kubefile, BaseImageFetcher baseImages, Path workDir) {
        this.kubefile = kubefile;
        this.baseImages = baseImages;
        this.workDir = workDir;
    }


    ImageReference reference(String image, int line) throws ImageBuildException {
        try {
            return ImageReference.parse(image);
        } catch (InvalidReferenceException e) {
            throw new ImageBuildException(kubefile, line, "'" + image + "' is neither an earlier stage nor a valid image reference: "
                    + e.reason());
        }
    }

    private BaseImageFetcher.Fetched fetch(String image, int line, Platform platform) throws IOException, ImageBuildException {
        ImageReference reference = reference(image, line);
        if (baseImages == null) {
            throw new ImageBuildException(kubefile, line, image + ": base images need registry access, which this build has not");
        }
        try {
            return baseImages.fetch(reference, platform);
        } catch (RegistryException e) {
            throw new ImageBuildException(kubefile, line, "cannot fetch " + reference.canonical() + ": " + e.getMessage());
        }
    }

    /** FROM an image: its layers are reused as they are, its config is inherited as buildah does. */
    StageState fromBaseImage(Instruction.From from, Platform platform) throws IOException, ImageBuildException {
        BaseImageFetcher.Fetched base = fetch(from.image(), from.lines().first(), platform);
        JsonNode root = Json.MAPPER.readTree(base.config());
        JsonNode config = root.path("config");
        StageState state = new StageState();
        state.fromImage = true;
        // the OCI annotations a registry client can use to mount the base layers instead of uploading them
        state.baseName = reference(from.image(), from.lines().first()).canonical();
        state.baseDigest = base.manifestDigest();
        for (JsonNode env : config.path("Env")) {
            String pair = env.asText();
            int eq = pair.indexOf('=');
            state.env.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
        }
        if (!state.env.containsKey("PATH")) {
            state.env.put("PATH", ImageBuilder.DEFAULT_PATH.substring("PATH=".length()));
        }
        config.path("Labels").fields().forEachRemaining(e -> state.labels.put(e.getKey(), e.getValue().asText()));
        state.cmd = strings(config.path("Cmd"));
        state.entrypoint = strings(config.path("Entrypoint"));
        state.workdir = config.path("WorkingDir").asText("");
        state.user = config.path("User").asText("");
        config.path("ExposedPorts").fieldNames().forEachRemaining(state.exposedPorts::add);
        config.path("Volumes").fieldNames().forEachRemaining(state.volumes::add);
        if (config.hasNonNull("StopSignal")) {
            state.stopSignal = config.path("StopSignal").asText();
        }
        for (JsonNode onbuild : config.path("OnBuild")) {
            state.onbuild.add(onbuild.asText());
        }
        for (JsonNode history : root.path("history")) {
            state.history.add(Json.MAPPER.convertValue(history, Map.class));
        }
        JsonNode diffIds = root.path("rootfs").path("diff_ids");
        if (diffIds.size() != base.layers().size()) {
            throw new ImageBuildException(kubefile, from.lines().first(), from.image() + " has " + base.layers().size()
                    + " layers but its config lists " + diffIds.size() + " diff_ids");
        }
        for (int i = 0; i < base.layers().size(); i++) {
            BaseImageFetcher.FetchedLayer layer = base.layers().get(i);
            state.layers.add(new StageLayer.Inherited(new Layer(layer.file(), layer.digest(), layer.size(), diffIds.get(i).asText(),
                    layer.mediaType(), "FROM " + from.image())));
            recordBaseDirectories(layer.file(), state);
        }
        return state;
    }

    /**
     * The directories of a base layer (its directory entries and the parents of every entry), so
     * that COPY into one of them copies into it, as buildah does, instead of replacing it with a
     * file; a whiteout of a later layer forgets what it deletes. Reads tar headers only.
     */
    private static void recordBaseDirectories(Path layer, StageState state) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(layer))) {
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
            TarReader reader = new TarReader(in);
            TarReader.Entry entry;
            while ((entry = reader.next()) != null) {
                String path = entry.name().replaceFirst("^\\./", "").replaceFirst("^/+", "").replaceFirst("/+$", "");
                String base = path.substring(path.lastIndexOf('/') + 1);
                if (base.startsWith(".wh.") && !base.equals(".wh..wh..opq")) {
                    String hidden = path.substring(0, path.length() - base.length()) + base.substring(".wh.".length());
                    state.files.remove(hidden);
                    state.files.subMap(hidden + "/", hidden + "/\uffff").clear();
                } else if (entry.isDirectory() && !path.isEmpty()) {
                    FileEntry before = state.files.get(path);
                    if (before == null || before.type() == FileEntry.Type.SYMLINK) {
                        state.files.put(path, FileEntry.directory(path, 0755, 0, 0));
                    }
                } else if (entry.isSymbolicLink() && !path.isEmpty()) {
                    // recorded so that a COPY destination through it lands where the link points (see throughLinks)
                    state.files.put(path, new FileEntry(path, FileEntry.Type.SYMLINK, null, 0, 0777, 0, 0, entry.linkName()));
                } else if (!path.isEmpty() && state.files.containsKey(path)
                        && state.files.get(path).type() == FileEntry.Type.SYMLINK) {
                    state.files.remove(path); // a later layer put a file where the link was
                }
                for (int slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
                    String dir = path.substring(0, slash);
                    if (state.files.putIfAbsent(dir, FileEntry.directory(dir, 0755, 0, 0)) != null) {
                        break; // its parents are recorded already
                    }
                }
            }
        }
    }

    private static List<String> strings(JsonNode array) {
        if (!array.isArray()) {
            return null;
        }
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    /** The file system of an image (COPY --from=<image>), unpacked once per image and platform. */
    Path extractedImage(String image, int line, Platform platform) throws IOException, ImageBuildException {
        String key = image + " " + platform;
        Path existing = extractedImages.get(key);
        if (existing != null) {
            return existing;
        }
        BaseImageFetcher.Fetched fetched = fetch(image, line, platform);
        // "-2": the unpacker's format; a tree an older unpacker left (links and whiteouts ignored) is not reused
        Path rootfs = workDir.resolve("from").resolve(Digests.hex(fetched.manifestDigest())).resolve("rootfs-2");
        try {
            LayerUnpacker.unpack(fetched.layers(), rootfs);
        } catch (LayerUnpacker.RefusedLayerException e) {
            throw new ImageBuildException(kubefile, line, "COPY --from=" + image + ": " + e.getMessage());
        }
        extractedImages.put(key, rootfs);
        return rootfs;
    }

}
