package io.clusterimage.registry;

import java.io.IOException;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * How to talk to registries.
 *
 * @param credentials      where credentials come from
 * @param insecure         hosts reached over plain HTTP (TLS is verified for every other host)
 * @param mirrors          per registry host, mirror hosts tried first, in order
 * @param proxies          the proxy for a host ({@link Proxy#NO_PROXY} for none)
 * @param maxAttempts      attempts for a request that fails transiently (5xx, 429, resets)
 * @param initialBackoff   delay before the second attempt, doubled each time
 * @param timeout          connect and read timeout (the silence allowed between two reads)
 * @param requestTimeout   the most one request may take, start to end: a manifest, a token, an
 *                         answer without body; a blob gets this plus its size at {@code minBytesPerSecond}
 * @param minBytesPerSecond the slowest transfer a blob (download or upload chunk) is waited for
 * @param tls              per-registry certificate authorities and client certificates (certs.d); null: the JVM's alone
 * @param proxyCredentials what the proxy asks for (settings.xml's active {@code <proxy>}), sent to the proxy only; null: none
 */
public record RegistryOptions(CredentialProvider credentials, Set<String> insecure, Map<String, List<String>> mirrors,
                              Function<String, Proxy> proxies, int maxAttempts, Duration initialBackoff, Duration timeout,
                              Duration requestTimeout, long minBytesPerSecond, RegistryTls tls,
                              PasswordAuthentication proxyCredentials) {

    /** Without proxy credentials. */
    public RegistryOptions(CredentialProvider credentials, Set<String> insecure, Map<String, List<String>> mirrors,
                           Function<String, Proxy> proxies, int maxAttempts, Duration initialBackoff, Duration timeout,
                           Duration requestTimeout, long minBytesPerSecond, RegistryTls tls) {
        this(credentials, insecure, mirrors, proxies, maxAttempts, initialBackoff, timeout, requestTimeout, minBytesPerSecond, tls, null);
    }

    /** Without per-registry certificates. */
    public RegistryOptions(CredentialProvider credentials, Set<String> insecure, Map<String, List<String>> mirrors,
                           Function<String, Proxy> proxies, int maxAttempts, Duration initialBackoff, Duration timeout,
                           Duration requestTimeout, long minBytesPerSecond) {
        this(credentials, insecure, mirrors, proxies, maxAttempts, initialBackoff, timeout, requestTimeout, minBytesPerSecond, null);
    }

    public RegistryOptions withTls(RegistryTls newTls) {
        return new RegistryOptions(credentials, insecure, mirrors, proxies, maxAttempts, initialBackoff, timeout, requestTimeout,
                minBytesPerSecond, newTls, proxyCredentials);
    }

    /** Two minutes for what is small: far above any working registry's answer, far below hours. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(120);

    /** 64 KiB/s: a 1 GiB layer may take 4.5 hours before it is given up, a trickle of bytes may not. */
    public static final long DEFAULT_MIN_BYTES_PER_SECOND = 64 * 1024;

    public RegistryOptions {
        insecure = Set.copyOf(insecure);
        mirrors = Map.copyOf(mirrors);
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("the request timeout must be positive: " + requestTimeout);
        }
        if (minBytesPerSecond <= 0) {
            throw new IllegalArgumentException("the minimum transfer rate must be positive: " + minBytesPerSecond);
        }
    }

    public static RegistryOptions defaults() {
        return new RegistryOptions(CredentialProvider.ANONYMOUS, Set.of(), Map.of(), host -> Proxy.NO_PROXY, 5,
                Duration.ofMillis(500), Duration.ofSeconds(60), DEFAULT_REQUEST_TIMEOUT, DEFAULT_MIN_BYTES_PER_SECOND);
    }

    public RegistryOptions withInsecure(Set<String> hosts) {
        return new RegistryOptions(credentials, hosts, mirrors, proxies, maxAttempts, initialBackoff, timeout, requestTimeout,
                minBytesPerSecond, tls, proxyCredentials);
    }

    public RegistryOptions withCredentials(CredentialProvider provider) {
        return new RegistryOptions(provider, insecure, mirrors, proxies, maxAttempts, initialBackoff, timeout, requestTimeout,
                minBytesPerSecond, tls, proxyCredentials);
    }

    public RegistryOptions withRetries(int attempts, Duration backoff) {
        return new RegistryOptions(credentials, insecure, mirrors, proxies, attempts, backoff, timeout, requestTimeout,
                minBytesPerSecond, tls, proxyCredentials);
    }

    public RegistryOptions withMirrors(Map<String, List<String>> newMirrors) {
        return new RegistryOptions(credentials, insecure, newMirrors, proxies, maxAttempts, initialBackoff, timeout, requestTimeout,
                minBytesPerSecond, tls, proxyCredentials);
    }

    public RegistryOptions withDeadlines(Duration newRequestTimeout, long newMinBytesPerSecond) {
        return new RegistryOptions(credentials, insecure, mirrors, proxies, maxAttempts, initialBackoff, timeout, newRequestTimeout,
                newMinBytesPerSecond, tls, proxyCredentials);
    }

    public RegistryOptions withProxyCredentials(PasswordAuthentication newProxyCredentials) {
        return new RegistryOptions(credentials, insecure, mirrors, proxies, maxAttempts, initialBackoff, timeout, requestTimeout,
                minBytesPerSecond, tls, newProxyCredentials);
    }

    /**
     * What answers a proxy's request for credentials (407) — a proxy's only (the JDK asks it for a server's 401
     * too, which gets nothing: registry credentials go by their own rules) — or null when there are none. The
     * proxies are the ones {@link #proxies} names, all of them settings.xml's active proxy.
     */
    public Authenticator proxyAuthenticator() {
        if (proxyCredentials == null) {
            return null;
        }
        PasswordAuthentication answer = proxyCredentials;
        return new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return getRequestorType() == RequestorType.PROXY ? answer : null;
            }
        };
    }

    /** Opens a connection to {@code url} through the proxy for its host, with the proxy's credentials when it asks. */
    public HttpURLConnection open(URL url) throws IOException {
        Proxy proxy = proxies.apply(url.getHost());
        HttpURLConnection connection = (HttpURLConnection) url.openConnection(proxy);
        Authenticator authenticator = proxyAuthenticator();
        if (authenticator != null && proxy.type() != Proxy.Type.DIRECT) {
            connection.setAuthenticator(authenticator);
            preemptiveProxyAuthorization(url.toString()).ifPresent(value -> connection.setRequestProperty("Proxy-Authorization", value));
        }
        return connection;
    }

    /**
     * The {@code Proxy-Authorization} to send with a plain-HTTP request through the proxy, before it asks: a
     * request whose body is streamed (an upload) cannot be sent a second time after a 407. HTTPS goes through a
     * tunnel, whose CONNECT the JDK authenticates itself; a request that does not go through a proxy gets none.
     */
    public Optional<String> preemptiveProxyAuthorization(String url) {
        if (proxyCredentials == null || !url.startsWith("http://")) {
            return Optional.empty();
        }
        Proxy proxy = proxies.apply(URI.create(url).getHost());
        if (proxy == null || proxy.type() == Proxy.Type.DIRECT) {
            return Optional.empty();
        }
        String pair = proxyCredentials.getUserName() + ":" + new String(proxyCredentials.getPassword());
        return Optional.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }

    /** The time a request moving {@code bytes} may take: the request timeout, plus the bytes at the minimum rate. */
    public Duration deadlineFor(long bytes) {
        return requestTimeout.plusMillis(Math.max(0, bytes) * 1000 / minBytesPerSecond);
    }

    /** How {@link #deadlineFor} came to its limit, for error messages. */
    String explainDeadline(long bytes) {
        if (bytes <= 0) {
            return "the request timeout, requestTimeoutSeconds";
        }
        return "requestTimeoutSeconds " + RequestDeadline.seconds(requestTimeout) + " plus " + bytes + " bytes at "
                + (minBytesPerSecond % 1024 == 0 ? minBytesPerSecond / 1024 + " KiB/s" : minBytesPerSecond + " bytes/s")
                + ", minTransferKiBPerSecond";
    }
}
