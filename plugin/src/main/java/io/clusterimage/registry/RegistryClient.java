package io.clusterimage.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small client of the registry HTTP API (distribution v2 / OCI) that does exactly what saving needs:
 * manifests as the raw bytes served, blobs streamed to disk and verified while streaming.
 *
 * <p>Auth: anonymous, Basic, and the Bearer token challenge (Docker Hub, ghcr, Harbor). TLS is
 * verified unless the host is listed as insecure (then plain HTTP is used). Transient failures (5xx,
 * 429 with Retry-After, resets, truncated bodies) are retried with backoff; 401/403/404 never are.
 * Thread-safe: one instance serves all downloads of a build.
 */
public final class RegistryClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final int MAX_MANIFEST_BYTES = 8 * 1024 * 1024;

    private final RegistryOptions options;
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final Map<String, String> basicHosts = new ConcurrentHashMap<>();

    private record Token(String value, Instant expires) {
    }

    public RegistryClient(RegistryOptions options) {
        this.options = options;
    }

    public RegistryOptions options() {
        return options;
    }

    /** The host the API is served from: Docker Hub's registry is not at docker.io. */
    static String apiHost(String host) {
        return host.equals("docker.io") || host.equals("index.docker.io") ? "registry-1.docker.io" : host;
    }

    private String baseUrl(String host) {
        String scheme = options.insecure().contains(host) ? "http" : "https";
        return scheme + "://" + apiHost(host);
    }

    // ---- manifests ----

    /**
     * Fetches a manifest by tag or digest; the bytes are checked against the digest asked for, or
     * against the registry's Docker-Content-Digest header for a tag.
     */
    public Manifest manifest(String host, String repository, String reference) throws RegistryException {
        String url = baseUrl(host) + "/v2/" + repository + "/manifests/" + reference;
        return withRetries(host, repository, reference, () -> {
            HttpURLConnection connection = request("GET", url, host, repository, Map.of("Accept", Manifest.ACCEPT));
            try {
                byte[] body;
                try (InputStream in = connection.getInputStream()) {
                    body = in.readNBytes(MAX_MANIFEST_BYTES + 1);
                }
                if (body.length > MAX_MANIFEST_BYTES) {
                    throw new RegistryException(RegistryException.Kind.UNSUPPORTED, "manifest of " + describe(host, repository, reference)
                            + " is larger than " + MAX_MANIFEST_BYTES + " bytes");
                }
                long declared = connection.getContentLengthLong();
                if (declared >= 0 && declared != body.length) {
                    throw new IOException("truncated manifest: " + body.length + " of " + declared + " bytes");
                }
                // the digest first: bytes that are not what was asked for are a mismatch, whether or not they parse
                String actual = Digests.of(body);
                String expected = Digests.isSha256(reference) ? reference : connection.getHeaderField("Docker-Content-Digest");
                if (expected != null && Digests.isSha256(expected) && !expected.equals(actual)) {
                    throw new RegistryException(RegistryException.Kind.DIGEST_MISMATCH, "the registry served a manifest for "
                            + describe(host, repository, reference) + " whose sha256 is " + actual + ", not " + expected);
                }
                Manifest manifest = Manifest.of(body, connection.getContentType());
                if (manifest.mediaType().startsWith("application/vnd.docker.distribution.manifest.v1+")) {
                    throw new RegistryException(RegistryException.Kind.UNSUPPORTED, describe(host, repository, reference)
                            + " only has a schema 1 manifest, which registries no longer serve to clients; re-push it with a current tool");
                }
                return manifest;
            } finally {
                connection.disconnect();
            }
        });
    }

    // ---- blobs ----

    /**
     * Streams a blob into {@code target} (a temporary file the caller moves into place), computing
     * its sha256 on the way; the file is deleted and an exception thrown unless digest and size match.
     */
    public long blob(String host, String repository, String digest, long expectedSize, Path target) throws RegistryException {
        String url = baseUrl(host) + "/v2/" + repository + "/blobs/" + digest;
        return withRetries(host, repository, digest, () -> {
            HttpURLConnection connection;
            try {
                connection = request("GET", url, host, repository, Map.of());
            } catch (IOException | RegistryException | RuntimeException e) {
                Files.deleteIfExists(target); // a refused request (404, 401...) leaves no file behind either
                throw e;
            }
            try {
                MessageDigest sha = Digests.sha256();
                long written = 0;
                byte[] buffer = new byte[256 * 1024];
                // no TRUNCATE_EXISTING: target is new (empty) or was deleted after a failed try, and truncating
                // makes ext4 write the whole file out when it is closed (auto_da_alloc)
                try (InputStream in = connection.getInputStream();
                     OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                    int read;
                    while ((read = in.read(buffer)) > 0) {
                        sha.update(buffer, 0, read);
                        out.write(buffer, 0, read);
                        written += read;
                    }
                }
                if (expectedSize >= 0 && written < expectedSize) {
                    throw new IOException("truncated blob " + digest + ": " + written + " of " + expectedSize + " bytes");
                }
                String actual = Digests.format(sha);
                if (!actual.equals(digest) || (expectedSize >= 0 && written != expectedSize)) {
                    Files.deleteIfExists(target);
                    throw new RegistryException(RegistryException.Kind.DIGEST_MISMATCH, "the registry served blob " + digest
                            + " of " + describe(host, repository, null) + " with the wrong content (sha256 " + actual + ", "
                            + written + " bytes); nothing was stored");
                }
                return written;
            } catch (IOException | RegistryException | RuntimeException e) {
                Files.deleteIfExists(target);
                throw e;
            } finally {
                connection.disconnect();
            }
        });
    }

    // ---- pushing ----

    private static String pushScope(String repository) {
        return "repository:" + repository + ":pull,push";
    }

    /** Whether the registry already has the blob in this repository (HEAD). */
    public boolean hasBlob(String host, String repository, String digest) throws RegistryException {
        String url = baseUrl(host) + "/v2/" + repository + "/blobs/" + digest;
        try {
            return withRetries(host, repository, digest, () -> {
                HttpURLConnection connection = request("HEAD", url, host, repository, pushScope(repository), Map.of(), null);
                connection.disconnect();
                return true;
            });
        } catch (RegistryException e) {
            if (e.kind() == RegistryException.Kind.NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Uploads a blob (monolithic: POST for an upload location, then one PUT with the content),
     * first trying a cross-repository mount from {@code mountFrom} on the same registry when given.
     */
    public void pushBlob(String host, String repository, String digest, long size, Opener content, String mountFrom)
            throws RegistryException {
        String uploads = baseUrl(host) + "/v2/" + repository + "/blobs/uploads/";
        withRetries(host, repository, digest, () -> {
            String start = mountFrom == null ? uploads
                    : uploads + "?mount=" + URLEncoder.encode(digest, StandardCharsets.UTF_8) + "&from=" + URLEncoder.encode(mountFrom, StandardCharsets.UTF_8);
            HttpURLConnection post = request("POST", start, host, repository, pushScope(repository), Map.of(), null);
            int status = post.getResponseCode();
            String location = post.getHeaderField("Location");
            post.disconnect();
            if (status == 201) {
                return null; // mounted
            }
            if (location == null) {
                throw new RegistryException(RegistryException.Kind.UNSUPPORTED, host + " gave no upload location for " + repository);
            }
            String put = URI.create(uploads).resolve(location).toString();
            put += (put.contains("?") ? "&" : "?") + "digest=" + URLEncoder.encode(digest, StandardCharsets.UTF_8);
            HttpURLConnection connection = request("PUT", put, host, repository, pushScope(repository), Map.of(),
                    new Body("application/octet-stream", size, content));
            connection.disconnect();
            return null;
        });
    }

    /** Puts a manifest or index, as its exact bytes, under a tag or its digest. */
    public void pushManifest(String host, String repository, String reference, byte[] bytes, String mediaType) throws RegistryException {
        String url = baseUrl(host) + "/v2/" + repository + "/manifests/" + reference;
        withRetries(host, repository, reference, () -> {
            HttpURLConnection connection = request("PUT", url, host, repository, pushScope(repository), Map.of(),
                    new Body(mediaType, bytes.length, () -> new java.io.ByteArrayInputStream(bytes)));
            String served = connection.getHeaderField("Docker-Content-Digest");
            connection.disconnect();
            if (served != null && Digests.isSha256(served) && !served.equals(Digests.of(bytes))) {
                throw new RegistryException(RegistryException.Kind.DIGEST_MISMATCH, host + " stored the manifest of " + repository
                        + " under " + served + " instead of " + Digests.of(bytes));
            }
            return null;
        });
    }

    // ---- HTTP, auth and retries ----

    @FunctionalInterface
    private interface Call<T> {
        T run() throws IOException, RegistryException;
    }

    /** Thrown inside a call for an HTTP status that may succeed later. */
    private static final class RetryableStatus extends IOException {
        final long retryAfterMillis;

        RetryableStatus(String message, long retryAfterMillis) {
            super(message);
            this.retryAfterMillis = retryAfterMillis;
        }
    }

    private <T> T withRetries(String host, String repository, String reference, Call<T> call) throws RegistryException {
        long backoff = options.initialBackoff().toMillis();
        IOException last = null;
        for (int attempt = 1; attempt <= options.maxAttempts(); attempt++) {
            try {
                return call.run();
            } catch (SSLException e) {
                throw new RegistryException(RegistryException.Kind.TLS, "TLS with " + host + " failed (" + e.getMessage()
                        + "); if the registry uses a private CA, add it to the JVM trust store; only if it is a test registry,"
                        + " list it under <insecureRegistries>", e);
            } catch (IOException e) {
                last = e;
                if (attempt == options.maxAttempts()) {
                    break;
                }
                long wait = e instanceof RetryableStatus status && status.retryAfterMillis > 0 ? status.retryAfterMillis : backoff;
                sleep(Math.min(wait, 30_000));
                backoff *= 2;
            }
        }
        throw new RegistryException(RegistryException.Kind.TRANSIENT, "cannot fetch " + describe(host, repository, reference)
                + " after " + options.maxAttempts() + " attempts: " + (last == null ? "" : last.getMessage()), last);
    }

    private static void sleep(long millis) throws RegistryException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(RegistryException.Kind.TRANSIENT, "interrupted");
        }
    }

    /**
     * Sends a request, answering an auth challenge once, following redirects (without credentials
     * when the redirect leaves the registry), and mapping the status to an exception when not 2xx.
     */
    private HttpURLConnection request(String method, String url, String host, String repository, Map<String, String> headers)
            throws IOException, RegistryException {
        return request(method, url, host, repository, "repository:" + repository + ":pull", headers, null);
    }

    /** A request body that can be sent again (after an auth challenge or a retry). */
    record Body(String contentType, long length, Opener opener) {
    }

    @FunctionalInterface
    interface Opener {
        InputStream open() throws IOException;
    }

    private HttpURLConnection request(String method, String url, String host, String repository, String scope,
                                      Map<String, String> headers, Body body) throws IOException, RegistryException {
        String authorization = cachedAuthorization(host, scope);
        String currentUrl = url;
        boolean challenged = false;
        for (int hop = 0; hop < 10; hop++) {
            URL target = URI.create(currentUrl).toURL();
            boolean sameOrigin = sameOrigin(target, URI.create(url).toURL());
            HttpURLConnection connection = (HttpURLConnection) target.openConnection(options.proxies().apply(target.getHost()));
            connection.setRequestMethod(method);
            connection.setInstanceFollowRedirects(false);
            connection.setConnectTimeout((int) options.timeout().toMillis());
            connection.setReadTimeout((int) options.timeout().toMillis());
            connection.setRequestProperty("User-Agent", "cluster-image-maven-plugin");
            headers.forEach(connection::setRequestProperty);
            if (authorization != null && sameOrigin) {
                connection.setRequestProperty("Authorization", authorization);
            }
            if (body != null) {
                connection.setDoOutput(true);
                connection.setRequestProperty("Content-Type", body.contentType());
                connection.setFixedLengthStreamingMode(body.length());
                try (OutputStream out = connection.getOutputStream(); InputStream in = body.opener().open()) {
                    in.transferTo(out);
                }
            } else if (method.equals("POST") || method.equals("PUT")) {
                connection.setDoOutput(true);
                connection.setFixedLengthStreamingMode(0);
                connection.getOutputStream().close();
            }
            int status = connection.getResponseCode();
            if (status >= 200 && status < 300) {
                return connection;
            }
            if (status >= 300 && status < 400 && connection.getHeaderField("Location") != null) {
                currentUrl = URI.create(currentUrl).resolve(connection.getHeaderField("Location")).toString();
                connection.disconnect();
                continue;
            }
            if (status == 401 && !challenged) {
                challenged = true;
                String challenge = connection.getHeaderField("WWW-Authenticate");
                drain(connection);
                authorization = answerChallenge(host, scope, challenge);
                continue;
            }
            String errorBody = errorBody(connection);
            connection.disconnect();
            throw statusException(status, connection, host, repository, url, errorBody);
        }
        throw new IOException("too many redirects for " + url);
    }

    /** Scheme, host and port all equal: credentials never follow a redirect to another server, even on the same host. */
    static boolean sameOrigin(URL a, URL b) {
        int portA = a.getPort() < 0 ? a.getDefaultPort() : a.getPort();
        int portB = b.getPort() < 0 ? b.getDefaultPort() : b.getPort();
        return a.getProtocol().equalsIgnoreCase(b.getProtocol()) && a.getHost().equalsIgnoreCase(b.getHost()) && portA == portB;
    }

    private IOException statusException(int status, HttpURLConnection connection, String host, String repository, String url,
                                        String body) throws RegistryException {
        String what = host + "/" + repository;
        switch (status) {
            case 401 -> throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, "the registry " + host
                    + " refused the credentials for " + what + " (401" + registryError(body) + ")");
            case 403 -> throw new RegistryException(RegistryException.Kind.FORBIDDEN, "access to " + what
                    + " is forbidden (403" + registryError(body) + ")");
            case 404 -> throw new RegistryException(RegistryException.Kind.NOT_FOUND, "not found: " + url.replaceFirst("^https?://[^/]+/v2/", "")
                    + " on " + host + " (404" + registryError(body) + ")");
            default -> {
                if (status == 429 || status >= 500) {
                    return new RetryableStatus("HTTP " + status + " from " + host + registryError(body), retryAfter(connection));
                }
                throw new RegistryException(RegistryException.Kind.UNSUPPORTED, "HTTP " + status + " from " + host + " for " + what
                        + registryError(body));
            }
        }
    }

    private static long retryAfter(HttpURLConnection connection) {
        String value = connection.getHeaderField("Retry-After");
        if (value == null) {
            return 0;
        }
        try {
            return Long.parseLong(value.strip()) * 1000;
        } catch (NumberFormatException e) {
            return 0; // an HTTP date: fall back to the normal backoff
        }
    }

    private static String registryError(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            JsonNode errors = JSON.readTree(body).path("errors");
            if (errors.isArray() && !errors.isEmpty()) {
                return ": " + errors.get(0).path("code").asText("") + " " + errors.get(0).path("message").asText("");
            }
        } catch (IOException e) {
            // not the registry's JSON error format
        }
        return "";
    }

    private static String errorBody(HttpURLConnection connection) {
        try (InputStream error = connection.getErrorStream()) {
            return error == null ? "" : new String(error.readNBytes(16 * 1024), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void drain(HttpURLConnection connection) {
        errorBody(connection);
    }

    private String cachedAuthorization(String host, String scope) {
        Token token = tokens.get(host + " " + scope);
        if (token != null && token.expires().isAfter(Instant.now())) {
            return "Bearer " + token.value();
        }
        return basicHosts.get(host);
    }

    private String answerChallenge(String host, String scope, String challenge) throws IOException, RegistryException {
        Optional<Credentials> credentials = options.credentials().credentialsFor(host);
        if (challenge == null) {
            throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, host + " asks for credentials but says not how");
        }
        String scheme = challenge.strip().split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
        if (scheme.equals("basic")) {
            if (credentials.isEmpty()) {
                throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, host + " needs credentials and none are configured");
            }
            String basic = basic(credentials.get());
            basicHosts.put(host, basic);
            return basic;
        }
        if (!scheme.equals("bearer")) {
            throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, host + " asks for unsupported auth scheme " + scheme);
        }
        Map<String, String> params = new LinkedHashMap<>();
        Matcher matcher = CHALLENGE_PARAM.matcher(challenge);
        while (matcher.find()) {
            params.put(matcher.group(1).toLowerCase(Locale.ROOT), matcher.group(2));
        }
        String realm = params.get("realm");
        if (realm == null) {
            throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, host + " sent a Bearer challenge without realm");
        }
        StringBuilder tokenUrl = new StringBuilder(realm).append(realm.contains("?") ? '&' : '?');
        if (params.containsKey("service")) {
            tokenUrl.append("service=").append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8)).append('&');
        }
        tokenUrl.append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        HttpURLConnection connection = (HttpURLConnection) URI.create(tokenUrl.toString()).toURL()
                .openConnection(options.proxies().apply(URI.create(realm).getHost()));
        connection.setConnectTimeout((int) options.timeout().toMillis());
        connection.setReadTimeout((int) options.timeout().toMillis());
        credentials.ifPresent(c -> connection.setRequestProperty("Authorization", basic(c)));
        int status = connection.getResponseCode();
        if (status == 401 || status == 403) {
            drain(connection);
            throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, "the token service of " + host + " refused "
                    + (credentials.isPresent() ? "the credentials" : "anonymous access") + " (" + status + ")");
        }
        if (status >= 500 || status == 429) {
            drain(connection);
            throw new RetryableStatus("token service of " + host + " answered " + status, retryAfter(connection));
        }
        JsonNode body;
        try (InputStream in = connection.getInputStream()) {
            body = JSON.readTree(in.readNBytes(1024 * 1024));
        } finally {
            connection.disconnect();
        }
        String token = body.path("token").asText(body.path("access_token").asText(""));
        if (token.isEmpty()) {
            throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, "the token service of " + host + " returned no token");
        }
        long expiresIn = Math.max(60, body.path("expires_in").asLong(60));
        tokens.put(host + " " + scope, new Token(token, Instant.now().plusSeconds(expiresIn - 10)));
        return "Bearer " + token;
    }

    private static String basic(Credentials credentials) {
        String pair = credentials.username() + ":" + credentials.password();
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    static String describe(String host, String repository, String reference) {
        String name = host + "/" + repository;
        if (reference == null) {
            return name;
        }
        return reference.startsWith("sha256:") ? name + "@" + reference : name + ":" + reference;
    }
}
