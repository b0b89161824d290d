package io.clusterimage.registry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterimage.reference.ImageReference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An image's cosign signatures, attestations, SBOMs and OCI referrers, while {@link ImageSaver} saves it: the
 * signature rules checked before anything of the image is stored, and the tags and referrers carried into the
 * tree beside it, so that the cluster's registry serves them.
 *
 * <p>Apart from ImageSaver because none of it is the image: a registry that lacks these tags (a mirror) or
 * cannot answer for them does not fail the save unless a rule needs them, a referrer naming another subject is
 * left out, and what a registry answered for a tag is remembered across the platforms' trees.
 */
final class ImageSignatures {

    private final SaveOptions options;
    private final TreeStore store;
    /** What a registry answered for a signature tag, remembered for the other platforms' trees. */
    private final Map<String, Optional<Manifest>> signatureTags = new ConcurrentHashMap<>();

    ImageSignatures(SaveOptions options, TreeStore store) {
        this.options = options;
        this.store = store;
    }

    /**
     * @param strict whether a registry that cannot answer (down, refusing) is an error, as for the policy; for
     *               carrying tags along it is not: the image itself came (perhaps from a mirror that lacks them)
     */
    private Optional<Manifest> optionalManifest(ImageSource source, String tag, boolean strict) throws IOException, RegistryException {
        String key = source.describe() + ":" + tag;
        Optional<Manifest> known = signatureTags.get(key);
        if (known != null) {
            return known;
        }
        Optional<Manifest> found;
        try {
            found = Optional.of(source.manifest(tag));
        } catch (RegistryException e) {
            if (strict && e.kind() != RegistryException.Kind.NOT_FOUND && e.kind() != RegistryException.Kind.OFFLINE_MISSING) {
                throw e;
            }
            if (!strict && e.kind() != RegistryException.Kind.NOT_FOUND && e.kind() != RegistryException.Kind.OFFLINE_MISSING) {
                options.progress().accept(describeTag(tag) + ": not carried, the registry did not answer (" + e.kind() + ")");
            }
            found = Optional.empty(); // no such tag (offline: none was seen when online)
        }
        signatureTags.put(key, found);
        return found;
    }

    private static String describeTag(String tag) {
        return "cosign tag " + tag;
    }

    /**
     * The rule holds when a {@code .sig} of one of the image's digests (what its tag names, and this
     * platform's manifest) carries a payload naming that digest, signed by the rule's key (any signature,
     * for a rule without key).
     */
    void checkSignatures(ImageSource source, ImageReference image, List<String> digests, SignatureRule rule)
            throws IOException, RegistryException {
        List<String> found = new ArrayList<>();
        for (String digest : digests) {
            Optional<Manifest> signatures = optionalManifest(source, CosignSignatures.tag(digest, "sig"), true);
            if (signatures.isEmpty()) {
                continue;
            }
            for (CosignSignatures.Layer layer : CosignSignatures.layers(signatures.get())) {
                byte[] payload = payload(source, layer.payload());
                String signed = CosignSignatures.signedDigest(payload);
                if (!digest.equals(signed)) {
                    found.add("a signature over " + (signed == null ? "no digest (not a cosign payload)" : signed) + " in the tag of " + digest);
                } else if (rule.key() == null || CosignSignatures.verifies(rule.key(), payload, layer.signature())) {
                    return;
                } else {
                    found.add("a signature over " + digest + " that " + rule.keyName() + " did not make (or a changed payload)");
                }
            }
        }
        throw new RegistryException(RegistryException.Kind.POLICY, image.canonical() + " breaks the signature rule " + rule.describe()
                + ": " + (found.isEmpty() ? "it has no cosign signature (no " + digests.stream().map(d -> CosignSignatures.tag(d, "sig"))
                .toList() + " tag)" : String.join("; ", found)) + "; nothing was stored");
    }

    private byte[] payload(ImageSource source, Manifest.Descriptor descriptor) throws IOException, RegistryException {
        if (!Digests.isSha256(descriptor.digest()) || descriptor.size() < 0 || descriptor.size() > CosignSignatures.MAX_PAYLOAD_BYTES) {
            throw new RegistryException(RegistryException.Kind.POLICY, "a signature payload " + descriptor.digest() + " of "
                    + descriptor.size() + " bytes is not one cosign writes; refused");
        }
        long[] sizes = new long[2];
        Path file = CachedRegistry.join(source.blobs(List.of(descriptor), sizes).get(0));
        return Files.readAllBytes(file);
    }

    /**
     * Stores the {@code .sig}, {@code .att} and {@code .sbom} tags of the image's digests next to it, so the
     * cluster's registry serves them; a signature over an index keeps that index in the tree, so the image
     * verifies by the index digest there too.
     */
    void carrySignatures(DistributionTree tree, ImageSource source, ImageReference image, Manifest top, List<String> digests)
            throws IOException, RegistryException {
        String repository = image.repositoryPath();
        for (String digest : digests) {
            for (String suffix : CosignSignatures.SUFFIXES) {
                String tag = CosignSignatures.tag(digest, suffix);
                Optional<Manifest> manifest = optionalManifest(source, tag, false);
                if (manifest.isEmpty() || !manifest.get().isImageManifest()) {
                    continue;
                }
                Optional<String> notJson = suffix.equals("sig") ? Optional.empty() : notJson(source, manifest.get());
                if (notJson.isPresent()) {
                    options.progress().accept(image.canonical() + " " + tag + ": not carried, " + notJson.get());
                    continue;
                }
                long[] sizes = new long[2];
                store.storeImageManifest(tree, source, repository, manifest.get(), sizes);
                TreeCompleteness.verify(tree, repository, manifest.get().digest(), image.canonical() + " " + tag);
                tree.tag(repository, tag, manifest.get().digest());
                if (digest.equals(top.digest()) && top.isIndex()) {
                    tree.putManifest(repository, top.digest(), top.bytes());
                }
            }
            // OCI 1.1 referrers (SBOMs, attestations, signatures attached with a subject): by the tag scheme
            // registries without the referrers API use (sha256-<hex> names an index of them), else by the API;
            // in the tree always under the tag, which the cluster's registry (docker-registry) serves
            String referrersTag = digest.replace(':', '-');
            Optional<Manifest> referrers = optionalManifest(source, referrersTag, false);
            if (referrers.isEmpty()) {
                referrers = referrersByApi(source, digest);
            }
            if (referrers.isPresent() && referrers.get().isIndex()) {
                Manifest index = ofSubject(source, image, referrers.get(), digest);
                if (index.children().isEmpty()) {
                    continue;
                }
                long[] sizes = new long[2];
                store.storeIndex(tree, source, image.canonical() + " " + referrersTag, repository, List.of(index), sizes);
                TreeCompleteness.verify(tree, repository, index.digest(), image.canonical() + " " + referrersTag);
                tree.tag(repository, referrersTag, index.digest());
                if (digest.equals(top.digest()) && top.isIndex()) {
                    tree.putManifest(repository, top.digest(), top.bytes());
                }
            }
        }
    }

    /**
     * Why an SBOM or attestation tag's documents are not what their media types say (a layer of a JSON type that
     * does not parse as JSON), or empty when they are. Read as a stream: an SBOM may be large.
     */
    private Optional<String> notJson(ImageSource source, Manifest manifest) throws IOException, RegistryException {
        List<Manifest.Descriptor> blobs = manifest.blobs(); // config first, then the layers
        List<Manifest.Descriptor> layers = blobs.subList(1, blobs.size());
        List<Manifest.Descriptor> json = layers.stream().filter(layer -> layer.mediaType().endsWith("json")).toList();
        if (json.isEmpty()) {
            return Optional.empty();
        }
        List<CompletableFuture<Path>> files = source.blobs(json, new long[2]);
        JsonFactory factory = new JsonFactory();
        for (int i = 0; i < json.size(); i++) {
            try (JsonParser parser = factory.createParser(CachedRegistry.join(files.get(i)).toFile())) {
                if (parser.nextToken() == null) {
                    return Optional.of("its " + json.get(i).mediaType() + " layer " + json.get(i).digest() + " is empty");
                }
                parser.skipChildren();
                if (parser.nextToken() != null) {
                    return Optional.of("its " + json.get(i).mediaType() + " layer " + json.get(i).digest() + " holds more than one JSON document");
                }
            } catch (JsonProcessingException e) {
                return Optional.of("its " + json.get(i).mediaType() + " layer " + json.get(i).digest() + " is not JSON ("
                        + e.getOriginalMessage() + ")");
            }
        }
        return Optional.empty();
    }

    /** The referrers API's answer; empty when the registry has no such API (or cannot answer: the image came anyway). */
    private Optional<Manifest> referrersByApi(ImageSource source, String digest) throws IOException {
        try {
            return Optional.of(source.referrers(digest));
        } catch (RegistryException e) {
            if (e.kind() != RegistryException.Kind.NOT_FOUND && e.kind() != RegistryException.Kind.OFFLINE_MISSING) {
                options.progress().accept("referrers of " + digest + ": not carried, the registry did not answer (" + e.kind() + ")");
            }
            return Optional.empty();
        }
    }

    /**
     * The index of referrers without those whose {@code subject} is not {@code digest} (a hostile or confused
     * registry listing another image's artifacts here): each is left out with a line saying so. An index whose
     * entries all hold keeps its bytes, so the tree serves what the registry served.
     */
    private Manifest ofSubject(ImageSource source, ImageReference image, Manifest index, String digest) throws IOException, RegistryException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(index.bytes());
        ArrayNode kept = json.createArrayNode();
        for (JsonNode entry : root.path("manifests")) {
            Manifest referrer = source.manifest(entry.path("digest").asText(""));
            String subject = json.readTree(referrer.bytes()).path("subject").path("digest").asText("");
            if (subject.equals(digest)) {
                kept.add(entry);
            } else {
                options.progress().accept(image.canonical() + ": the referrer " + referrer.digest() + " is not carried: its subject is "
                        + (subject.isEmpty() ? "missing" : subject) + ", not " + digest);
            }
        }
        if (kept.size() == root.path("manifests").size()) {
            return index;
        }
        root.set("manifests", kept);
        return Manifest.of(json.writeValueAsBytes(root), Manifest.OCI_INDEX);
    }
}
