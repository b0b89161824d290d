package io.clusterimage.registry;

import io.clusterimage.core.JsonArray;
import io.clusterimage.core.JsonObject;
import io.clusterimage.core.JsonTree;
import io.clusterimage.core.JsonWriter;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * cosign's signatures as registries hold them: next to an image of digest {@code sha256:<hex>}, the tag
 * {@code sha256-<hex>.sig} names an OCI image manifest whose layers are "simple signing" payloads (JSON
 * naming the signed digest under {@code critical.image.docker-manifest-digest}), each with its signature in
 * the annotation {@value #SIGNATURE_ANNOTATION} (base64). Attestations ({@code .att}) and SBOMs
 * ({@code .sbom}) are tagged the same way. Verification uses the JDK's crypto: ECDSA (P-256 and the other
 * NIST curves, SHA-256), RSA (PKCS#1 v1.5, SHA-256) and Ed25519 public keys in PEM.
 */
public final class CosignSignatures {

    public static final String SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json";
    public static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";
    /** The tags cosign writes next to an image, carried into the registry tree with it. */
    public static final List<String> SUFFIXES = List.of("sig", "att", "sbom");
    /** A payload is a few hundred bytes; this bounds what a hostile registry can make us read. */
    static final int MAX_PAYLOAD_BYTES = 1 << 20;


    private CosignSignatures() {
    }

    /** {@code sha256-<hex>.<suffix>}: the tag cosign gives the signature (attestation, SBOM) of a digest. */
    public static String tag(String digest, String suffix) {
        return digest.replace(':', '-') + "." + suffix;
    }

    /** A public key in PEM ({@code -----BEGIN PUBLIC KEY-----}, as {@code cosign generate-key-pair} writes it). */
    public static PublicKey readPublicKey(Path pem) throws IOException {
        return PemKeys.publicKey(pem, "is not a PEM public key (-----BEGIN PUBLIC KEY-----); cosign's cosign.pub is one");
    }

    /** Whether {@code signature} is {@code key}'s signature over {@code payload}, as cosign makes it for the key's kind. */
    public static boolean verifies(PublicKey key, byte[] payload, byte[] signature) {
        String algorithm = signatureAlgorithm(key);
        if (algorithm == null) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(key);
            verifier.update(payload);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false; // a signature of the wrong shape is not a signature by this key
        }
    }

    /**
     * The JDK's name of the signature cosign makes with a key of this kind (SHA-256 digests; Ed25519 signs the
     * payload itself), or null for a kind cosign does not use.
     */
    public static String signatureAlgorithm(Key key) {
        return switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
    }

    /** One simple-signing layer of a signature manifest: the payload's descriptor and the signature it carries. */
    public record Layer(Manifest.Descriptor payload, byte[] signature) {
    }

    /**
     * The simple-signing payload cosign signs for an image: {@code critical.image.docker-manifest-digest} is the
     * digest, {@code critical.identity.docker-reference} the repository it was signed for. Fixed key order, no
     * whitespace: the same digest and identity give the same bytes.
     */
    public static byte[] payload(String digest, String identity) {
        JsonObject root = new JsonObject();
        JsonObject critical = root.putObject("critical");
        critical.putObject("identity").put("docker-reference", identity);
        critical.putObject("image").put("docker-manifest-digest", digest);
        critical.put("type", "cosign container image signature");
        root.put("optional", null);
        return JsonWriter.compact(root);
    }

    /**
     * Signs {@code digest} with {@code key} as {@code cosign sign --key} does: the payload for {@code identity},
     * its signature, and the {@code .sig} manifest holding them, ready to travel as an attachment of the image.
     */
    public static Attachments.Attachment sign(String digest, String identity, PrivateKey key) throws GeneralSecurityException {
        String algorithm = signatureAlgorithm(key);
        if (algorithm == null) {
            throw new GeneralSecurityException("a " + key.getAlgorithm() + " key cannot make a cosign signature (ECDSA, RSA or Ed25519 can)");
        }
        byte[] payload = payload(digest, identity);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(payload);
        Layer layer = new Layer(new Manifest.Descriptor(SIMPLE_SIGNING, Digests.of(payload), payload.length, null, null, null), signer.sign());
        SignatureManifest manifest = signatureManifest(List.of(layer));
        return new Attachments.Attachment(tag(digest, "sig"), manifest.manifest(), List.of(manifest.config(), payload));
    }

    /** A {@code .sig} manifest and its config, as cosign writes them: one simple-signing layer per signature. */
    public record SignatureManifest(byte[] config, byte[] manifest) {
        public String digest() {
            return Digests.of(manifest);
        }
    }

    /** The {@code .sig} manifest holding {@code layers}, in their order, with the config cosign gives it. */
    public static SignatureManifest signatureManifest(List<Layer> layers) {
        JsonObject config = new JsonObject();
        config.put("architecture", "");
        config.put("created", "0001-01-01T00:00:00Z");
        config.putArray("history").addObject().put("created", "0001-01-01T00:00:00Z");
        config.put("os", "");
        JsonObject rootfs = config.putObject("rootfs");
        rootfs.put("type", "layers");
        JsonArray diffIds = rootfs.putArray("diff_ids");
        layers.forEach(layer -> diffIds.add(layer.payload().digest()));
        config.putObject("config");
        byte[] configBytes = JsonWriter.compact(config);
        JsonObject manifest = new JsonObject();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", Manifest.OCI_MANIFEST);
        manifest.putObject("config").field("mediaType", "application/vnd.oci.image.config.v1+json")
                .field("size", configBytes.length).field("digest", Digests.of(configBytes));
        JsonArray array = manifest.putArray("layers");
        for (Layer layer : layers) {
            array.addObject().field("mediaType", SIMPLE_SIGNING).field("size", layer.payload().size())
                    .field("digest", layer.payload().digest()).putObject("annotations")
                    .put(SIGNATURE_ANNOTATION, Base64.getEncoder().encodeToString(layer.signature()));
        }
        return new SignatureManifest(configBytes, JsonWriter.compact(manifest));
    }

    /** The simple-signing layers of a {@code .sig} manifest (a layer without a readable signature is left out). */
    public static List<Layer> layers(Manifest signatures) throws IOException {
        List<Layer> layers = new ArrayList<>();
        JsonTree root = JsonTree.parse(signatures.bytes());
        for (JsonTree layer : root.path("layers").elements()) {
            if (!SIMPLE_SIGNING.equals(layer.path("mediaType").asText())) {
                continue;
            }
            String encoded = layer.path("annotations").path(SIGNATURE_ANNOTATION).asText("");
            byte[] signature;
            try {
                signature = Base64.getDecoder().decode(encoded);
            } catch (IllegalArgumentException e) {
                continue;
            }
            layers.add(new Layer(new Manifest.Descriptor(SIMPLE_SIGNING, layer.path("digest").asText(), layer.path("size").asLong(-1),
                    null, null, null), signature));
        }
        return layers;
    }

    /** The digest a payload says it signs, or null when it is not a cosign simple-signing payload. */
    static String signedDigest(byte[] payload) {
        try {
            JsonTree root = JsonTree.parse(payload);
            JsonTree digest = root.path("critical").path("image").path("docker-manifest-digest");
            return digest.isTextual() ? digest.asText() : null;
        } catch (IOException e) {
            return null;
        }
    }
}
