package io.clusterimage.fetch;

import io.clusterimage.registry.BlobCache;
import io.clusterimage.registry.Credentials;
import io.clusterimage.registry.RegistryException;
import io.clusterimage.registry.RegistryOptions;
import io.clusterimage.registry.RegistryTls;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Downloads over HTTP(S) into the shared content-addressed cache: streamed to a temporary file and
 * hashed on the way, committed under its sha256 only when it is the one expected. A download whose
 * sha256 is known and cached costs no request; offline, nothing else is possible.
 *
 * <p>Like image blobs: 5xx answers and broken connections are retried with backoff; every request has
 * a deadline (a server that trickles bytes cannot hold the build); TLS is verified by the JVM.
 * Redirects are followed here, at most five: credentials are sent to the host they were given for
 * only, and a redirect from https to http is refused.
 */
final class HttpDownloads {

    private static final int MAX_REDIRECTS = 5;
    /** index.yaml of a big repository is a few MB; this bounds the memory of a hostile one. */
    static final long MAX_INDEX_BYTES = 64L * 1024 * 1024;
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "cluster-image-fetch-deadline");
        thread.setDaemon(true);
        return thread;
    });

    private final BlobCache cache;
    private final boolean offline;
    private final RegistryOptions options;

    HttpDownloads(BlobCache cache, boolean offline, RegistryOptions options) {
        this.cache = cache;
        this.offline = offline;
        this.options = options;
    }

    boolean offline() {
        return offline;
    }

    /** The cached file of a known sha256, if the cache has it. */
    Optional<Path> cached(String sha256Hex) {
        return cache.blob("sha256:" + sha256Hex);
    }

    /**
     * The content of {@code uri} in the cache.
     *
     * @param expectedHex the sha256 it must have, null when not known (then it is computed)
     * @param element     the POM element, for messages
     */
    Path download(URI uri, String expectedHex, String element) throws FetchException, IOException {
        if (expectedHex != null) {
            Optional<Path> hit = cached(expectedHex);
            if (hit.isPresent()) {
                return hit.get();
            }
        }
        if (offline) {
            throw new FetchException(element + ": " + uri + (expectedHex == null ? " has no sha256 in the POM or the lock file"
                    : " (sha256 " + expectedHex + ") is not in the cache " + cache.root()) + ", and Maven runs offline (-o);"
                    + " run once online to fetch it");
        }
        IOException last = null;
        for (int attempt = 1; attempt <= options.maxAttempts(); attempt++) {
            Path temp = cache.newTempFile();
            try {
                String actual = fetch(uri, temp, Long.MAX_VALUE, element);
                if (expectedHex != null && !expectedHex.equals(actual)) {
                    throw new FetchException(element + ": " + uri + " has sha256 " + actual + ", but " + expectedHex
                            + " was expected (from the POM or cluster-image.lock); the file changed at its source, or the"
                            + " expected value is wrong: check the source, then correct the sha256 or run mvn cluster-image:lock");
                }
                return cache.commit(temp, "sha256:" + actual);
            } catch (Retryable e) {
                last = e;
            } finally {
                Files.deleteIfExists(temp);
            }
            sleep(attempt);
        }
        throw new FetchException(element + ": " + uri + " could not be downloaded after " + options.maxAttempts() + " attempts: "
                + last.getMessage(), last);
    }

    /** A small document (an index.yaml), read into memory up to {@code max} bytes. */
    byte[] small(URI uri, long max, String element) throws FetchException, IOException {
        if (offline) {
            throw new FetchException(element + ": " + uri + " must be read to resolve the version, and Maven runs offline (-o);"
                    + " run mvn cluster-image:lock once online, or build online");
        }
        Path temp = cache.newTempFile();
        IOException last = null;
        try {
            for (int attempt = 1; attempt <= options.maxAttempts(); attempt++) {
                try {
                    fetch(uri, temp, max, element);
                    return Files.readAllBytes(temp);
                } catch (Retryable e) {
                    last = e;
                }
                sleep(attempt);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        throw new FetchException(element + ": " + uri + " could not be read after " + options.maxAttempts() + " attempts: "
                + last.getMessage(), last);
    }

    /** One attempt: follows redirects, streams the body into {@code target}; returns its sha256 (hex). */
    private String fetch(URI start, Path target, long max, String element) throws FetchException, IOException {
        URI uri = start;
        String host = start.getHost();
        Optional<Credentials> credentials = options.credentials().credentialsFor(hostWithPort(start));
        for (int redirect = 0; ; redirect++) {
            HttpURLConnection connection = open(uri);
            if (credentials.isPresent() && hostWithPort(uri).equals(hostWithPort(start)) && uri.getHost().equals(host)) {
                String pair = credentials.get().username() + ":" + credentials.get().password();
                connection.setRequestProperty("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
            }
            int status;
            try {
                status = connection.getResponseCode();
            } catch (IOException e) {
                connection.disconnect();
                throw new Retryable(uri + ": " + e.getMessage(), e);
            }
            if (status >= 300 && status < 400 && connection.getHeaderField("Location") != null) {
                URI next = uri.resolve(connection.getHeaderField("Location"));
                connection.disconnect();
                if (redirect >= MAX_REDIRECTS) {
                    throw new FetchException(element + ": " + start + " redirects more than " + MAX_REDIRECTS + " times");
                }
                if ("https".equals(uri.getScheme()) && !"https".equals(next.getScheme())) {
                    throw new FetchException(element + ": " + uri + " redirects to " + next + ", from https to plain http;"
                            + " refused (the download could be changed on its way)");
                }
                uri = next;
                continue;
            }
            if (status >= 500 || status == 429 || status == 408) {
                connection.disconnect();
                throw new Retryable(uri + " answered HTTP " + status, null);
            }
            if (status != 200) {
                connection.disconnect();
                throw new FetchException(element + ": " + uri + " answered HTTP " + status
                        + (status == 404 ? " (not found): check the URL and its placeholders" : status == 401 || status == 403
                        ? ": give credentials in a settings.xml <server> whose id is " + hostWithPort(start) : ""));
            }
            long length = connection.getContentLengthLong();
            if (length > max) {
                connection.disconnect();
                throw new FetchException(element + ": " + uri + " is " + length + " bytes, more than the " + max + " allowed for it");
            }
            return stream(connection, uri, target, max, length, element);
        }
    }

    private String stream(HttpURLConnection connection, URI uri, Path target, long max, long length, String element)
            throws FetchException, IOException {
        Duration limit = options.deadlineFor(Math.max(length, 0));
        // the watchdog's disconnect ends a blocked read with an exception or with an early end of the body,
        // whichever the JDK is in at that moment: the flag, not the way the read ended, says it was the deadline
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> deadline = WATCHDOG.schedule(() -> {
            expired.set(true);
            connection.disconnect();
        }, limit.toMillis(), TimeUnit.MILLISECONDS);
        long start = System.nanoTime();
        try (InputStream in = closedUnlessExpired(connection.getInputStream(), expired); OutputStream out = Files.newOutputStream(target)) {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                if (expired.get()) { // a trickle that the watchdog's disconnect did not end (see finally)
                    throw abandoned(element, uri, limit, null);
                }
                total += n;
                if (total > max) {
                    throw new FetchException(element + ": " + uri + " sent more than the " + max + " bytes allowed for it");
                }
                if (length >= 0 && total > length) {
                    throw new FetchException(element + ": " + uri + " sent more than the " + length + " bytes it announced");
                }
                sha256.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
            if (length >= 0 && total != length) {
                if (expired.get()) {
                    throw abandoned(element, uri, limit, null);
                }
                throw new Retryable(uri + " ended after " + total + " of " + length + " bytes", null);
            }
            return HexFormat.of().formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (FetchException | Retryable e) {
            throw e;
        } catch (IOException e) {
            if (expired.get() || Duration.ofNanos(System.nanoTime() - start).compareTo(limit) >= 0) {
                throw abandoned(element, uri, limit, e);
            }
            throw new Retryable(uri + ": " + e.getMessage(), e);
        } finally {
            deadline.cancel(false);
            // once the watchdog has disconnected, not again: for a small body the JDK's keep-alive cleaner drains the
            // rest at the server's pace under the stream's lock, and a second disconnect would wait for it
            if (!expired.get()) {
                connection.disconnect();
            }
        }
    }

    /** The body, whose close is left to the watchdog once it has fired (see the finally of {@link #stream}). */
    private static InputStream closedUnlessExpired(InputStream body, AtomicBoolean expired) {
        return new FilterInputStream(body) {
            @Override
            public void close() throws IOException {
                if (!expired.get()) {
                    super.close();
                }
            }
        };
    }

    private static FetchException abandoned(String element, URI uri, Duration limit, IOException cause) {
        return new FetchException(element + ": " + uri + " did not finish within " + limit.toSeconds() + " s and was"
                + " abandoned (raise <requestTimeoutSeconds> or lower <minTransferKiBPerSecond> for a slow server)", cause);
    }

    private HttpURLConnection open(URI uri) throws FetchException, IOException {
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
            throw new FetchException(uri + " is not an http(s) URL");
        }
        URL url = uri.toURL();
        HttpURLConnection connection = options.open(url);
        try {
            RegistryTls.configure(options, connection); // a repository's own CA, as for registries
        } catch (RegistryException e) {
            throw new FetchException(uri + ": " + e.getMessage(), e);
        }
        connection.setInstanceFollowRedirects(false);
        connection.setConnectTimeout((int) Math.min(Integer.MAX_VALUE, options.timeout().toMillis()));
        connection.setReadTimeout((int) Math.min(Integer.MAX_VALUE, options.timeout().toMillis()));
        connection.setRequestProperty("User-Agent", "cluster-image-maven-plugin");
        return connection;
    }

    private static String hostWithPort(URI uri) {
        return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    }

    private void sleep(int attempt) throws IOException {
        if (attempt >= options.maxAttempts()) {
            return;
        }
        try {
            Thread.sleep(options.initialBackoff().toMillis() * (1L << Math.min(attempt - 1, 6)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to retry");
        }
    }

    /** A failure worth another attempt: a 5xx answer, a broken connection, a short body. */
    private static final class Retryable extends IOException {
        Retryable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** For tests: the bytes of a string, as a server would send them. */
    static byte[] bytes(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
