package io.clusterimage.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.net.ssl.SSLException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small client of the registry HTTP API (distribution v2 / OCI) that does exactly what saving and
 * pushing need: manifests as the raw bytes served, blobs streamed to disk and verified while
 * streaming; blobs mounted across repositories or uploaded whole or in resumable chunks, streamed
 * from their files.
 *
 * <p>Auth: anonymous, Basic, and the Bearer token challenge (Docker Hub, ghcr, Harbor), answered by
 * {@link AuthChallenges}. TLS is verified unless the host is listed as insecure (then plain HTTP is
 * used). Transient failures (5xx, 429 with Retry-After, resets, truncated bodies) are retried with
 * backoff; 401/403/404 never are. No request reads more than it expects ({@link BoundedBody}) or runs
 * past its deadline ({@link RequestDeadline}). Thread-safe: one instance serves all downloads of a build.
 */
public final class RegistryClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A blob whose manifest gives no size (invalid: OCI requires one) is still not read without end. */
    static final long MAX_UNSIZED_BLOB_BYTES = 1024L * 1024 * 1024;
    private static final int MAX_ERROR_BYTES = 16 * 1024;
    private static final String USER_AGENT = "cluster-image-maven-plugin";

    private final RegistryOptions options;
    private final AuthChallenges auth;

    public RegistryClient(RegistryOptions options) {
        this.options = options;
        this.auth = new AuthChallenges(options);
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
                try (InputStream in = new BoundedBody(connection.getInputStream(), Manifest.MAX_BYTES, RequestDeadline.current())) {
                    body = in.readAllBytes();
                } catch (BoundedBody.TooLarge e) {
                    throw new RegistryException(RegistryException.Kind.UNSUPPORTED, "the registry sent more than " + Manifest.MAX_BYTES
                            + " bytes for the manifest of " + describe(host, repository, reference)
                            + ", more than any manifest needs (8 MiB is the limit); nothing was stored");
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

    /** The most referrers read for one image (pages together): a bound against a hostile registry. */
    static final int MAX_REFERRERS = 10_000;

    /**
     * The OCI 1.1 referrers of {@code digest} by the referrers API ({@code /v2/<name>/referrers/<digest>}), page
     * after page as the {@code Link} header says (same host only), as one index. A registry without the API
     * answers 404: {@link RegistryException.Kind#NOT_FOUND}, and the caller reads the fallback tag instead.
     */
    public Manifest referrers(String host, String repository, String digest) throws IOException, RegistryException {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode merged = null;
        String next = baseUrl(host) + "/v2/" + repository + "/referrers/" + digest;
        int listed = 0;
        while (next != null) {
            String url = next;
            String[] link = new String[1];
            byte[] body = withRetries(host, repository, "referrers of " + digest, () -> {
                HttpURLConnection connection = request("GET", url, host, repository, Map.of("Accept", Manifest.OCI_INDEX));
                try (InputStream in = new BoundedBody(connection.getInputStream(), Manifest.MAX_BYTES, RequestDeadline.current())) {
                    link[0] = connection.getHeaderField("Link");
                    return in.readAllBytes();
                } catch (BoundedBody.TooLarge e) {
                    throw new RegistryException(RegistryException.Kind.UNSUPPORTED, "the registry sent more than " + Manifest.MAX_BYTES
                            + " bytes for one page of the referrers of " + describe(host, repository, digest));
                } finally {
                    connection.disconnect();
                }
            });
            com.fasterxml.jackson.databind.JsonNode page;
            try {
                page = json.readTree(body);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new RegistryException(RegistryException.Kind.UNSUPPORTED, "the referrers of " + describe(host, repository, digest)
                        + " are not JSON: " + e.getOriginalMessage());
            }
            if (merged == null) {
                if (link[0] == null) {
                    return Manifest.of(body, Manifest.OCI_INDEX); // one page: the registry's own bytes
                }
                merged = (com.fasterxml.jackson.databind.node.ObjectNode) page;
            } else {
                merged.withArray("manifests").addAll((com.fasterxml.jackson.databind.node.ArrayNode) page.path("manifests"));
            }
            listed += page.path("manifests").size();
            if (listed > MAX_REFERRERS) {
                throw new RegistryException(RegistryException.Kind.UNSUPPORTED, describe(host, repository, digest) + " has more than "
                        + MAX_REFERRERS + " referrers");
            }
            next = nextPage(link[0], url);
        }
        return Manifest.of(json.writeValueAsBytes(merged), Manifest.OCI_INDEX);
    }

    /** The most tags read for one repository (pages of the list together): a bound against a hostile registry. */
    static final int MAX_TAGS = 100_000;

    /**
     * The repository's tags ({@code /v2/<name>/tags/list}), page after page as the {@code Link} header
     * says, each page bounded like a manifest.
     */
    public List<String> tags(String host, String repository) throws RegistryException {
        List<String> tags = new java.util.ArrayList<>();
        String next = baseUrl(host) + "/v2/" + repository + "/tags/list";
        while (next != null) {
            String url = next;
            String[] link = new String[1];
            List<String> page = withRetries(host, repository, "tags", () -> {
                HttpURLConnection connection = request("GET", url, host, repository, Map.of("Accept", "application/json"));
                try (InputStream in = new BoundedBody(connection.getInputStream(), Manifest.MAX_BYTES, RequestDeadline.current())) {
                    com.fasterxml.jackson.databind.JsonNode root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(in.readAllBytes());
                    List<String> found = new java.util.ArrayList<>();
                    root.path("tags").forEach(tag -> found.add(tag.asText()));
                    link[0] = connection.getHeaderField("Link");
                    return found;
                } catch (BoundedBody.TooLarge e) {
                    throw new RegistryException(RegistryException.Kind.UNSUPPORTED, "the registry sent more than " + Manifest.MAX_BYTES
                            + " bytes for one page of the tags of " + describe(host, repository, null));
                } finally {
                    connection.disconnect();
                }
            });
            tags.addAll(page);
            if (tags.size() > MAX_TAGS) {
                throw new RegistryException(RegistryException.Kind.UNSUPPORTED, describe(host, repository, null) + " has more than "
                        + MAX_TAGS + " tags; name an exact version instead of a range");
            }
            next = nextPage(link[0], url);
        }
        return tags;
    }

    /** The URL of a {@code Link: </v2/...?last=x>; rel="next"} header, on the same host; null at the end. */
    static String nextPage(String link, String current) {
        if (link == null) {
            return null;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?").matcher(link);
        if (!m.find()) {
            return null;
        }
        java.net.URI base = java.net.URI.create(current);
        java.net.URI resolved = base.resolve(m.group(1));
        // a registry may not send the client elsewhere with its credentials
        return resolved.getHost() != null && resolved.getHost().equals(base.getHost()) && resolved.getPort() == base.getPort()
                ? resolved.toString() : null;
    }

    // ---- blobs ----

    /**
     * Streams a blob into {@code target} (a temporary file the caller moves into place), computing
     * its sha256 on the way; the file is deleted and an exception thrown unless digest and size match.
     */
    public long blob(String host, String repository, String digest, long expectedSize, Path target) throws RegistryException {
        String url = baseUrl(host) + "/v2/" + repository + "/blobs/" + digest;
        // stop one byte past the size the manifest declares: a server may not make the cache hold more
        long limit = expectedSize >= 0 ? expectedSize : MAX_UNSIZED_BLOB_BYTES;
        return withRetries("fetch", host, repository, digest, options.deadlineFor(limit), options.explainDeadline(limit), () -> {
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
                try (InputStream in = new BoundedBody(connection.getInputStream(), limit, RequestDeadline.current());
                     OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                    int read;
                    while ((read = in.read(buffer)) > 0) {
                        sha.update(buffer, 0, read);
                        out.write(buffer, 0, read);
                        written += read;
                    }
                } catch (BoundedBody.TooLarge e) {
                    throw tooLargeBlob(host, repository, digest, expectedSize);
                }
                if (expectedSize >= 0 && written < expectedSize) {
                    throw new IOException("truncated blob " + digest + ": " + written + " of " + expectedSize + " bytes");
                }
                String actual = Digests.format(sha);
                if (!actual.equals(digest) || (expectedSize >= 0 && written != expectedSize)) {
                    Files.deleteIfExists(target);
                    throw new RegistryException(RegistryException.Kind.DIGEST_MISMATCH, "the registry served blob " + digest
                            + " of " + describe(host, repository, null) + " with the wrong content (" + actual + ", "
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

    private static RegistryException tooLargeBlob(String host, String repository, String digest, long expectedSize) {
        if (expectedSize < 0) {
            return new RegistryException(RegistryException.Kind.UNSUPPORTED, "blob " + digest + " of " + describe(host, repository, null)
                    + " has no size in its manifest (an invalid manifest) and the registry sent more than "
                    + MAX_UNSIZED_BLOB_BYTES + " bytes, the most read for a blob of unknown size; nothing was stored");
        }
        return new RegistryException(RegistryException.Kind.DIGEST_MISMATCH, "the registry sent more than the " + expectedSize
                + " bytes the manifest declares for blob " + digest + " of " + describe(host, repository, null)
                + "; the download was stopped there and nothing was stored");
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

    /** Kinds of refusal after which a mount is given up for an ordinary upload. */
    private static final Set<RegistryException.Kind> MOUNT_REFUSALS = Set.of(RegistryException.Kind.UNAUTHORIZED,
            RegistryException.Kind.FORBIDDEN, RegistryException.Kind.NOT_FOUND, RegistryException.Kind.UNSUPPORTED);

    /**
     * How a blob got into the repository.
     *
     * @param mountedFrom the repository of the same registry it was mounted from, or null when its bytes were uploaded
     * @param notes       why mounts or chunked uploads did not work out, for a debug log (never credentials)
     */
    public record BlobPush(String mountedFrom, List<String> notes) {
        public boolean mounted() {
            return mountedFrom != null;
        }
    }

    /**
     * Makes a blob available in {@code repository}: by mounting it from one of {@code mountFrom}
     * (repositories of this same registry; the bytes do not travel) when the registry agrees, else by
     * uploading {@code file} — in one request up to {@code chunkSize} bytes, in chunks of
     * {@code chunkSize} above that, resuming where the registry stands after a failed chunk.
     */
    public BlobPush pushBlob(String host, String repository, String digest, Path file, List<String> mountFrom, long chunkSize)
            throws RegistryException, IOException {
        if (chunkSize <= 0) {
            throw new IllegalArgumentException("chunk size must be positive: " + chunkSize);
        }
        List<String> notes = new ArrayList<>();
        String openUpload = null; // an upload the registry opened instead of mounting: used, not left behind
        for (String from : mountFrom) {
            if (from.equals(repository)) {
                continue;
            }
            String uploadLocation;
            try {
                uploadLocation = mount(host, repository, digest, from);
            } catch (RegistryException e) {
                if (!MOUNT_REFUSALS.contains(e.kind())) {
                    throw e;
                }
                notes.add("mounting " + digest + " from " + from + " was refused (" + e.getMessage() + "); uploading instead");
                continue;
            }
            if (openUpload != null) {
                cancelUpload(host, repository, openUpload); // at most one open upload per blob
            }
            if (uploadLocation == null) {
                return new BlobPush(from, List.copyOf(notes));
            }
            notes.add(host + " did not mount " + digest + " from " + from + " (not there, or not shared); it opened an upload instead");
            openUpload = uploadLocation;
        }
        long size = Files.size(file);
        if (size > chunkSize) {
            uploadInChunks(host, repository, digest, file, size, chunkSize, openUpload, notes);
        } else {
            uploadWhole(host, repository, digest, file, size, openUpload);
        }
        return new BlobPush(null, List.copyOf(notes));
    }

    /** The upload location of a mount the registry did not do (202), or null when it mounted the blob (201). */
    private String mount(String host, String repository, String digest, String from) throws RegistryException {
        String url = uploadsUrl(host, repository) + "?mount=" + URLEncoder.encode(digest, StandardCharsets.UTF_8)
                + "&from=" + URLEncoder.encode(from, StandardCharsets.UTF_8);
        // one token for both: push where the blob goes, pull where it comes from (the registry checks both)
        String scope = pushScope(repository) + " repository:" + from + ":pull";
        return withRetries("push", host, repository, digest, () -> {
            HttpURLConnection post = request("POST", url, host, repository, scope, Map.of(), null);
            try {
                if (post.getResponseCode() == 201) {
                    String mounted = post.getHeaderField("Docker-Content-Digest");
                    if (mounted != null && !mounted.equals(digest)) {
                        throw new RegistryException(RegistryException.Kind.DIGEST_MISMATCH, host + " mounted " + mounted
                                + " into " + repository + " when asked for " + digest);
                    }
                    return null;
                }
                return uploadLocation(host, repository, post);
            } finally {
                post.disconnect();
            }
        });
    }

    private String uploadsUrl(String host, String repository) {
        return baseUrl(host) + "/v2/" + repository + "/blobs/uploads/";
    }

    /** Opens an upload session (POST) and returns its location. */
    private String startUpload(String host, String repository) throws IOException, RegistryException {
        HttpURLConnection post = request("POST", uploadsUrl(host, repository), host, repository, pushScope(repository), Map.of(), null);
        try {
            return uploadLocation(host, repository, post);
        } finally {
            post.disconnect();
        }
    }

    private String uploadLocation(String host, String repository, HttpURLConnection response) throws RegistryException {
        String location = response.getHeaderField("Location");
        if (location == null) {
            throw new RegistryException(RegistryException.Kind.UNSUPPORTED, host + " gave no upload location for " + repository);
        }
        return URI.create(uploadsUrl(host, repository)).resolve(location).toString();
    }

    private static String withDigest(String location, String digest) {
        return location + (location.contains("?") ? "&" : "?") + "digest=" + URLEncoder.encode(digest, StandardCharsets.UTF_8);
    }

    /** Abandons an upload session; the registry would purge it eventually, this just says so now. */
    private void cancelUpload(String host, String repository, String location) {
        try (RequestDeadline deadline = RequestDeadline.start(options.requestTimeout(), options.explainDeadline(0))) {
            request("DELETE", location, host, repository, pushScope(repository), Map.of(), null).disconnect();
        } catch (IOException | RegistryException e) {
            // best effort: registries purge abandoned uploads on their own
        }
    }

    /** Monolithic upload: the whole blob in one PUT; a retry opens a fresh upload (the failed one may hold part of it). */
    private void uploadWhole(String host, String repository, String digest, Path file, long size, String openUpload)
            throws RegistryException {
        String[] upload = {openUpload};
        withRetries("push", host, repository, digest, options.deadlineFor(size), options.explainDeadline(size), () -> {
            String location = upload[0] != null ? upload[0] : startUpload(host, repository);
            upload[0] = null;
            request("PUT", withDigest(location, digest), host, repository, pushScope(repository), Map.of(),
                    new Body("application/octet-stream", size, () -> Files.newInputStream(file))).disconnect();
            return null;
        });
    }

    /** A registry (or a proxy before it) that does not take PATCH uploads. */
    private static final class ChunkRejected extends Exception {
        ChunkRejected(String message) {
            super(message);
        }
    }

    /** Where an upload stands: its current location and how many bytes the registry holds. */
    private record UploadState(String location, long received) {
    }

    /**
     * Chunked upload: PATCH after PATCH with {@code Content-Range}, each to the location the last
     * response named, then a PUT with the digest. After a failed chunk (reset, timeout, 5xx) the
     * registry is asked how much it has (GET, {@code Range: 0-<last>}) and the upload goes on from
     * there; only when the registry lost the upload does it start again from byte 0. Failures in a
     * row count against the retry limit; a chunk that gets through resets the count.
     */
    private void uploadInChunks(String host, String repository, String digest, Path file, long size, long chunkSize,
                                String openUpload, List<String> notes) throws RegistryException, IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            String location = openUpload != null ? openUpload : withRetries("push", host, repository, digest, () -> startUpload(host, repository));
            long offset = 0;
            boolean askWhereItStands = false;
            int failures = 0;
            long backoff = options.initialBackoff().toMillis();
            while (true) {
                long chunkBytes = Math.min(size, chunkSize);
                try (RequestDeadline deadline = RequestDeadline.start(options.deadlineFor(chunkBytes), options.explainDeadline(chunkBytes))) {
                    try {
                        if (askWhereItStands) {
                            UploadState state = uploadState(host, repository, location, size);
                            if (state == null) {
                                notes.add(host + " lost the upload of " + digest + " at byte " + offset + "; starting it again");
                                cancelUpload(host, repository, location);
                                location = startUpload(host, repository);
                                offset = 0;
                            } else {
                                location = state.location();
                                offset = state.received();
                            }
                            askWhereItStands = false;
                        }
                        if (offset >= size) {
                            break;
                        }
                        UploadState next = sendChunk(host, repository, location, channel, offset, Math.min(size, offset + chunkSize));
                        location = next.location();
                        offset = next.received();
                        failures = 0;
                        backoff = options.initialBackoff().toMillis();
                    } catch (IOException e) {
                        throw deadline.explain(e);
                    }
                } catch (SSLException e) {
                    throw tlsFailure(host, e);
                } catch (ChunkRejected e) {
                    notes.add(host + " does not take chunked uploads (" + e.getMessage() + "); sending " + digest + " in one request");
                    cancelUpload(host, repository, location);
                    uploadWhole(host, repository, digest, file, size, null);
                    return;
                } catch (RequestDeadline.Exceeded e) {
                    throw new RegistryException(RegistryException.Kind.TRANSIENT, "cannot upload blob " + digest + " to "
                            + describe(host, repository, null) + ": " + e.getMessage(), e);
                } catch (IOException e) {
                    failures++;
                    if (failures >= options.maxAttempts()) {
                        throw new RegistryException(RegistryException.Kind.TRANSIENT, "cannot upload blob " + digest + " to "
                                + describe(host, repository, null) + " after " + failures + " attempts in a row: " + e.getMessage(), e);
                    }
                    notes.add("chunk of " + digest + " at byte " + offset + " failed (" + e.getMessage() + "); asking " + host
                            + " where the upload stands");
                    long wait = e instanceof RetryableStatus status && status.retryAfterMillis > 0 ? status.retryAfterMillis : backoff;
                    sleep(Math.min(wait, 30_000));
                    backoff *= 2;
                    askWhereItStands = true;
                }
            }
            String finish = withDigest(location, digest);
            try {
                withRetries("push", host, repository, digest, () -> {
                    request("PUT", finish, host, repository, pushScope(repository), Map.of(), null).disconnect();
                    return null;
                });
            } catch (RegistryException e) {
                // a retried PUT finds no upload when the first one completed it but its answer was lost
                if (e.kind() != RegistryException.Kind.NOT_FOUND || !hasBlob(host, repository, digest)) {
                    throw e;
                }
            }
        }
    }

    /** Where an upload stands (GET on its location), or null when the registry no longer has it or cannot say. */
    private UploadState uploadState(String host, String repository, String location, long size) throws IOException, RegistryException {
        HttpURLConnection connection;
        try {
            connection = request("GET", location, host, repository, pushScope(repository), Map.of(), null);
        } catch (RegistryException e) {
            // 404: unknown or expired upload; 400: docker-distribution drops an upload whose state token
            // is older than the bytes it holds (a chunk that got in although its answer never came back)
            if (e.kind() == RegistryException.Kind.NOT_FOUND || e.kind() == RegistryException.Kind.UNSUPPORTED) {
                return null;
            }
            throw e;
        }
        try {
            long received = receivedBytes(connection.getHeaderField("Range"));
            // "0-0" is both "nothing" and "one byte": only a fresh upload is certain then
            if (received <= 1 || received > size) {
                return null;
            }
            String next = connection.getHeaderField("Location");
            return new UploadState(next == null ? location : URI.create(location).resolve(next).toString(), received);
        } finally {
            connection.disconnect();
        }
    }

    /** Bytes a registry holds according to its {@code Range: 0-<last>} header; -1 when absent or unreadable. */
    static long receivedBytes(String range) {
        if (range == null) {
            return -1;
        }
        Matcher matcher = Pattern.compile("(?:bytes=)?0-(\\d+)").matcher(range.strip());
        return matcher.matches() ? Long.parseLong(matcher.group(1)) + 1 : -1;
    }

    /**
     * PATCHes bytes [start, end) of the blob to the upload. HttpURLConnection knows no PATCH, so this
     * one request type goes through java.net.http, with the same auth, proxy and origin rules.
     */
    private UploadState sendChunk(String host, String repository, String location, FileChannel channel, long start, long end)
            throws IOException, RegistryException, ChunkRejected {
        String scope = pushScope(repository);
        boolean sameOrigin = sameOrigin(URI.create(location).toURL(), URI.create(baseUrl(host)).toURL());
        String authorization = auth.cachedAuthorization(host, scope);
        boolean challenged = false;
        while (true) {
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(location))
                    .timeout(chunkTimeout(end - start))
                    .header("User-Agent", USER_AGENT)
                    .header("Content-Type", "application/octet-stream")
                    .header("Content-Range", start + "-" + (end - 1))
                    .method("PATCH", HttpRequest.BodyPublishers.fromPublisher(
                            HttpRequest.BodyPublishers.ofInputStream(() -> new FileSlice(channel, start, end)), end - start));
            if (authorization != null && sameOrigin) {
                builder.header("Authorization", authorization);
            }
            HttpResponse<InputStream> response;
            try {
                response = patchClient(URI.create(location).getAuthority()).send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryException(RegistryException.Kind.TRANSIENT, "interrupted");
            }
            int status = response.statusCode();
            String body;
            RequestDeadline.current().watch(response.body()); // java.net.http has no read timeout: a silent body waits for this
            try (InputStream in = response.body()) {
                body = new String(in.readNBytes(MAX_ERROR_BYTES), StandardCharsets.UTF_8);
            }
            Function<String, String> header = name -> response.headers().firstValue(name).orElse(null);
            if (status >= 200 && status < 300) {
                String next = header.apply("Location");
                if (next == null) {
                    throw new ChunkRejected("no upload location after a chunk");
                }
                long received = receivedBytes(header.apply("Range"));
                // trust the registry's count when it gives one that makes sense, else what was sent
                long offset = received > start && received <= end ? received : end;
                return new UploadState(URI.create(location).resolve(next).toString(), offset);
            }
            if (status == 401 && !challenged) {
                challenged = true;
                authorization = auth.answerChallenge(host, scope, header.apply("WWW-Authenticate"));
                continue;
            }
            if (status == 401 || status == 403 || status == 404 || status == 429 || status >= 500) {
                throw statusException(status, header, host, repository, location, body);
            }
            throw new ChunkRejected("HTTP " + status + " on PATCH" + registryError(body));
        }
    }

    /**
     * The time a chunk may take until its answer: java.net.http counts the whole exchange (sending the
     * body included), not the silence between two reads, so this is the chunk's deadline.
     */
    private Duration chunkTimeout(long length) {
        return options.deadlineFor(length);
    }

    private volatile HttpClient patchClient;
    /** Clients for registries with certs.d certificates: java.net.http takes its TLS context per client. */
    private final Map<String, HttpClient> tlsPatchClients = new java.util.concurrent.ConcurrentHashMap<>();

    private HttpClient patchClient(String hostWithPort) throws RegistryException {
        Optional<javax.net.ssl.SSLContext> context = options.tls() == null ? Optional.empty() : options.tls().contextFor(hostWithPort);
        if (context.isEmpty()) {
            return patchClient();
        }
        return tlsPatchClients.computeIfAbsent(hostWithPort, key -> HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(options.timeout()).proxy(proxySelector())
                .sslContext(context.get()).build());
    }

    private ProxySelector proxySelector() {
        return new ProxySelector() {
            @Override
            public List<java.net.Proxy> select(URI uri) {
                return List.of(options.proxies().apply(uri.getHost()));
            }

            @Override
            public void connectFailed(URI uri, java.net.SocketAddress address, IOException e) {
                // the request fails and is retried like any other
            }
        };
    }

    private HttpClient patchClient() {
        HttpClient client = patchClient;
        if (client == null) {
            synchronized (this) {
                if (patchClient == null) {
                    ProxySelector proxies = new ProxySelector() {
                        @Override
                        public List<java.net.Proxy> select(URI uri) {
                            return List.of(options.proxies().apply(uri.getHost()));
                        }

                        @Override
                        public void connectFailed(URI uri, java.net.SocketAddress address, IOException e) {
                            // the request fails and is retried like any other
                        }
                    };
                    patchClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(options.timeout()).proxy(proxies).build();
                }
                client = patchClient;
            }
        }
        return client;
    }

    /** Bytes [start, end) of a file, read at absolute positions: slices never share a file position, and nothing is buffered beyond a read. */
    private static final class FileSlice extends InputStream {
        private final FileChannel channel;
        private final long end;
        private long position;

        FileSlice(FileChannel channel, long start, long end) {
            this.channel = channel;
            this.position = start;
            this.end = end;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (position >= end) {
                return -1;
            }
            int read = channel.read(ByteBuffer.wrap(buffer, offset, (int) Math.min(length, end - position)), position);
            if (read < 0) {
                throw new EOFException("the blob file ended at byte " + position + " while uploading it");
            }
            position += read;
            return read;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }
    }

    /** Puts a manifest or index, as its exact bytes, under a tag or its digest. */
    /**
     * @return whether the registry says it indexed the manifest by its {@code subject} (the {@code OCI-Subject}
     * header of a registry with the referrers API); without it, a referrer is listed under the fallback tag
     */
    public boolean pushManifest(String host, String repository, String reference, byte[] bytes, String mediaType) throws RegistryException {
        String url = baseUrl(host) + "/v2/" + repository + "/manifests/" + reference;
        return withRetries("push", host, repository, reference, options.deadlineFor(bytes.length), options.explainDeadline(bytes.length), () -> {
            HttpURLConnection connection = request("PUT", url, host, repository, pushScope(repository), Map.of(),
                    new Body(mediaType, bytes.length, () -> new java.io.ByteArrayInputStream(bytes)));
            String served = connection.getHeaderField("Docker-Content-Digest");
            String subject = connection.getHeaderField("OCI-Subject");
            connection.disconnect();
            if (served != null && Digests.isSha256(served) && !served.equals(Digests.of(bytes))) {
                throw new RegistryException(RegistryException.Kind.DIGEST_MISMATCH, host + " stored the manifest of " + repository
                        + " under " + served + " instead of " + Digests.of(bytes));
            }
            return subject != null && Digests.isSha256(subject.strip());
        });
    }

    // ---- HTTP, auth and retries ----

    @FunctionalInterface
    private interface Call<T> {
        T run() throws IOException, RegistryException;
    }

    /** Thrown inside a call for an HTTP status that may succeed later. */
    static final class RetryableStatus extends IOException {
        final long retryAfterMillis;

        RetryableStatus(String message, long retryAfterMillis) {
            super(message);
            this.retryAfterMillis = retryAfterMillis;
        }
    }

    private <T> T withRetries(String host, String repository, String reference, Call<T> call) throws RegistryException {
        return withRetries("fetch", host, repository, reference, call);
    }

    private <T> T withRetries(String verb, String host, String repository, String reference, Call<T> call) throws RegistryException {
        return withRetries(verb, host, repository, reference, options.requestTimeout(), options.explainDeadline(0), call);
    }

    /**
     * Runs a call, retrying transient failures with backoff; {@code verb} says what failed in the final
     * message. Each attempt must end within {@code deadline}; one that does not is not retried.
     */
    private <T> T withRetries(String verb, String host, String repository, String reference, Duration deadline, String explanation,
                              Call<T> call) throws RegistryException {
        long backoff = options.initialBackoff().toMillis();
        IOException last = null;
        for (int attempt = 1; attempt <= options.maxAttempts(); attempt++) {
            try (RequestDeadline attemptDeadline = RequestDeadline.start(deadline, explanation)) {
                try {
                    return call.run();
                } catch (IOException e) {
                    throw attemptDeadline.explain(e);
                }
            } catch (RequestDeadline.Exceeded e) {
                throw new RegistryException(RegistryException.Kind.TRANSIENT, "cannot " + verb + " " + describe(host, repository, reference)
                        + ": " + e.getMessage() + "; the registry (or the network) is too slow or stalls", e);
            } catch (BoundedBody.TooLarge e) {
                // callers say which body; this is the backstop for a limit they did not explain
                throw new RegistryException(RegistryException.Kind.UNSUPPORTED, "cannot " + verb + " " + describe(host, repository, reference)
                        + ": the registry sent " + e.getMessage() + " where no more is expected", e);
            } catch (SSLException e) {
                throw tlsFailure(host, e);
            } catch (IOException e) {
                if (Thread.currentThread().isInterrupted()) {
                    // the build is stopping (its download pool was shut down): no more attempts
                    throw new RegistryException(RegistryException.Kind.TRANSIENT, "cannot " + verb + " "
                            + describe(host, repository, reference) + ": interrupted", e);
                }
                last = e;
                if (attempt == options.maxAttempts()) {
                    break;
                }
                long wait = e instanceof RetryableStatus status && status.retryAfterMillis > 0 ? status.retryAfterMillis : backoff;
                sleep(Math.min(wait, 30_000));
                backoff *= 2;
            }
        }
        throw new RegistryException(RegistryException.Kind.TRANSIENT, "cannot " + verb + " " + describe(host, repository, reference)
                + " after " + options.maxAttempts() + " attempts: " + (last == null ? "" : last.getMessage()), last);
    }

    private static RegistryException tlsFailure(String host, SSLException e) {
        return new RegistryException(RegistryException.Kind.TLS, "TLS with " + host + " failed (" + e.getMessage()
                + "); if the registry uses a private CA, put it in /etc/containers/certs.d/" + host + "/ca.crt (or a"
                + " <certsDirectories> entry), as for podman and skopeo; only if it is a test registry, list it under"
                + " <insecureRegistries>", e);
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
        String authorization = auth.cachedAuthorization(host, scope);
        String currentUrl = url;
        boolean challenged = false;
        // credentials go to the registry's own origin only: not to a redirect target, nor to an upload
        // location the registry names on another server
        URL registry = URI.create(baseUrl(host)).toURL();
        for (int hop = 0; hop < 10; hop++) {
            URL target = URI.create(currentUrl).toURL();
            boolean sameOrigin = sameOrigin(target, registry);
            HttpURLConnection connection = (HttpURLConnection) target.openConnection(options.proxies().apply(target.getHost()));
            RegistryTls.configure(options, connection);
            connection.setRequestMethod(method);
            connection.setInstanceFollowRedirects(false);
            connection.setConnectTimeout((int) options.timeout().toMillis());
            connection.setReadTimeout((int) options.timeout().toMillis());
            connection.setRequestProperty("User-Agent", USER_AGENT);
            headers.forEach(connection::setRequestProperty);
            if (authorization != null && sameOrigin) {
                connection.setRequestProperty("Authorization", authorization);
            }
            boolean sendsBody = body != null || method.equals("POST") || method.equals("PUT");
            if (sendsBody) {
                connection.setDoOutput(true);
                connection.setFixedLengthStreamingMode(body != null ? body.length() : 0);
            }
            if (body != null) {
                connection.setRequestProperty("Content-Type", body.contentType());
            }
            RequestDeadline.connect(connection);
            if (body != null) {
                try (OutputStream out = connection.getOutputStream(); InputStream in = body.opener().open()) {
                    in.transferTo(out);
                }
            } else if (sendsBody) {
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
                authorization = auth.answerChallenge(host, scope, challenge);
                continue;
            }
            String errorBody = errorBody(connection);
            connection.disconnect();
            throw statusException(status, connection::getHeaderField, host, repository, url, errorBody);
        }
        throw new IOException("too many redirects for " + url);
    }

    /** Scheme, host and port all equal: credentials never follow a redirect to another server, even on the same host. */
    static boolean sameOrigin(URL a, URL b) {
        int portA = a.getPort() < 0 ? a.getDefaultPort() : a.getPort();
        int portB = b.getPort() < 0 ? b.getDefaultPort() : b.getPort();
        return a.getProtocol().equalsIgnoreCase(b.getProtocol()) && a.getHost().equalsIgnoreCase(b.getHost()) && portA == portB;
    }

    private IOException statusException(int status, Function<String, String> header, String host, String repository, String url,
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
                    return new RetryableStatus("HTTP " + status + " from " + host + registryError(body), retryAfter(header));
                }
                throw new RegistryException(RegistryException.Kind.UNSUPPORTED, "HTTP " + status + " from " + host + " for " + what
                        + registryError(body));
            }
        }
    }

    static long retryAfter(Function<String, String> header) {
        String value = header.apply("Retry-After");
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

    static String errorBody(HttpURLConnection connection) {
        try (InputStream error = connection.getErrorStream()) {
            // only the start of it is shown: the rest is never read, however much the server has
            return error == null ? "" : new String(error.readNBytes(MAX_ERROR_BYTES), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    static void drain(HttpURLConnection connection) {
        errorBody(connection);
    }

    static String describe(String host, String repository, String reference) {
        String name = host + "/" + repository;
        if (reference == null) {
            return name;
        }
        return reference.startsWith("sha256:") ? name + "@" + reference : name + ":" + reference;
    }
}
