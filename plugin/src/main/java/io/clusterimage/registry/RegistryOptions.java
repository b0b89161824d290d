package io.clusterimage.registry;

import java.net.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 */
public record RegistryOptions(CredentialProvider credentials, Set<String> insecure, Map<String, List<String>> mirrors,
                              Function<String, Proxy> proxies, int maxAttempts, Duration initialBackoff, Duration timeout,
                              Duration requestTimeout, long minBytesPerSecond, RegistryTls tls) {

    /** Without per-registry certificates. */
    public RegistryOptions(CredentialProvider credentials, Set<String> insecure, Map<String, List<String>> mirrors,
                           Function<String, Proxy> proxies, int maxAttempts, Duration initialBackoff, Duration timeout,
                           Duration requestTimeout, long minBytesPerSecond) {
        this(credentials, insecure, mirrors, proxies, maxAttempts, initialBackoff, timeout, requestTimeout, minBytesPerSecond, null);
    }

    public RegistryOptions withTls(RegistryTls newTls) {
        return new RegistryOptions(credentials, insecure, mirrors, proxies, maxAttempts, initialBackoff, timeout, requestTimeout,
                minBytesPerSecond, newTls);
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
                minBytesPerSecond, tls);
    }

    public RegistryOptions withCredentials(CredentialProvider provider) {
        return new RegistryOptions(provider, insecure, mirrors, proxies, maxAttempts, initialBackoff, timeout, requestTimeout,
                minBytesPerSecond, tls);
    }

    public RegistryOptions withRetries(int attempts, Duration backoff) {
        return new RegistryOptions(credentials, insecure, mirrors, proxies, attempts, backoff, timeout, requestTimeout,
                minBytesPerSecond, tls);
    }

    public RegistryOptions withMirrors(Map<String, List<String>> newMirrors) {
        return new RegistryOptions(credentials, insecure, newMirrors, proxies, maxAttempts, initialBackoff, timeout, requestTimeout,
                minBytesPerSecond, tls);
    }

    public RegistryOptions withDeadlines(Duration newRequestTimeout, long newMinBytesPerSecond) {
        return new RegistryOptions(credentials, insecure, mirrors, proxies, maxAttempts, initialBackoff, timeout, newRequestTimeout,
                newMinBytesPerSecond, tls);
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
