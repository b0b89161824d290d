package io.clusterimage.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * A verifier of cosign key signatures written from cosign's specification, sharing no code with the plugin:
 * the signature manifest's simple-signing layers are read as plain JSON, each payload checked against the
 * layer digest and against the image digest it claims, and the signature checked by OpenSSL (a second,
 * independent implementation of the crypto): {@code openssl dgst -sha256 -verify} for ECDSA and RSA,
 * {@code openssl pkeyutl -verify -rawin} for Ed25519.
 */
public final class CosignVerifier {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json";

    private CosignVerifier() {
    }

    /** What one signature layer said and whether OpenSSL accepted it. */
    public record Checked(String claimedDigest, boolean verified) {
    }

    /**
     * Verifies the signature stored in an OCI archive: unpacks it with tar, follows index.json's
     * {@code io.clusterimage.attachments} annotation to the manifest tagged {@code sha256-<hex>.sig}.
     */
    public static List<Checked> verifyArchive(Path archive, String imageDigest, Path publicKey, boolean ed25519, Path work)
            throws Exception {
        Path dir = Files.createDirectories(work.resolve("unpacked-" + System.nanoTime()));
        run(List.of("tar", "-xf", archive.toString(), "-C", dir.toString()));
        JsonNode index = JSON.readTree(dir.resolve("index.json").toFile());
        String attachments = index.path("annotations").path("io.clusterimage.attachments").asText();
        JsonNode listed = JSON.readTree(blob(dir, attachments));
        String tag = imageDigest.replace(':', '-') + ".sig";
        for (JsonNode entry : listed.path("manifests")) {
            if (tag.equals(entry.path("annotations").path("org.opencontainers.image.ref.name").asText())) {
                JsonNode manifest = JSON.readTree(blob(dir, entry.path("digest").asText()));
                return check(manifest, digest -> blob(dir, digest), imageDigest, publicKey, ed25519, work);
            }
        }
        throw new AssertionError("no " + tag + " among the attachments of " + archive + ": " + listed);
    }

    /** Verifies the signature a registry serves under {@code sha256-<hex>.sig}, read over plain HTTP. */
    public static List<Checked> verifyInRegistry(String registryUrl, String repository, String imageDigest, Path publicKey,
                                                 boolean ed25519, Path work) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String tag = imageDigest.replace(':', '-') + ".sig";
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(registryUrl + "/v2/" + repository + "/manifests/" + tag))
                .header("Accept", "application/vnd.oci.image.manifest.v1+json").build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + tag + " answered " + response.statusCode());
        }
        JsonNode manifest = JSON.readTree(response.body());
        return check(manifest, digest -> http.send(HttpRequest.newBuilder(URI.create(registryUrl + "/v2/" + repository + "/blobs/" + digest))
                .build(), HttpResponse.BodyHandlers.ofByteArray()).body(), imageDigest, publicKey, ed25519, work);
    }

    private interface Blobs {
        byte[] get(String digest) throws Exception;
    }

    private static byte[] blob(Path layout, String digest) throws IOException {
        return Files.readAllBytes(layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length())));
    }

    private static List<Checked> check(JsonNode manifest, Blobs blobs, String imageDigest, Path publicKey, boolean ed25519, Path work)
            throws Exception {
        List<Checked> checked = new ArrayList<>();
        for (JsonNode layer : manifest.path("layers")) {
            if (!SIMPLE_SIGNING.equals(layer.path("mediaType").asText())) {
                continue;
            }
            String digest = layer.path("digest").asText();
            byte[] payload = blobs.get(digest);
            String actual = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload));
            if (!actual.equals(digest)) {
                throw new AssertionError("payload " + digest + " has the content of " + actual);
            }
            String claimed = JSON.readTree(payload).path("critical").path("image").path("docker-manifest-digest").asText();
            Path payloadFile = Files.write(work.resolve("payload-" + System.nanoTime()), payload);
            Path signatureFile = Files.write(work.resolve("signature-" + System.nanoTime()), Base64.getDecoder()
                    .decode(layer.path("annotations").path("dev.cosignproject.cosign/signature").asText()));
            List<String> command = ed25519
                    ? List.of("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", publicKey.toString(), "-rawin", "-in",
                    payloadFile.toString(), "-sigfile", signatureFile.toString())
                    : List.of("openssl", "dgst", "-sha256", "-verify", publicKey.toString(), "-signature", signatureFile.toString(),
                    payloadFile.toString());
            checked.add(new Checked(claimed, claimed.equals(imageDigest) && run(command) == 0));
        }
        return checked;
    }

    private static int run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        if (exit != 0 && command.get(0).equals("tar")) {
            throw new AssertionError(command + " failed: " + output);
        }
        return exit;
    }

    /** {@code openssl genpkey} of the given kind into {@code key}, and its public key beside it ({@code .pub}). */
    public static Path generateKey(Path key, String kind, String password) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl", "genpkey", "-out", key.toString()));
        switch (kind) {
            case "ec" -> command.addAll(List.of("-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"));
            case "rsa" -> command.addAll(List.of("-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"));
            case "ed25519" -> command.addAll(List.of("-algorithm", "ed25519"));
            default -> throw new IllegalArgumentException(kind);
        }
        if (password != null) {
            command.addAll(List.of("-aes256", "-pass", "pass:" + password));
        }
        if (run(command) != 0) {
            throw new AssertionError(command + " failed");
        }
        Path pub = key.resolveSibling(key.getFileName() + ".pub");
        List<String> pubout = new ArrayList<>(List.of("openssl", "pkey", "-in", key.toString(), "-pubout", "-out", pub.toString()));
        if (password != null) {
            pubout.addAll(List.of("-passin", "pass:" + password));
        }
        if (run(pubout) != 0) {
            throw new AssertionError(pubout + " failed");
        }
        return pub;
    }
}
