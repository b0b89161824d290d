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
 * @param timeout          connect and read timeout
 */
public record RegistryOptions(CredentialProvider credentials, Set<String> insecure, Map<String, List<String>> mirrors,
                              Function<String, Proxy> proxies, int maxAttempts, Duration initialBackoff, Duration timeout) {

    public RegistryOptions {
        insecure = Set.copyOf(insecure);
        mirrors = Map.copyOf(mirrors);
    }

    public static RegistryOptions defaults() {
        return new RegistryOptions(CredentialProvider.ANONYMOUS, Set.of(), Map.of(), host -> Proxy.NO_PROXY, 5,
                Duration.ofMillis(500), Duration.ofSeconds(60));
    }

    public RegistryOptions withInsecure(Set<String> hosts) {
        return new RegistryOptions(credentials, hosts, mirrors, proxies, maxAttempts, initialBackoff, timeout);
    }

    public RegistryOptions withCredentials(CredentialProvider provider) {
        return new RegistryOptions(provider, insecure, mirrors, proxies, maxAttempts, initialBackoff, timeout);
    }

    public RegistryOptions withRetries(int attempts, Duration backoff) {
        return new RegistryOptions(credentials, insecure, mirrors, proxies, attempts, backoff, timeout);
    }

    public RegistryOptions withMirrors(Map<String, List<String>> newMirrors) {
        return new RegistryOptions(credentials, insecure, newMirrors, proxies, maxAttempts, initialBackoff, timeout);
    }
}
