package io.clusterimage.sbom;

import io.clusterimage.core.AtomicFiles;
import io.clusterimage.core.JsonArray;
import io.clusterimage.core.JsonObject;
import io.clusterimage.core.JsonWriter;
import io.clusterimage.reference.ImageReference;
import io.clusterimage.registry.Digests;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The sbom stage's entry point: writes a CycloneDX 1.6 JSON SBOM of a cluster image. The cluster image
 * is the root component; every saved image (one per platform, with a {@code pkg:oci} purl and its
 * digest), chart and file is a component it depends on. The same input gives the same bytes: arrays
 * are sorted, the timestamp is the build's output timestamp and the serial number is derived from the
 * content.
 */
public final class CycloneDxWriter {

    static final String SPEC_VERSION = "1.6";
    private static final String ROOT_REF = "cluster-image";

    private CycloneDxWriter() {
    }

    /**
     * Writes the SBOM atomically, unless the file already holds exactly these bytes (a no-op rebuild
     * touches nothing).
     *
     * @return whether the file was written
     */
    public static boolean write(SbomInput input, Path file) throws IOException {
        return write(toJson(input).getBytes(StandardCharsets.UTF_8), file);
    }

    /** Writes {@code json} to {@code file} unless the file holds these bytes already. @return whether it was written */
    public static boolean write(byte[] json, Path file) throws IOException {
        if (Files.isRegularFile(file) && Files.size(file) == json.length
                && Arrays.equals(Files.readAllBytes(file), json)) {
            return false;
        }
        AtomicFiles.write(file, json);
        return true;
    }

    public static String toJson(SbomInput input) {
        JsonObject bom = new JsonObject();
        bom.put("bomFormat", "CycloneDX");
        bom.put("specVersion", SPEC_VERSION);
        bom.put("serialNumber", "urn:uuid:00000000-0000-0000-0000-000000000000"); // replaced below, once the rest is known
        bom.put("version", 1);
        JsonObject metadata = bom.putObject("metadata");
        metadata.put("timestamp", input.timestamp());
        JsonObject tool = metadata.putObject("tools").putArray("components").addObject();
        tool.put("type", "application");
        tool.put("group", "io.clusterimage");
        tool.put("name", "cluster-image-maven-plugin");
        tool.put("version", input.tool());
        metadata.put("component", root(input.root()));

        List<String> refs = new ArrayList<>();
        JsonArray components = bom.putArray("components");
        input.images().stream().sorted(Comparator.comparing(SbomInput.Image::reference).thenComparing(SbomInput.Image::platform))
                .forEach(image -> refs.add(image(components.addObject(), image)));
        input.charts().stream().sorted(Comparator.comparing(SbomInput.ChartEntry::path))
                .forEach(chart -> refs.add(chart(components.addObject(), chart)));
        input.files().stream().sorted(Comparator.comparing(SbomInput.FileEntry::path).thenComparing(SbomInput.FileEntry::platform))
                .forEach(file -> refs.add(file(components.addObject(), file)));
        input.bases().stream().sorted().distinct().forEach(base -> refs.add(base(components.addObject(), base)));

        JsonArray dependencies = bom.putArray("dependencies");
        JsonObject rootDependency = dependencies.addObject();
        rootDependency.put("ref", ROOT_REF);
        JsonArray dependsOn = rootDependency.putArray("dependsOn");
        refs.forEach(dependsOn::add);
        for (String ref : refs) {
            dependencies.addObject().field("ref", ref).putArray("dependsOn");
        }
        // a serial number that changes exactly when the content does (RFC 4122 name-based UUID)
        String content = JsonWriter.prettyText(bom);
        bom.put("serialNumber", "urn:uuid:" + UUID.nameUUIDFromBytes(content.getBytes(StandardCharsets.UTF_8)));
        return JsonWriter.prettyText(bom) + "\n";
    }

    private static JsonObject root(SbomInput.Root root) {
        JsonObject component = new JsonObject();
        component.put("type", "container");
        component.put("bom-ref", ROOT_REF);
        component.put("group", root.group());
        component.put("name", root.name());
        component.put("version", root.version());
        component.put("purl", "pkg:maven/" + encode(root.group()) + "/" + encode(root.artifact()) + "@" + encode(root.version())
                + "?classifier=cluster-image&type=tar");
        JsonArray properties = component.putArray("properties");
        property(properties, "clusterimage:digest", root.digest());
        new TreeMap<>(root.platforms()).forEach((platform, digest) -> property(properties, "clusterimage:platform:" + platform, digest));
        return component;
    }

    private static String image(JsonObject component, SbomInput.Image image) {
        ImageReference reference = ImageReference.parse(image.reference());
        String ref = "image:" + image.reference() + "@" + image.platform();
        String[] platform = image.platform().split("/");
        String path = reference.repositoryPath();
        String name = path.substring(path.lastIndexOf('/') + 1);
        component.put("type", "container");
        component.put("bom-ref", ref);
        component.put("name", reference.name());
        reference.tag().ifPresent(tag -> component.put("version", tag));
        // pkg:oci/<last path segment>@<digest>?arch=…&os=…&repository_url=<registry/path>&tag=… (purl-spec's oci type)
        Map<String, String> qualifiers = new TreeMap<>();
        qualifiers.put("arch", platform.length > 1 ? platform[1] : "");
        qualifiers.put("os", platform[0]);
        qualifiers.put("repository_url", reference.name());
        reference.tag().ifPresent(tag -> qualifiers.put("tag", tag));
        if (platform.length > 2) {
            qualifiers.put("variant", platform[2]);
        }
        StringBuilder purl = new StringBuilder("pkg:oci/").append(encode(name.toLowerCase(Locale.ROOT)))
                .append('@').append(encode(image.digest()));
        String separator = "?";
        for (Map.Entry<String, String> qualifier : qualifiers.entrySet()) {
            // purl-spec's own examples keep the slashes of repository_url
            purl.append(separator).append(qualifier.getKey()).append('=').append(encode(qualifier.getValue()).replace("%2F", "/"));
            separator = "&";
        }
        component.put("purl", purl.toString());
        sha256(component, image.digest());
        if (!image.sboms().isEmpty()) {
            // the publisher's own SBOMs of the image, which the cluster's registry serves next to it: referenced, not copied
            JsonArray references = component.putArray("externalReferences");
            for (SbomInput.UpstreamSbom sbom : image.sboms()) {
                JsonObject bom = references.addObject();
                bom.put("url", "oci://" + reference.name() + "@" + sbom.digest());
                bom.put("comment", sbom.via() + (sbom.format().isEmpty() ? "" : ", " + sbom.format())
                        + "; carried into the registry tree with the image");
                bom.put("type", "bom");
                bom.putArray("hashes").addObject().field("alg", "SHA-256").field("content", Digests.hex(sbom.digest()));
            }
        }
        JsonArray properties = component.putArray("properties");
        property(properties, "clusterimage:platform", image.platform());
        image.sources().stream().sorted().distinct().forEach(source -> property(properties, "clusterimage:source", source));
        return ref;
    }

    private static String chart(JsonObject component, SbomInput.ChartEntry chart) {
        String ref = "chart:" + chart.path();
        component.put("type", "application");
        component.put("bom-ref", ref);
        component.put("name", chart.name());
        component.put("version", chart.version());
        chart.digest().ifPresent(digest -> sha256(component, digest));
        chart.repository().ifPresent(repository -> {
            JsonObject reference = component.putArray("externalReferences").addObject();
            reference.put("type", "distribution");
            reference.put("url", repository);
        });
        JsonArray properties = component.putArray("properties");
        property(properties, "clusterimage:kind", "helm-chart");
        property(properties, "clusterimage:path", chart.path());
        return ref;
    }

    private static String file(JsonObject component, SbomInput.FileEntry file) {
        String ref = "file:" + file.path() + (file.platform().isEmpty() ? "" : "@" + file.platform());
        component.put("type", "file");
        component.put("bom-ref", ref);
        component.put("name", file.path());
        sha256(component, "sha256:" + file.sha256());
        if (!file.platform().isEmpty()) {
            property(component.putArray("properties"), "clusterimage:platform", file.platform());
        }
        return ref;
    }

    private static String base(JsonObject component, String reference) {
        String ref = "base:" + reference;
        component.put("type", "container");
        component.put("bom-ref", ref);
        component.put("name", reference);
        property(component.putArray("properties"), "clusterimage:kind", "base-image");
        return ref;
    }

    private static void sha256(JsonObject component, String digest) {
        JsonObject hash = component.putArray("hashes").addObject();
        hash.put("alg", "SHA-256");
        hash.put("content", digest.substring(digest.indexOf(':') + 1));
    }

    private static void property(JsonArray properties, String name, String value) {
        JsonObject property = properties.addObject();
        property.put("name", name);
        property.put("value", value);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
