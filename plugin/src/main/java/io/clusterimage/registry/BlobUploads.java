package io.clusterimage.registry;


import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pushing to a registry: blobs checked (HEAD), mounted from another repository of the registry, uploaded
 * whole or in resumable chunks streamed from their files (PATCH through java.net.http), and manifests put
 * as their exact bytes; all through the {@link RegistryTransport}.
 */
final class BlobUploads {

    private final RegistryTransport transport;
    private final RegistryOptions options;

    BlobUploads(RegistryTransport transport) {
        this.transport = transport;
        this.options = transport.options();
    }

    private static String pushScope(String repository) {
        return "repository:" + repository + ":pull,push";
    }

    /** Whether the registry already has the blob in this repository (HEAD). */
    public boolean hasBlob(String host, String repository, String digest) throws RegistryException {
        String url = transport.baseUrl(host) + "/v2/" + repository + "/blobs/" + digest;
        try {
            return transport.withRetries(host, repository, digest, () -> {
                HttpURLConnection connection = transport.request("HEAD", url, host, repository, pushScope(repository), Map.of(), null);
                RequestDeadline.release(connection);
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
     * Makes a blob available in {@code repository}: by mounting it from one of {@code mountFrom}
     * (repositories of this same registry; the bytes do not travel) when the registry agrees, else by
     * uploading {@code file} — in one request up to {@code chunkSize} bytes, in chunks of
     * {@code chunkSize} above that, resuming where the registry stands after a failed chunk.
     */
    public RegistryClient.BlobPush pushBlob(String host, String repository, String digest, Path file, List<String> mountFrom, long chunkSize)
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
                return new RegistryClient.BlobPush(from, List.copyOf(notes));
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
        return new RegistryClient.BlobPush(null, List.copyOf(notes));
    }

    /** The upload location of a mount the registry did not do (202), or null when it mounted the blob (201). */
    private String mount(String host, String repository, String digest, String from) throws RegistryException {
        String url = uploadsUrl(host, repository) + "?mount=" + URLEncoder.encode(digest, StandardCharsets.UTF_8)
                + "&from=" + URLEncoder.encode(from, StandardCharsets.UTF_8);
        // one token for both: push where the blob goes, pull where it comes from (the registry checks both)
        String scope = pushScope(repository) + " repository:" + from + ":pull";
        return transport.withRetries("push", host, repository, digest, () -> {
            HttpURLConnection post = transport.request("POST", url, host, repository, scope, Map.of(), null);
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
                RequestDeadline.release(post);
            }
        });
    }

    private String uploadsUrl(String host, String repository) {
        return transport.baseUrl(host) + "/v2/" + repository + "/blobs/uploads/";
    }

    /** Opens an upload session (POST) and returns its location. */
    private String startUpload(String host, String repository) throws IOException, RegistryException {
        HttpURLConnection post = transport.request("POST", uploadsUrl(host, repository), host, repository, pushScope(repository), Map.of(), null);
        try {
            return uploadLocation(host, repository, post);
        } finally {
            RequestDeadline.release(post);
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
            RequestDeadline.release(transport.request("DELETE", location, host, repository, pushScope(repository), Map.of(), null));
        } catch (IOException | RegistryException e) {
            // best effort: registries purge abandoned uploads on their own
        }
    }

    /** Monolithic upload: the whole blob in one PUT; a retry opens a fresh upload (the failed one may hold part of it). */
    private void uploadWhole(String host, String repository, String digest, Path file, long size, String openUpload)
            throws RegistryException {
        String[] upload = {openUpload};
        transport.withRetries("push", host, repository, digest, options.deadlineFor(size), options.explainDeadline(size), () -> {
            String location = upload[0] != null ? upload[0] : startUpload(host, repository);
            upload[0] = null;
            RequestDeadline.release(transport.request("PUT", withDigest(location, digest), host, repository, pushScope(repository), Map.of(),
                    new RegistryTransport.Body("application/octet-stream", size, () -> Files.newInputStream(file))));
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
            String location = openUpload != null ? openUpload : transport.withRetries("push", host, repository, digest, () -> startUpload(host, repository));
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
                    throw RegistryTransport.tlsFailure(host, e);
                } catch (ChunkRejected e) {
                    notes.add(host + " does not take chunked uploads (" + e.getMessage() + "); sending " + digest + " in one request");
                    cancelUpload(host, repository, location);
                    uploadWhole(host, repository, digest, file, size, null);
                    return;
                } catch (RequestDeadline.Exceeded e) {
                    throw new RegistryException(RegistryException.Kind.TRANSIENT, "cannot upload blob " + digest + " to "
                            + RegistryTransport.describe(host, repository, null) + ": " + e.getMessage(), e);
                } catch (IOException e) {
                    failures++;
                    if (failures >= options.maxAttempts()) {
                        throw new RegistryException(RegistryException.Kind.TRANSIENT, "cannot upload blob " + digest + " to "
                                + RegistryTransport.describe(host, repository, null) + " after " + failures + " attempts in a row: " + e.getMessage(), e);
                    }
                    notes.add("chunk of " + digest + " at byte " + offset + " failed (" + e.getMessage() + "); asking " + host
                            + " where the upload stands");
                    long wait = e instanceof RegistryTransport.RetryableStatus status && status.retryAfterMillis > 0 ? status.retryAfterMillis : backoff;
                    RegistryTransport.sleep(Math.min(wait, 30_000));
                    backoff *= 2;
                    askWhereItStands = true;
                }
            }
            String finish = withDigest(location, digest);
            try {
                transport.withRetries("push", host, repository, digest, () -> {
                    RequestDeadline.release(transport.request("PUT", finish, host, repository, pushScope(repository), Map.of(), null));
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
            connection = transport.request("GET", location, host, repository, pushScope(repository), Map.of(), null);
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
            RequestDeadline.release(connection);
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
        boolean sameOrigin = RegistryTransport.sameOrigin(URI.create(location).toURL(), URI.create(transport.baseUrl(host)).toURL());
        String authorization = transport.auth().cachedAuthorization(host, scope);
        boolean challenged = false;
        while (true) {
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(location))
                    .timeout(chunkTimeout(end - start))
                    .header("User-Agent", RegistryTransport.USER_AGENT)
                    .header("Content-Type", "application/octet-stream")
                    .header("Content-Range", start + "-" + (end - 1))
                    .method("PATCH", HttpRequest.BodyPublishers.fromPublisher(
                            HttpRequest.BodyPublishers.ofInputStream(() -> new FileSlice(channel, start, end)), end - start));
            options.preemptiveProxyAuthorization(location).ifPresent(value -> builder.header("Proxy-Authorization", value));
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
                body = new String(in.readNBytes(RegistryTransport.MAX_ERROR_BYTES), StandardCharsets.UTF_8);
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
                authorization = transport.auth().answerChallenge(host, scope, header.apply("WWW-Authenticate"));
                continue;
            }
            if (status == 401 || status == 403 || status == 404 || status == 429 || status >= 500) {
                throw transport.statusException(status, header, host, repository, location, body);
            }
            throw new ChunkRejected("HTTP " + status + " on PATCH" + RegistryTransport.registryError(body));
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
    private final Map<String, HttpClient> tlsPatchClients = new ConcurrentHashMap<>();

    private HttpClient patchClient(String hostWithPort) throws RegistryException {
        Optional<SSLContext> context = options.tls() == null ? Optional.empty() : options.tls().contextFor(hostWithPort);
        if (context.isEmpty()) {
            return patchClient();
        }
        return tlsPatchClients.computeIfAbsent(hostWithPort, key -> clientBuilder().sslContext(context.get()).build());
    }

    /** A client for chunk uploads: HTTP/1.1, no redirects, the proxies of the options (and their credentials). */
    private HttpClient.Builder clientBuilder() {
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(options.timeout()).proxy(proxySelector());
        Authenticator authenticator = options.proxyAuthenticator();
        return authenticator == null ? builder : builder.authenticator(authenticator);
    }

    private ProxySelector proxySelector() {
        return new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                return List.of(options.proxies().apply(uri.getHost()));
            }

            @Override
            public void connectFailed(URI uri, SocketAddress address, IOException e) {
                // the request fails and is retried like any other
            }
        };
    }

    private HttpClient patchClient() {
        HttpClient client = patchClient;
        if (client == null) {
            synchronized (this) {
                if (patchClient == null) {
                    patchClient = clientBuilder().build();
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
        String url = transport.baseUrl(host) + "/v2/" + repository + "/manifests/" + reference;
        return transport.withRetries("push", host, repository, reference, options.deadlineFor(bytes.length), options.explainDeadline(bytes.length), () -> {
            HttpURLConnection connection = transport.request("PUT", url, host, repository, pushScope(repository), Map.of(),
                    new RegistryTransport.Body(mediaType, bytes.length, () -> new ByteArrayInputStream(bytes)));
            String served = connection.getHeaderField("Docker-Content-Digest");
            String subject = connection.getHeaderField("OCI-Subject");
            RequestDeadline.release(connection);
            if (served != null && Digests.isSha256(served) && !served.equals(Digests.of(bytes))) {
                throw new RegistryException(RegistryException.Kind.DIGEST_MISMATCH, host + " stored the manifest of " + repository
                        + " under " + served + " instead of " + Digests.of(bytes));
            }
            return subject != null && Digests.isSha256(subject.strip());
        });
    }
}
