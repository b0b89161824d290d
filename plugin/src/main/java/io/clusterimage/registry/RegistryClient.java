package io.clusterimage.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterimage.core.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small client of the registry HTTP API (distribution v2 / OCI) that does exactly what saving and
 * pushing need: manifests as the raw bytes served, tags and referrers listed, blobs streamed to disk and
 * verified while streaming; pushing (mounts, whole and resumable chunked uploads, manifests) is
 * {@link BlobUploads}', requests, auth, TLS, retries and deadlines are {@link RegistryTransport}'s.
 * No request reads more than it expects ({@link BoundedBody}). Thread-safe: one instance serves all
 * downloads of a build.
 */
public final class RegistryClient {

    /** A blob whose manifest gives no size (invalid: OCI requires one) is still not read without end. */
    static final long MAX_UNSIZED_BLOB_BYTES = 1024L * 1024 * 1024;

    private final RegistryOptions options;
    private final RegistryTransport transport;
    private final BlobUploads uploads;

    public RegistryClient(RegistryOptions options) {
        this.options = options;
        this.transport = new RegistryTransport(options);
        this.uploads = new BlobUploads(transport);
    }

    public RegistryOptions options() {
        return options;
    }

    // ---- manifests ----

    /**
     * Fetches a manifest by tag or digest; the bytes are checked against the digest asked for, or
     * against the registry's Docker-Content-Digest header for a tag.
     */
    public Manifest manifest(String host, String repository, String reference) throws RegistryException {
        String url = transport.baseUrl(host) + "/v2/" + repository + "/manifests/" + reference;
        return transport.withRetries(host, repository, reference, () -> {
            HttpURLConnection connection = transport.request("GET", url, host, repository, Map.of("Accept", Manifest.ACCEPT));
            try {
                byte[] body;
                try (InputStream in = new BoundedBody(connection.getInputStream(), Manifest.MAX_BYTES, RequestDeadline.current())) {
                    body = in.readAllBytes();
                } catch (BoundedBody.TooLarge e) {
                    throw new RegistryException(RegistryException.Kind.UNSUPPORTED, "the registry sent more than " + Manifest.MAX_BYTES
                            + " bytes for the manifest of " + RegistryTransport.describe(host, repository, reference)
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
                            + RegistryTransport.describe(host, repository, reference) + " whose sha256 is " + actual + ", not " + expected);
                }
                Manifest manifest = Manifest.of(body, connection.getContentType());
                if (manifest.mediaType().startsWith("application/vnd.docker.distribution.manifest.v1+")) {
                    throw new RegistryException(RegistryException.Kind.UNSUPPORTED, RegistryTransport.describe(host, repository, reference)
                            + " only has a schema 1 manifest, which registries no longer serve to clients; re-push it with a current tool");
                }
                return manifest;
            } finally {
                RequestDeadline.release(connection);
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
        ObjectNode merged = null;
        String next = transport.baseUrl(host) + "/v2/" + repository + "/referrers/" + digest;
        int listed = 0;
        while (next != null) {
            String url = next;
            String[] link = new String[1];
            byte[] body = transport.withRetries(host, repository, "referrers of " + digest, () -> {
                HttpURLConnection connection = transport.request("GET", url, host, repository, Map.of("Accept", Manifest.OCI_INDEX));
                try (InputStream in = new BoundedBody(connection.getInputStream(), Manifest.MAX_BYTES, RequestDeadline.current())) {
                    link[0] = connection.getHeaderField("Link");
                    return in.readAllBytes();
                } catch (BoundedBody.TooLarge e) {
                    throw new RegistryException(RegistryException.Kind.UNSUPPORTED, "the registry sent more than " + Manifest.MAX_BYTES
                            + " bytes for one page of the referrers of " + RegistryTransport.describe(host, repository, digest));
                } finally {
                    RequestDeadline.release(connection);
                }
            });
            JsonNode page;
            try {
                page = Json.MAPPER.readTree(body);
            } catch (JsonProcessingException e) {
                throw new RegistryException(RegistryException.Kind.UNSUPPORTED, "the referrers of " + RegistryTransport.describe(host, repository, digest)
                        + " are not JSON: " + e.getOriginalMessage());
            }
            if (merged == null) {
                if (link[0] == null) {
                    return Manifest.of(body, Manifest.OCI_INDEX); // one page: the registry's own bytes
                }
                merged = (ObjectNode) page;
            } else {
                merged.withArray("manifests").addAll((ArrayNode) page.path("manifests"));
            }
            listed += page.path("manifests").size();
            if (listed > MAX_REFERRERS) {
                throw new RegistryException(RegistryException.Kind.UNSUPPORTED, RegistryTransport.describe(host, repository, digest) + " has more than "
                        + MAX_REFERRERS + " referrers");
            }
            next = nextPage(link[0], url);
        }
        return Manifest.of(Json.MAPPER.writeValueAsBytes(merged), Manifest.OCI_INDEX);
    }

    /** The most tags read for one repository (pages of the list together): a bound against a hostile registry. */
    static final int MAX_TAGS = 100_000;

    /**
     * The repository's tags ({@code /v2/<name>/tags/list}), page after page as the {@code Link} header
     * says, each page bounded like a manifest.
     */
    public List<String> tags(String host, String repository) throws RegistryException {
        List<String> tags = new ArrayList<>();
        String next = transport.baseUrl(host) + "/v2/" + repository + "/tags/list";
        while (next != null) {
            String url = next;
            String[] link = new String[1];
            List<String> page = transport.withRetries(host, repository, "tags", () -> {
                HttpURLConnection connection = transport.request("GET", url, host, repository, Map.of("Accept", "application/json"));
                try (InputStream in = new BoundedBody(connection.getInputStream(), Manifest.MAX_BYTES, RequestDeadline.current())) {
                    JsonNode root = Json.MAPPER.readTree(in.readAllBytes());
                    List<String> found = new ArrayList<>();
                    root.path("tags").forEach(tag -> found.add(tag.asText()));
                    link[0] = connection.getHeaderField("Link");
                    return found;
                } catch (BoundedBody.TooLarge e) {
                    throw new RegistryException(RegistryException.Kind.UNSUPPORTED, "the registry sent more than " + Manifest.MAX_BYTES
                            + " bytes for one page of the tags of " + RegistryTransport.describe(host, repository, null));
                } finally {
                    RequestDeadline.release(connection);
                }
            });
            tags.addAll(page);
            if (tags.size() > MAX_TAGS) {
                throw new RegistryException(RegistryException.Kind.UNSUPPORTED, RegistryTransport.describe(host, repository, null) + " has more than "
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
        Matcher m = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?").matcher(link);
        if (!m.find()) {
            return null;
        }
        URI base = URI.create(current);
        URI resolved = base.resolve(m.group(1));
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
        String url = transport.baseUrl(host) + "/v2/" + repository + "/blobs/" + digest;
        // stop one byte past the size the manifest declares: a server may not make the cache hold more
        long limit = expectedSize >= 0 ? expectedSize : MAX_UNSIZED_BLOB_BYTES;
        return transport.withRetries("fetch", host, repository, digest, options.deadlineFor(limit), options.explainDeadline(limit), () -> {
            HttpURLConnection connection;
            try {
                connection = transport.request("GET", url, host, repository, Map.of());
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
                            + " of " + RegistryTransport.describe(host, repository, null) + " with the wrong content (" + actual + ", "
                            + written + " bytes); nothing was stored");
                }
                return written;
            } catch (IOException | RegistryException | RuntimeException e) {
                Files.deleteIfExists(target);
                throw e;
            } finally {
                RequestDeadline.release(connection);
            }
        });
    }

    private static RegistryException tooLargeBlob(String host, String repository, String digest, long expectedSize) {
        if (expectedSize < 0) {
            return new RegistryException(RegistryException.Kind.UNSUPPORTED, "blob " + digest + " of " + RegistryTransport.describe(host, repository, null)
                    + " has no size in its manifest (an invalid manifest) and the registry sent more than "
                    + MAX_UNSIZED_BLOB_BYTES + " bytes, the most read for a blob of unknown size; nothing was stored");
        }
        return new RegistryException(RegistryException.Kind.DIGEST_MISMATCH, "the registry sent more than the " + expectedSize
                + " bytes the manifest declares for blob " + digest + " of " + RegistryTransport.describe(host, repository, null)
                + "; the download was stopped there and nothing was stored");
    }

    // ---- pushing (BlobUploads) ----

    /** Whether the registry already has the blob in this repository (HEAD). */
    public boolean hasBlob(String host, String repository, String digest) throws RegistryException {
        return uploads.hasBlob(host, repository, digest);
    }

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
     * Puts a blob into {@code repository}: a mount from one of {@code mountFrom} when the registry allows it,
     * else an upload, whole or in chunks of {@code chunkSize}.
     */
    public BlobPush pushBlob(String host, String repository, String digest, Path file, List<String> mountFrom, long chunkSize)
            throws RegistryException, IOException {
        return uploads.pushBlob(host, repository, digest, file, mountFrom, chunkSize);
    }

    /** Puts a manifest under {@code reference}, as its exact bytes; whether the registry indexed it by its subject. */
    public boolean pushManifest(String host, String repository, String reference, byte[] bytes, String mediaType) throws RegistryException {
        return uploads.pushManifest(host, repository, reference, bytes, mediaType);
    }
}
