package io.clusterimage.appimage;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterimage.core.Fingerprint;
import io.clusterimage.core.Json;
import io.clusterimage.core.Platform;
import io.clusterimage.core.TarWriter;
import io.clusterimage.registry.ArchiveImages;
import io.clusterimage.registry.BaseImageFetcher;
import io.clusterimage.registry.Digests;
import io.clusterimage.registry.ImageIndexes;
import io.clusterimage.registry.Manifest;
import io.clusterimage.registry.OciLayoutSource;
import io.clusterimage.registry.RegistryException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the base image of an application image, for one platform, as a docker-archive that Jib reads
 * as its {@code TarImage} base. Jib never contacts a registry then: the image comes through the
 * plugin's own registry path (mirrors, credentials, insecure list, the shared blob cache, {@code mvn -o})
 * or from a local archive, and a build whose base is in the cache needs no network.
 */
public final class BaseImageTar {

    /** Raised when what {@link #write} puts into the tar changes, so that tars of an older plugin are written again. */
    private static final int FORMAT = 1;

    private BaseImageTar() {
    }

    /** The base image's config and its layer files, bottom first. */
    record Parts(byte[] config, List<Path> layers, List<String> layerTypes) {
    }

    /** A base image from a registry, through the blob cache; layers are streamed from the cache into {@code tar}. */
    public static void fromRegistry(BaseImageFetcher fetcher, AppImageSpec.RegistryBase base, Platform platform, Path tar)
            throws IOException, RegistryException {
        BaseImageFetcher.Fetched fetched = fetcher.fetch(base.reference(), platform);
        // the manifest digest names the config and every layer: the same digest, the same tar
        Fingerprint inputs = new Fingerprint("app-image base").add("format", FORMAT).add("image", fetched.manifestDigest());
        if (inputs.matches(stampOf(tar), List.of(tar))) {
            return;
        }
        List<Path> files = new ArrayList<>();
        List<String> types = new ArrayList<>();
        for (BaseImageFetcher.FetchedLayer layer : fetched.layers()) {
            files.add(layer.file());
            types.add(layer.mediaType());
        }
        write(new Parts(fetched.config(), files, types), base.reference().canonical(), tar);
        inputs.record(stampOf(tar));
    }

    /**
     * A base image from a docker-archive, an oci-archive or an OCI layout directory; from an index (a
     * multi-platform archive), the platform's image. {@code workDir} receives the unpacked archive.
     */
    public static void fromArchive(AppImageSpec.ArchiveBase base, Platform platform, Path workDir, Path tar)
            throws IOException, RegistryException {
        // the archive by size, time and identity: an unchanged one is neither unpacked nor written out again
        Fingerprint inputs = new Fingerprint("app-image base").add("format", FORMAT).add("platform", platform)
                .addTree(base.file(), path -> false);
        if (inputs.matches(stampOf(tar), List.of(tar))) {
            return;
        }
        OciLayoutSource layout = ArchiveImages.openAny(base.file(), workDir);
        String name = base.file().toString();
        Manifest top = layout.top(null);
        Manifest manifest = top;
        if (top.isIndex()) {
            List<Manifest> chain = ImageIndexes.platformChain(name, top, platform, digest -> layout.manifest(digest, null));
            manifest = chain.get(chain.size() - 1);
        } else {
            ArchiveImages.requirePlatforms(layout, null, name, List.of(platform));
        }
        List<Manifest.Descriptor> blobs = manifest.blobs();
        if (blobs.isEmpty()) {
            throw new RegistryException(RegistryException.Kind.UNSUPPORTED, name + " has a manifest without config");
        }
        byte[] config = Files.readAllBytes(layout.blob(blobs.get(0).digest()));
        List<Path> files = new ArrayList<>();
        List<String> types = new ArrayList<>();
        for (Manifest.Descriptor layer : blobs.subList(1, blobs.size())) {
            files.add(layout.blob(layer.digest()));
            types.add(layer.mediaType());
        }
        write(new Parts(config, files, types), name, tar);
        inputs.record(stampOf(tar));
    }

    /**
     * A base image of the local container engine ({@code docker} or {@code podman}): saved as a docker-archive and
     * read as {@link #fromArchive} reads one, but only when the engine's image ID (the digest of its config, which
     * names every layer) changed since the tar was written: an unchanged base costs one {@code image inspect}.
     */
    public static void fromDocker(AppImageSpec.DockerBase base, EngineImages engineImages, Platform platform, Path workDir, Path tar)
            throws IOException, RegistryException {
        DockerEngine engine = new DockerEngine(base);
        DockerEngine.Inspected image = engineImages.inspect(base);
        if (!image.platform().os().equals(platform.os()) || !image.platform().architecture().equals(platform.architecture())) {
            throw new RegistryException(RegistryException.Kind.UNSUPPORTED, base.name() + " in " + base.executable() + " is an image for "
                    + image.platform() + ", not for " + platform + "; pull or build it for " + platform + " (" + base.executable()
                    + " pull --platform " + platform + "), or leave " + platform + " out of <platforms>");
        }
        Fingerprint inputs = new Fingerprint("app-image base").add("format", FORMAT).add("engine", base.name())
                .add("image", image.id()).add("platform", platform);
        if (inputs.matches(stampOf(tar), List.of(tar))) {
            return;
        }
        Path saved = workDir.resolve("engine-save.tar");
        try {
            engine.save(saved);
            fromArchive(new AppImageSpec.ArchiveBase(saved), platform, workDir.resolve("saved"), tar);
        } finally {
            Files.deleteIfExists(saved);
        }
        inputs.record(stampOf(tar));
    }

    /** Beside the tar: what it was written from, so an unchanged base is not written again on the next build. */
    private static Path stampOf(Path tar) {
        return tar.resolveSibling(tar.getFileName() + ".fingerprint");
    }

    /**
     * The docker-archive Jib reads: manifest.json, the config, each layer as it is (Jib compresses an
     * uncompressed layer itself). Written beside {@code tar} and renamed, so a half-written base is never used.
     */
    static void write(Parts parts, String name, Path tar) throws IOException, RegistryException {
        Files.deleteIfExists(stampOf(tar)); // a tar being replaced is not the one the stamp describes
        for (String type : parts.layerTypes()) {
            if (type.contains("zstd")) {
                throw new RegistryException(RegistryException.Kind.UNSUPPORTED, name + " has zstd-compressed layers, which"
                        + " Jib cannot build on; use a base image with gzip layers (most registries serve one)");
            }
        }
        String configName = Digests.hex(Digests.of(parts.config())) + ".json";
        ObjectNode entry = Json.MAPPER.createObjectNode();
        entry.put("Config", configName);
        entry.putArray("RepoTags");
        ArrayNode layers = entry.putArray("Layers");
        List<String> layerNames = new ArrayList<>();
        for (int i = 0; i < parts.layers().size(); i++) {
            // numbered, not by digest: a base may hold the same layer twice, and the order is what counts
            String layerName = String.format("layer-%03d.tar", i);
            layerNames.add(layerName);
            layers.add(layerName);
        }
        byte[] manifest = Json.MAPPER.writeValueAsBytes(Json.MAPPER.createArrayNode().add(entry));
        Files.createDirectories(tar.getParent());
        Path temp = tar.resolveSibling(tar.getFileName() + ".partial");
        try (OutputStream out = Files.newOutputStream(temp); TarWriter writer = new TarWriter(out)) {
            writer.file("manifest.json", 0644, 0, 0, 0, manifest.length, new ByteArrayInputStream(manifest));
            writer.file(configName, 0644, 0, 0, 0, parts.config().length, new ByteArrayInputStream(parts.config()));
            for (int i = 0; i < parts.layers().size(); i++) {
                Path layer = parts.layers().get(i);
                try (InputStream in = Files.newInputStream(layer)) {
                    writer.file(layerNames.get(i), 0644, 0, 0, 0, Files.size(layer), in);
                }
            }
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        Files.move(temp, tar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
