package io.clusterimage.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterimage.core.Platform;
import io.clusterimage.reference.ImageReference;
import io.clusterimage.testing.LocalRegistry;
import io.clusterimage.testing.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * cosign signatures with Debian's docker-registry on 127.0.0.1, made in the test as cosign makes them (a
 * simple-signing payload naming the digest, the signature in the layer's annotation): the policy holds
 * for a valid one and stops a missing, wrong-key or tampered one before anything is stored; the .sig tag
 * is carried into the tree, and a signature over an index keeps the index there, both served by
 * docker-registry from the saved tree.
 */
@Tag("tools")
class CosignSignaturesTest {

    @TempDir
    static Path work;

    private static LocalRegistry registry;
    private static TestImages images;
    private static KeyPair signer;
    private static KeyPair other;

    @BeforeAll
    static void start() throws Exception {
        registry = LocalRegistry.start(work.resolve("root"), false, null, work.resolve("logs"));
        images = new TestImages(registry.url());
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        signer = ec.generateKeyPair();
        other = ec.generateKeyPair();
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    private static byte[] payload(String repository, String digest) {
        return ("{\"critical\":{\"identity\":{\"docker-reference\":\"" + registry.host() + "/" + repository + "\"},\"image\":"
                + "{\"docker-manifest-digest\":\"" + digest + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] sign(PrivateKey key, String algorithm, byte[] payload) throws Exception {
        Signature signature = Signature.getInstance(algorithm);
        signature.initSign(key);
        signature.update(payload);
        return signature.sign();
    }

    /** Pushes {@code sha256-<hex>.sig} for {@code digest}: one layer, {@code payload}, with {@code signature}. */
    private static TestImages.Blob pushSignature(String repository, String digest, byte[] payload, byte[] signature) throws Exception {
        ObjectMapper json = new ObjectMapper();
        TestImages.Blob layer = new TestImages.Blob(payload, Digests.of(payload), CosignSignatures.SIMPLE_SIGNING);
        byte[] configBytes = "{\"architecture\":\"\",\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}".getBytes(StandardCharsets.UTF_8);
        TestImages.Blob config = new TestImages.Blob(configBytes, Digests.of(configBytes), "application/vnd.oci.image.config.v1+json");
        ObjectNode manifest = json.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", Manifest.OCI_MANIFEST);
        manifest.set("config", config.descriptor());
        ObjectNode descriptor = layer.descriptor();
        descriptor.putObject("annotations").put(CosignSignatures.SIGNATURE_ANNOTATION, Base64.getEncoder().encodeToString(signature));
        manifest.putArray("layers").add(descriptor);
        byte[] bytes = json.writeValueAsBytes(manifest);
        images.pushBlob(repository, layer);
        images.pushBlob(repository, config);
        TestImages.Blob blob = new TestImages.Blob(bytes, Digests.of(bytes), Manifest.OCI_MANIFEST);
        images.pushManifest(repository, CosignSignatures.tag(digest, "sig"), blob);
        return blob;
    }

    private Path pem(PublicKey key, String name) throws Exception {
        Path file = work.resolve(name);
        Files.writeString(file, "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        return file;
    }

    private SaveSummary save(String name, List<SignatureRule> rules, Path out) throws Exception {
        ImageSaver saver = new ImageSaver(new RegistryClient(RegistryOptions.defaults().withInsecure(Set.of(registry.host()))),
                new SaveOptions(out, List.of(Platform.LINUX_AMD64), false, 2, work.resolve("cache"), false, l -> { }, rules, true));
        return saver.save(List.of(ImageReference.parse(registry.host() + "/" + name)));
    }

    private SignatureRule rule(PublicKey key) throws Exception {
        return new SignatureRule(registry.host() + "/*", key == null ? null : CosignSignatures.readPublicKey(pem(key, "k.pub")), "k.pub",
                "<signatures><signature>");
    }

    private static int status(String url, String accept) throws Exception {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setRequestProperty("Accept", accept);
        try {
            return connection.getResponseCode();
        } finally {
            connection.disconnect();
        }
    }

    @Test
    void aValidSignatureHoldsAndIsServedFromTheSavedTree() throws Exception {
        TestImages.Blob image = images.pushImage("signed/app", "1.0", "linux/amd64", List.of(TestImages.layer("a.bin", 500, 1)));
        TestImages.Blob signature = pushSignature("signed/app", image.digest(), payload("signed/app", image.digest()),
                sign(signer.getPrivate(), "SHA256withECDSA", payload("signed/app", image.digest())));
        Path out = work.resolve("out-valid");

        save("signed/app:1.0", List.of(rule(signer.getPublic())), out);

        try (LocalRegistry served = LocalRegistry.start(out.resolve("linux-amd64/registry"), true, null, work.resolve("logs-served"))) {
            assertEquals(200, status(served.url() + "/v2/signed/app/manifests/" + CosignSignatures.tag(image.digest(), "sig"),
                    Manifest.OCI_MANIFEST), "the .sig tag is served next to the image");
            assertEquals(200, status(served.url() + "/v2/signed/app/manifests/" + signature.digest(), Manifest.OCI_MANIFEST));
        }
    }

    @Test
    void missingWrongKeyAndTamperedSignaturesStopTheImageBeforeAnythingIsStored() throws Exception {
        TestImages.Blob unsigned = images.pushImage("policy/unsigned", "1.0", "linux/amd64", List.of(TestImages.layer("u.bin", 500, 2)));
        ImageSaver.SaveException missing = assertThrows(ImageSaver.SaveException.class,
                () -> save("policy/unsigned:1.0", List.of(rule(null)), work.resolve("out-missing")));
        String message = missing.failures().get(0).error().getMessage();
        assertTrue(message.contains("breaks the signature rule <signatures><signature> (" + registry.host() + "/*: any cosign signature)")
                && message.contains("it has no cosign signature (no [" + CosignSignatures.tag(unsigned.digest(), "sig") + "] tag)"), message);
        assertEquals(RegistryException.Kind.POLICY, missing.failures().get(0).error().kind());
        assertFalse(Files.exists(work.resolve("out-missing/linux-amd64/registry/docker/registry/v2/repositories/policy/unsigned/_manifests/tags")),
                "nothing stored");

        TestImages.Blob image = images.pushImage("policy/wrongkey", "1.0", "linux/amd64", List.of(TestImages.layer("w.bin", 500, 3)));
        pushSignature("policy/wrongkey", image.digest(), payload("policy/wrongkey", image.digest()),
                sign(other.getPrivate(), "SHA256withECDSA", payload("policy/wrongkey", image.digest())));
        String wrongKey = assertThrows(ImageSaver.SaveException.class, () -> save("policy/wrongkey:1.0", List.of(rule(signer.getPublic())),
                work.resolve("out-wrong"))).failures().get(0).error().getMessage();
        assertTrue(wrongKey.contains("a signature over " + image.digest() + " that k.pub did not make"), wrongKey);
        // any signature will do for a rule without key
        save("policy/wrongkey:1.0", List.of(rule(null)), work.resolve("out-any"));

        TestImages.Blob tampered = images.pushImage("policy/tampered", "1.0", "linux/amd64", List.of(TestImages.layer("t.bin", 500, 4)));
        byte[] honest = payload("policy/tampered", tampered.digest());
        byte[] changed = new String(honest, StandardCharsets.UTF_8).replace("cosign container image signature", "cosign container image signaturE")
                .getBytes(StandardCharsets.UTF_8);
        pushSignature("policy/tampered", tampered.digest(), changed, sign(signer.getPrivate(), "SHA256withECDSA", honest));
        String tamperedMessage = assertThrows(ImageSaver.SaveException.class, () -> save("policy/tampered:1.0",
                List.of(rule(signer.getPublic())), work.resolve("out-tampered"))).failures().get(0).error().getMessage();
        assertTrue(tamperedMessage.contains("did not make (or a changed payload)"), tamperedMessage);

        // a signature taken from another image: its payload names another digest
        TestImages.Blob copied = images.pushImage("policy/copied", "1.0", "linux/amd64", List.of(TestImages.layer("c.bin", 500, 5)));
        pushSignature("policy/copied", copied.digest(), honest, sign(signer.getPrivate(), "SHA256withECDSA", honest));
        String copiedMessage = assertThrows(ImageSaver.SaveException.class, () -> save("policy/copied:1.0",
                List.of(rule(signer.getPublic())), work.resolve("out-copied"))).failures().get(0).error().getMessage();
        assertTrue(copiedMessage.contains("a signature over " + tampered.digest() + " in the tag of " + copied.digest()), copiedMessage);
    }

    @Test
    void aSignatureOverAnIndexKeepsTheIndexInTheTree() throws Exception {
        TestImages.Blob index = images.pushIndex("signed/multi", "2.0", List.of("linux/amd64", "linux/arm64"),
                List.of(TestImages.layer("shared.bin", 500, 6)), 7);
        pushSignature("signed/multi", index.digest(), payload("signed/multi", index.digest()),
                sign(signer.getPrivate(), "SHA256withECDSA", payload("signed/multi", index.digest())));
        Path out = work.resolve("out-index");

        save("signed/multi:2.0", List.of(rule(signer.getPublic())), out);

        try (LocalRegistry served = LocalRegistry.start(out.resolve("linux-amd64/registry"), true, null, work.resolve("logs-index"))) {
            assertEquals(200, status(served.url() + "/v2/signed/multi/manifests/" + index.digest(), Manifest.OCI_INDEX + ", "
                    + "application/vnd.docker.distribution.manifest.list.v2+json"), "verifiable by the index digest");
            assertEquals(200, status(served.url() + "/v2/signed/multi/manifests/" + CosignSignatures.tag(index.digest(), "sig"),
                    Manifest.OCI_MANIFEST));
        }
    }

    @Test
    void rsaAndEd25519KeysVerifyAndAForeignPemIsRefused() throws Exception {
        byte[] payload = payload("x", "sha256:" + "a".repeat(64));
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair rsaPair = rsa.generateKeyPair();
        assertTrue(CosignSignatures.verifies(CosignSignatures.readPublicKey(pem(rsaPair.getPublic(), "rsa.pub")), payload,
                sign(rsaPair.getPrivate(), "SHA256withRSA", payload)));
        KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        PublicKey edKey = CosignSignatures.readPublicKey(pem(ed.getPublic(), "ed.pub"));
        assertTrue(CosignSignatures.verifies(edKey, payload, sign(ed.getPrivate(), "Ed25519", payload)));
        assertFalse(CosignSignatures.verifies(edKey, payload, sign(ed.getPrivate(), "Ed25519", "other".getBytes(StandardCharsets.UTF_8))));

        Path notAKey = work.resolve("cert.pem");
        Files.writeString(notAKey, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        assertTrue(assertThrows(java.io.IOException.class, () -> CosignSignatures.readPublicKey(notAKey)).getMessage()
                .contains("is not a PEM public key"));
    }

    @Test
    void anOci11ReferrerListedByTheFallbackTagIsCarriedAlong() throws Exception {
        TestImages.Blob image = images.pushImage("referred/app", "1.0", "linux/amd64", List.of(TestImages.layer("r.bin", 500, 8)));
        TestImages.Blob referrer = pushArtifact("referred/app", image, "{\"spdxVersion\":\"SPDX-2.3\"}");
        byte[] indexBytes = referrersIndex(List.of(referrer));
        images.pushManifest("referred/app", image.digest().replace(':', '-'),
                new TestImages.Blob(indexBytes, Digests.of(indexBytes), Manifest.OCI_INDEX));
        Path out = work.resolve("out-referrers");

        save("referred/app:1.0", List.of(), out);

        try (LocalRegistry served = LocalRegistry.start(out.resolve("linux-amd64/registry"), true, null, work.resolve("logs-referrers"))) {
            assertEquals(200, status(served.url() + "/v2/referred/app/manifests/" + image.digest().replace(':', '-'), Manifest.OCI_INDEX));
            assertEquals(200, status(served.url() + "/v2/referred/app/manifests/" + referrer.digest(), Manifest.OCI_MANIFEST));
            String sbomDigest = new ObjectMapper().readTree(referrer.content()).path("layers").get(0).path("digest").asText();
            assertEquals(200, status(served.url() + "/v2/referred/app/blobs/" + sbomDigest, "*/*"), "the SBOM itself");
        }
    }

    @Test
    void referrersListedOnlyByTheApiAreCarriedOnesOfAnotherImageAreNotAndOfflineFindsThem() throws Exception {
        TestImages.Blob image = images.pushImage("api/app", "1.0", "linux/amd64", List.of(TestImages.layer("api.bin", 400, 9)));
        TestImages.Blob otherImage = images.pushImage("api/other", "1.0", "linux/amd64", List.of(TestImages.layer("o.bin", 300, 10)));
        TestImages.Blob sbom = pushArtifact("api/app", image, "{\"bomFormat\":\"CycloneDX\"}");
        TestImages.Blob foreign = pushArtifact("api/app", otherImage, "{\"bomFormat\":\"CycloneDX\",\"of\":\"other\"}");
        // docker-registry 2.8 has no referrers API and no fallback tag is pushed: the front answers the API
        // call as a registry with the API does, listing one artifact of this image and one of another
        try (io.clusterimage.testing.FaultProxy front = new io.clusterimage.testing.FaultProxy(registry.url())
                .answer(path -> path.equals("/v2/api/app/referrers/" + image.digest()), 200, referrersIndex(List.of(sbom, foreign)))) {
            List<String> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
            Path out = work.resolve("out-api");
            Path cache = work.resolve("cache-api");
            new ImageSaver(new RegistryClient(RegistryOptions.defaults().withInsecure(Set.of(front.host()))),
                    new SaveOptions(out, List.of(Platform.LINUX_AMD64), false, 2, cache, false, progress::add, List.of(), true))
                    .save(List.of(ImageReference.parse(front.host() + "/api/app:1.0")));
            assertTrue(progress.stream().anyMatch(line -> line.contains("the referrer " + foreign.digest() + " is not carried: its subject is "
                    + otherImage.digest() + ", not " + image.digest())), progress.toString());

            try (LocalRegistry served = LocalRegistry.start(out.resolve("linux-amd64/registry"), true, null, work.resolve("logs-api"))) {
                String tag = image.digest().replace(':', '-');
                JsonNode index = new ObjectMapper().readTree(java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                        .newBuilder(java.net.URI.create(served.url() + "/v2/api/app/manifests/" + tag)).header("Accept", Manifest.OCI_INDEX)
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray()).body());
                assertEquals(List.of(sbom.digest()), index.path("manifests").findValuesAsText("digest"), index.toString());
                assertEquals(200, status(served.url() + "/v2/api/app/manifests/" + sbom.digest(), Manifest.OCI_MANIFEST));
                assertEquals(404, status(served.url() + "/v2/api/app/manifests/" + foreign.digest(), Manifest.OCI_MANIFEST));
            }

            // offline (mvn -o): the API's answer was remembered in the cache as the fallback tag it stands for
            Path offlineOut = work.resolve("out-api-offline");
            new ImageSaver(new RegistryClient(RegistryOptions.defaults().withInsecure(Set.of(front.host()))),
                    new SaveOptions(offlineOut, List.of(Platform.LINUX_AMD64), false, 2, cache, true, l -> { }, List.of(), true))
                    .save(List.of(ImageReference.parse(front.host() + "/api/app:1.0")));
            try (LocalRegistry served = LocalRegistry.start(offlineOut.resolve("linux-amd64/registry"), true, null,
                    work.resolve("logs-api-offline"))) {
                assertEquals(200, status(served.url() + "/v2/api/app/manifests/" + image.digest().replace(':', '-'), Manifest.OCI_INDEX));
                assertEquals(200, status(served.url() + "/v2/api/app/manifests/" + sbom.digest(), Manifest.OCI_MANIFEST));
            }
        }
    }

    @Test
    void anSbomTagThatIsNotJsonIsNotCarriedAndAJsonOneIs() throws Exception {
        TestImages.Blob broken = images.pushImage("sboms/broken", "1.0", "linux/amd64", List.of(TestImages.layer("b.bin", 200, 11)));
        TestImages.Blob fine = images.pushImage("sboms/fine", "1.0", "linux/amd64", List.of(TestImages.layer("f.bin", 200, 12)));
        pushSbomTag("sboms/broken", broken.digest(), "this is not an SPDX document");
        pushSbomTag("sboms/fine", fine.digest(), "{\"spdxVersion\":\"SPDX-2.3\",\"packages\":[]}");
        List<String> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
        Path out = work.resolve("out-sbom-tags");
        new ImageSaver(new RegistryClient(RegistryOptions.defaults().withInsecure(Set.of(registry.host()))),
                new SaveOptions(out, List.of(Platform.LINUX_AMD64), false, 2, work.resolve("cache"), false, progress::add, List.of(), true))
                .save(List.of(ImageReference.parse(registry.host() + "/sboms/broken:1.0"), ImageReference.parse(registry.host() + "/sboms/fine:1.0")));
        String brokenTag = CosignSignatures.tag(broken.digest(), "sbom");
        assertTrue(progress.stream().anyMatch(line -> line.startsWith(registry.host() + "/sboms/broken:1.0 " + brokenTag
                + ": not carried, its text/spdx+json layer sha256:") && line.contains("is not JSON")), progress.toString());
        try (LocalRegistry served = LocalRegistry.start(out.resolve("linux-amd64/registry"), true, null, work.resolve("logs-sbom-tags"))) {
            assertEquals(404, status(served.url() + "/v2/sboms/broken/manifests/" + brokenTag, Manifest.OCI_MANIFEST));
            assertEquals(200, status(served.url() + "/v2/sboms/fine/manifests/" + CosignSignatures.tag(fine.digest(), "sbom"), Manifest.OCI_MANIFEST));
        }
    }

    /** Pushes cosign's {@code sha256-<hex>.sbom} for {@code digest}: one {@code text/spdx+json} layer holding {@code document}. */
    private static void pushSbomTag(String repository, String digest, String document) throws Exception {
        byte[] bytes = document.getBytes(StandardCharsets.UTF_8);
        TestImages.Blob layer = new TestImages.Blob(bytes, Digests.of(bytes), "text/spdx+json");
        byte[] configBytes = "{\"architecture\":\"\",\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}".getBytes(StandardCharsets.UTF_8);
        TestImages.Blob config = new TestImages.Blob(configBytes, Digests.of(configBytes), "application/vnd.oci.image.config.v1+json");
        ObjectNode manifest = new ObjectMapper().createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", Manifest.OCI_MANIFEST);
        manifest.set("config", config.descriptor());
        manifest.putArray("layers").add(layer.descriptor());
        byte[] manifestBytes = new ObjectMapper().writeValueAsBytes(manifest);
        images.pushBlob(repository, layer);
        images.pushBlob(repository, config);
        images.pushManifest(repository, CosignSignatures.tag(digest, "sbom"),
                new TestImages.Blob(manifestBytes, Digests.of(manifestBytes), Manifest.OCI_MANIFEST));
    }

    /** Pushes an OCI 1.1 artifact (empty config, {@code content} as its layer) whose subject is {@code subject}, by digest only. */
    private static TestImages.Blob pushArtifact(String repository, TestImages.Blob subject, String content) throws Exception {
        ObjectMapper json = new ObjectMapper();
        byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
        TestImages.Blob config = new TestImages.Blob(empty, Digests.of(empty), "application/vnd.oci.empty.v1+json");
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        TestImages.Blob layer = new TestImages.Blob(bytes, Digests.of(bytes), "application/spdx+json");
        ObjectNode artifact = json.createObjectNode();
        artifact.put("schemaVersion", 2);
        artifact.put("mediaType", Manifest.OCI_MANIFEST);
        artifact.put("artifactType", "application/spdx+json");
        artifact.set("config", config.descriptor());
        artifact.putArray("layers").add(layer.descriptor());
        ObjectNode subjectNode = artifact.putObject("subject");
        subjectNode.put("mediaType", Manifest.OCI_MANIFEST);
        subjectNode.put("digest", subject.digest());
        subjectNode.put("size", subject.content().length);
        byte[] artifactBytes = json.writeValueAsBytes(artifact);
        TestImages.Blob referrer = new TestImages.Blob(artifactBytes, Digests.of(artifactBytes), Manifest.OCI_MANIFEST);
        images.pushBlob(repository, config);
        images.pushBlob(repository, layer);
        images.pushManifest(repository, referrer.digest(), referrer);
        return referrer;
    }

    private static byte[] referrersIndex(List<TestImages.Blob> referrers) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode index = json.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", Manifest.OCI_INDEX);
        var manifests = index.putArray("manifests");
        referrers.forEach(referrer -> manifests.add(referrer.descriptor().put("artifactType", "application/spdx+json")));
        return json.writeValueAsBytes(index);
    }
}
