package io.clusterimage.registry;

import io.clusterimage.core.JsonArray;
import io.clusterimage.core.JsonObject;
import io.clusterimage.core.JsonTree;
import io.clusterimage.core.JsonWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What travels with an image inside its OCI archive without being a second image there: the image's cosign
 * signature, pushed next to it under the tag {@code sha256-<hex>.sig}, and OCI 1.1 artifacts whose subject it
 * is (its SBOM), pushed by digest and listed under the fallback tag {@code sha256-<hex>} ({@link Referrers}).
 *
 * <p>{@code index.json} keeps its one entry, so {@code sealos load -i}, {@code skopeo copy oci-archive:app.tar}
 * and every tool that takes "the" image of an archive work as before (containers/image refuses an archive with
 * two entries unless told which). The attachments hang off index.json's own annotation {@value #ANNOTATION}:
 * the digest of an OCI index blob listing each attachment's manifest, the tag it is pushed under as its
 * {@code org.opencontainers.image.ref.name} (an artifact has none: it is found by its subject). Every blob they
 * use is in the archive's {@code blobs/sha256/}.
 */
public final class Attachments {

    /** The annotation of index.json naming the index of attachments. */
    public static final String ANNOTATION = "io.clusterimage.attachments";
    private static final String REF_NAME = "org.opencontainers.image.ref.name";

    private Attachments() {
    }

    /**
     * One attachment: its manifest, the tag it is pushed under (null for an artifact found by its subject), and
     * the blobs its manifest names (small: configs, payloads, an SBOM).
     */
    public record Attachment(String tag, byte[] manifest, List<byte[]> blobs) {
        public String digest() {
            return Digests.of(manifest);
        }
    }

    /** The index blob listing {@code attachments}: each manifest with its tag. */
    public static byte[] index(List<Attachment> attachments) {
        JsonObject index = new JsonObject();
        index.put("schemaVersion", 2);
        index.put("mediaType", Manifest.OCI_INDEX);
        JsonArray manifests = index.putArray("manifests");
        for (Attachment attachment : attachments) {
            JsonObject entry = manifests.addObject().field("mediaType", Manifest.OCI_MANIFEST).field("digest", attachment.digest())
                    .field("size", attachment.manifest().length);
            if (attachment.tag() != null) {
                entry.putObject("annotations").put(REF_NAME, attachment.tag());
            }
        }
        return JsonWriter.compact(index);
    }

    /** An attachment found in a layout: the tag it goes under (null for an artifact) and its manifest. */
    public record Stored(String tag, Manifest manifest) {
        /** The artifact type of an artifact ({@code application/vnd.cyclonedx+json}), null for a signature. */
        public String artifactType() throws IOException {
            JsonTree type = JsonTree.parse(manifest.bytes()).path("artifactType");
            return type.isTextual() ? type.asText() : null;
        }
    }

    /** The attachments of the image in {@code layout} (none when index.json names no index of them). */
    public static List<Stored> read(OciLayoutSource layout) throws IOException, RegistryException {
        Optional<String> digest = layout.indexAnnotation(ANNOTATION);
        if (digest.isEmpty()) {
            return List.of();
        }
        Manifest index = layout.manifest(digest.get(), Manifest.OCI_INDEX);
        List<Stored> stored = new ArrayList<>();
        for (JsonTree entry : JsonTree.parse(index.bytes()).path("manifests").elements()) {
            JsonTree name = entry.path("annotations").path(REF_NAME);
            String tag = name.isMissing() ? null : name.asText("");
            if (tag != null && !tag.matches("[\\w][\\w.-]{0,127}")) {
                throw new RegistryException(RegistryException.Kind.UNSUPPORTED, "the attachments of " + layout.name()
                        + " name the tag '" + tag + "', which is not a valid tag; re-create the archive");
            }
            stored.add(new Stored(tag, layout.manifest(entry.path("digest").asText(""), Manifest.OCI_MANIFEST)));
        }
        return stored;
    }

    /**
     * Pushes the attachments of {@code layout} next to the image in {@code repository}: their blobs, then each
     * manifest — a signature under its tag, an artifact by its digest, listed under its subject's fallback tag
     * unless the registry says it indexed it (referrers API). A signature tag the registry has already (signed by another key, or by an earlier push) keeps its
     * signatures: ours are added to it, as {@code cosign sign} adds to it.
     *
     * @param which the attachments to push
     * @return per attachment pushed, a line saying what became of it
     */
    public static List<String> push(RegistryClient client, String host, String repository, OciLayoutSource layout,
                                    Predicate<Stored> which, Path workDir) throws IOException, RegistryException {
        List<String> pushed = new ArrayList<>();
        for (Stored attachment : read(layout)) {
            if (!which.test(attachment)) {
                continue;
            }
            for (Manifest.Descriptor blob : attachment.manifest().blobs()) {
                client.pushBlob(host, repository, blob.digest(), layout.blob(blob.digest()), List.of(), Long.MAX_VALUE);
            }
            if (attachment.tag() == null) {
                boolean indexed = client.pushManifest(host, repository, attachment.manifest().digest(), attachment.manifest().bytes(),
                        Manifest.OCI_MANIFEST);
                if (indexed) {
                    pushed.add("the " + attachment.artifactType() + " artifact " + attachment.manifest().digest()
                            + ", indexed by the registry's referrers API");
                } else {
                    String tag = Referrers.list(client, host, repository, attachment.manifest());
                    pushed.add("the " + attachment.artifactType() + " artifact " + attachment.manifest().digest() + ", listed under " + tag);
                }
                continue;
            }
            byte[] bytes = attachment.manifest().bytes();
            if (attachment.tag().endsWith(".sig")) {
                bytes = mergeSignatures(client, host, repository, attachment, workDir);
            }
            if (bytes != null) {
                String digest = Digests.of(bytes);
                client.pushManifest(host, repository, attachment.tag(), bytes, Manifest.OCI_MANIFEST);
                pushed.add("the signature " + attachment.tag() + " -> " + digest);
            } else {
                pushed.add("the signature " + attachment.tag() + " (has this signature already)");
            }
        }
        return pushed;
    }

    /** Our signature layers added to those the registry has under the tag; null when it has them all. */
    private static byte[] mergeSignatures(RegistryClient client, String host, String repository, Stored ours, Path workDir)
            throws IOException, RegistryException {
        Manifest existing;
        try {
            existing = client.manifest(host, repository, ours.tag());
        } catch (RegistryException e) {
            if (e.kind() == RegistryException.Kind.NOT_FOUND) {
                return ours.manifest().bytes();
            }
            throw e;
        }
        List<CosignSignatures.Layer> layers = new ArrayList<>(CosignSignatures.layers(existing));
        boolean added = false;
        for (CosignSignatures.Layer layer : CosignSignatures.layers(ours.manifest())) {
            boolean present = layers.stream().anyMatch(l -> l.payload().digest().equals(layer.payload().digest())
                    && Arrays.equals(l.signature(), layer.signature()));
            if (!present) {
                layers.add(layer);
                added = true;
            }
        }
        if (!added) {
            return null;
        }
        CosignSignatures.SignatureManifest merged = CosignSignatures.signatureManifest(layers);
        Files.createDirectories(workDir);
        Path config = workDir.resolve("signature-config.json");
        Files.write(config, merged.config());
        client.pushBlob(host, repository, Digests.of(merged.config()), config, List.of(), Long.MAX_VALUE);
        return merged.manifest();
    }
}
