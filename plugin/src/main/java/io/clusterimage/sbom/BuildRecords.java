package io.clusterimage.sbom;

import io.clusterimage.core.ContextRoot;
import io.clusterimage.core.JsonTree;
import io.clusterimage.core.Platform;
import io.clusterimage.reference.ImageReference;
import io.clusterimage.registry.CosignSignatures;
import io.clusterimage.registry.Digests;
import io.clusterimage.registry.DistributionTree;
import io.clusterimage.registry.ImagesLock;
import io.clusterimage.registry.Manifest;
import io.clusterimage.registry.SaveOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads what the earlier goals recorded — image.json (the cluster image's digests), images.lock (every
 * saved image and its digest per platform), images.json (where the scan found each image) — and the
 * files under opt/ and bin/ of the build context, into the SBOM's input.
 */
public final class BuildRecords {

    /** Where a cluster image keeps binaries (the seeds' layout): each file there is listed with its hash. */
    static final List<String> FILE_DIRECTORIES = List.of("opt", "bin");

    private BuildRecords() {
    }

    /** The cluster image as package-image recorded it in image.json. */
    public static SbomInput.Root root(Path outputDirectory, String group, String artifact, String version) throws IOException {
        Path file = outputDirectory.resolve("image.json");
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + " does not exist: package-image writes it, so run the sbom goal after it (mvn package)");
        }
        JsonTree image = JsonTree.read(file);
        Map<String, String> platforms = new TreeMap<>();
        for (JsonTree platform : image.path("platforms").elements()) {
            platforms.put(platform.path("platform").asText(), platform.path("manifestDigest").asText());
        }
        String name = image.path("image").asText(artifact);
        int colon = name.lastIndexOf(':');
        String repository = colon > name.lastIndexOf('/') ? name.substring(0, colon) : name;
        return new SbomInput.Root(repository, version, group, artifact, image.path("imageDigest").asText(), platforms);
    }

    /** Every image of images.lock, each with the kinds of source the scan found it in. */
    public static List<SbomInput.Image> images(Path outputDirectory) throws IOException {
        Map<String, List<String>> sources = new HashMap<>();
        Path inventory = outputDirectory.resolve("images.json");
        if (Files.isRegularFile(inventory)) {
            for (JsonTree image : JsonTree.read(inventory).path("images").elements()) {
                List<String> kinds = new ArrayList<>();
                for (JsonTree found : image.path("foundIn").elements()) {
                    kinds.add(found.path("source").asText());
                }
                sources.put(image.path("canonical").asText(), kinds);
            }
        }
        List<SbomInput.Image> images = new ArrayList<>();
        for (ImagesLock.Entry entry : ImagesLock.read(outputDirectory)) {
            String canonical = ImageReference.parse(entry.stored()).canonical();
            List<String> kinds = new ArrayList<>(sources.getOrDefault(canonical, List.of()));
            entry.archive().ifPresent(archive -> kinds.add(archive)); // where a tar.txt image came from
            images.add(new SbomInput.Image(canonical, entry.platform(), entry.digest(), kinds, upstreamSboms(outputDirectory, entry)));
        }
        return images;
    }

    /**
     * The SBOMs save-registry carried into the platform's tree with the image: cosign's {@code .sbom} tag and the
     * OCI 1.1 referrers listed under the fallback tag whose type is an SBOM's, of the digest images.lock records
     * and of the one its tag names (an index, when the publisher attached them there).
     */
    static List<SbomInput.UpstreamSbom> upstreamSboms(Path outputDirectory, ImagesLock.Entry entry) throws IOException {
        if (entry.archive().isPresent()) {
            return List.of(); // an image from an archive comes without its registry's attachments
        }
        Path tree = outputDirectory.resolve(SaveOptions.directoryName(Platform.parse(entry.platform()))).resolve("registry");
        ImageReference reference = ImageReference.parse(entry.stored());
        String repository = reference.repositoryPath();
        Set<String> digests = new LinkedHashSet<>(List.of(entry.digest()));
        if (reference.tag().isPresent()) {
            DistributionTree.taggedManifest(tree, repository, reference.tag().get()).ifPresent(top -> digests.add(top.digest()));
        }
        Map<String, SbomInput.UpstreamSbom> found = new TreeMap<>();
        for (String digest : digests) {
            Optional<Manifest> cosign = DistributionTree.taggedManifest(tree, repository, CosignSignatures.tag(digest, "sbom"));
            if (cosign.isPresent()) {
                List<JsonTree> layers = JsonTree.parse(cosign.get().bytes()).path("layers").elements();
                String format = layers.isEmpty() ? "" : layers.get(0).path("mediaType").asText("");
                found.put(cosign.get().digest(), new SbomInput.UpstreamSbom(cosign.get().digest(), format, "cosign .sbom tag"));
            }
            Optional<Manifest> referrers = DistributionTree.taggedManifest(tree, repository, digest.replace(':', '-'));
            if (referrers.isPresent() && referrers.get().isIndex()) {
                for (JsonTree listed : JsonTree.parse(referrers.get().bytes()).path("manifests").elements()) {
                    String artifact = listed.path("digest").asText("");
                    String type = listed.path("artifactType").asText("");
                    if (type.isEmpty()) { // older tools say it only in the manifest
                        Optional<Manifest> stored = DistributionTree.storedManifest(tree, artifact);
                        if (stored.isPresent()) {
                            JsonTree manifest = JsonTree.parse(stored.get().bytes());
                            type = manifest.path("artifactType").asText(manifest.path("config").path("mediaType").asText(""));
                        }
                    }
                    if (isSbomType(type) && Digests.isSha256(artifact)) {
                        found.put(artifact, new SbomInput.UpstreamSbom(artifact, type, "OCI 1.1 referrer"));
                    }
                }
            }
        }
        return List.copyOf(found.values());
    }

    /** SPDX and CycloneDX documents, in the media types syft, trivy and cosign attach them with. */
    static boolean isSbomType(String mediaType) {
        String type = mediaType.toLowerCase(Locale.ROOT);
        return type.contains("spdx") || type.contains("cyclonedx") || type.contains("syft");
    }

    /**
     * The files under opt/ and bin/ of the context laid over by each platform's generated root: a file
     * the same on every platform is listed once, one that differs once per platform. Links that leave
     * the context are not followed (validate-layout reports them).
     */
    public static List<SbomInput.FileEntry> files(Path context, Map<String, Path> generatedRoots) throws IOException {
        Map<String, Map<String, String>> byPath = new TreeMap<>(); // path -> platform -> sha256
        for (Map.Entry<String, Path> platform : generatedRoots.entrySet()) {
            Map<String, String> files = new LinkedHashMap<>();
            collect(context, files);
            if (platform.getValue() != null && Files.isDirectory(platform.getValue())) {
                collect(platform.getValue(), files); // generated files replace the context's of the same path
            }
            files.forEach((path, sha256) -> byPath.computeIfAbsent(path, k -> new TreeMap<>()).put(platform.getKey(), sha256));
        }
        List<SbomInput.FileEntry> entries = new ArrayList<>();
        byPath.forEach((path, perPlatform) -> {
            boolean same = perPlatform.size() == generatedRoots.size() && perPlatform.values().stream().distinct().count() == 1;
            if (same) {
                entries.add(new SbomInput.FileEntry(path, "", perPlatform.values().iterator().next()));
            } else {
                perPlatform.forEach((platform, sha256) -> entries.add(new SbomInput.FileEntry(path, platform, sha256)));
            }
        });
        return entries;
    }

    private static void collect(Path root, Map<String, String> into) throws IOException {
        ContextRoot boundary = new ContextRoot(root);
        for (String directory : FILE_DIRECTORIES) {
            Path dir = root.resolve(directory);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            for (Path file : boundary.regularFiles(dir, outside -> { })) {
                String relative = root.relativize(file).toString().replace('\\', '/');
                into.put(relative, Digests.hex(Digests.of(file)));
            }
        }
    }
}
