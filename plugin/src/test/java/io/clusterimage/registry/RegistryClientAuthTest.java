package io.clusterimage.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RegistryClient's answers to auth challenges, against a scripted registry (an HttpServer on
 * 127.0.0.1) whose WWW-Authenticate header and token endpoint each test chooses.
 */
class RegistryClientAuthTest {

    static final byte[] MANIFEST = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:"
            + "0".repeat(64) + "\",\"size\":2},\"layers\":[]}").getBytes(StandardCharsets.UTF_8);
    static final String DIGEST = Digests.of(MANIFEST);

    record Seen(String path, Map<String, String> query, String authorization) {
    }

    HttpServer server;
    String host;
    volatile String challenge;
    volatile Predicate<String> accepts = authorization -> false;
    volatile String tokenBody = "{\"token\":\"tok-1\",\"expires_in\":300}";
    final AtomicInteger tokenFailures = new AtomicInteger();
    final List<Seen> registryRequests = new CopyOnWriteArrayList<>();
    final List<Seen> tokenRequests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 20);
        server.createContext("/token", this::token);
        server.createContext("/v2/", this::registry);
        server.start();
        host = "127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void registry(HttpExchange exchange) throws IOException {
        try (exchange) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            registryRequests.add(new Seen(exchange.getRequestURI().getPath(), Map.of(), authorization));
            if (authorization == null || !accepts.test(authorization)) {
                if (challenge != null) {
                    exchange.getResponseHeaders().set("WWW-Authenticate", challenge.replace("$HOST", host));
                }
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/vnd.oci.image.manifest.v1+json");
            exchange.getResponseHeaders().set("Docker-Content-Digest", DIGEST);
            exchange.sendResponseHeaders(200, MANIFEST.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(MANIFEST);
            }
        }
    }

    private void token(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> query = new LinkedHashMap<>();
            String raw = exchange.getRequestURI().getRawQuery();
            for (String pair : raw == null ? new String[0] : raw.split("&")) {
                int eq = pair.indexOf('=');
                query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
            tokenRequests.add(new Seen(exchange.getRequestURI().getPath(), query, exchange.getRequestHeaders().getFirst("Authorization")));
            if (tokenFailures.getAndDecrement() > 0) {
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            byte[] body = tokenBody.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private RegistryClient client(CredentialProvider credentials) {
        return new RegistryClient(RegistryOptions.defaults().withInsecure(Set.of(host)).withCredentials(credentials)
                .withRetries(3, Duration.ofMillis(10)));
    }

    private RegistryClient anonymous() {
        return client(CredentialProvider.ANONYMOUS);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aBearerChallengeGetsATokenForTheRepositoryPullScope() throws Exception {
        challenge = "Bearer realm=\"http://$HOST/token\",service=\"svc\",scope=\"repository:team/app:pull\"";
        accepts = "Bearer tok-1"::equals;
        Manifest manifest = anonymous().manifest(host, "team/app", "1.0");
        assertEquals(DIGEST, manifest.digest());
        assertEquals(1, tokenRequests.size());
        assertEquals(Map.of("service", "svc", "scope", "repository:team/app:pull"), tokenRequests.get(0).query());
        assertNull(tokenRequests.get(0).authorization());
        assertEquals(java.util.Arrays.asList(null, "Bearer tok-1"), registryRequests.stream().map(Seen::authorization).toList());
    }

    @Test
    void schemeCaseSpacesAndAMissingScopeParameterAreUnderstood() throws Exception {
        challenge = "BEARER realm=\"http://$HOST/token\", service=\"registry.example.com\"";
        accepts = "Bearer tok-1"::equals;
        anonymous().manifest(host, "library/busybox", DIGEST);
        assertEquals(Map.of("service", "registry.example.com", "scope", "repository:library/busybox:pull"), tokenRequests.get(0).query());
    }

    @Test
    void aRealmWithAQueryKeepsItAndAnAccessTokenFieldIsAccepted() throws Exception {
        challenge = "Bearer realm=\"http://$HOST/token?account=ci\",service=\"svc\"";
        tokenBody = "{\"access_token\":\"oauth-7\",\"expires_in\":120}";
        accepts = "Bearer oauth-7"::equals;
        anonymous().manifest(host, "team/app", "1.0");
        assertEquals(Map.of("account", "ci", "service", "svc", "scope", "repository:team/app:pull"), tokenRequests.get(0).query());
    }

    @Test
    void credentialsGoToTheTokenEndpointAsBasic() throws Exception {
        challenge = "Bearer realm=\"http://$HOST/token\",service=\"svc\"";
        accepts = "Bearer tok-1"::equals;
        client(h -> Optional.of(new Credentials("me", "p:w"))).manifest(host, "team/app", "1.0");
        assertEquals(basic("me", "p:w"), tokenRequests.get(0).authorization());
        assertTrue(registryRequests.stream().noneMatch(r -> r.authorization() != null && r.authorization().startsWith("Basic ")));
    }

    @Test
    void tokensAreReusedPerRepositoryAndAskedAgainForAnother() throws Exception {
        challenge = "Bearer realm=\"http://$HOST/token\",service=\"svc\"";
        accepts = "Bearer tok-1"::equals;
        RegistryClient client = anonymous();
        client.manifest(host, "team/app", "1.0");
        client.manifest(host, "team/app", DIGEST);
        assertEquals(1, tokenRequests.size());
        assertEquals(3, registryRequests.size(), "one challenge, then the token is sent up front");
        client.manifest(host, "team/other", "1.0");
        assertEquals(2, tokenRequests.size());
        assertEquals("repository:team/other:pull", tokenRequests.get(1).query().get("scope"));
    }

    @Test
    void aTokenTheRegistryRefusesIsUnauthorizedAfterExactlyOneAnswer() {
        challenge = "Bearer realm=\"http://$HOST/token\",service=\"svc\"";
        RegistryException error = assertThrows(RegistryException.class, () -> anonymous().manifest(host, "team/app", "1.0"));
        assertEquals(RegistryException.Kind.UNAUTHORIZED, error.kind());
        assertTrue(error.getMessage().contains(host), error.getMessage());
        assertEquals(2, registryRequests.size());
        assertEquals(1, tokenRequests.size());
    }

    @Test
    void aTokenServiceErrorIsRetried() throws Exception {
        challenge = "Bearer realm=\"http://$HOST/token\",service=\"svc\"";
        accepts = "Bearer tok-1"::equals;
        tokenFailures.set(1);
        anonymous().manifest(host, "team/app", "1.0");
        assertEquals(2, tokenRequests.size());
    }

    @Test
    void aBasicChallengeIsAnsweredOnceAndThenSentUpFront() throws Exception {
        challenge = "Basic realm=\"registry\"";
        accepts = basic("me", "secret")::equals;
        RegistryClient client = client(h -> h.equals(host) ? Optional.of(new Credentials("me", "secret")) : Optional.empty());
        client.manifest(host, "team/app", "1.0");
        client.manifest(host, "team/other", "1.0");
        assertEquals(java.util.Arrays.asList(null, basic("me", "secret"), basic("me", "secret")),
                registryRequests.stream().map(Seen::authorization).toList());
        assertTrue(tokenRequests.isEmpty());
    }

    @Test
    void unanswerableChallengesAreUnauthorizedWithAReason() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("Bearer service=\"svc\"", "without realm");
        cases.put("Negotiate", "unsupported auth scheme negotiate");
        cases.put(null, "says not how");
        cases.put("Basic realm=\"r\"", "none are configured");
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> entry : cases.entrySet()) {
            challenge = entry.getKey();
            registryRequests.clear();
            RegistryException error = assertThrows(RegistryException.class, () -> anonymous().manifest(host, "team/app", "1.0"));
            if (error.kind() != RegistryException.Kind.UNAUTHORIZED || !error.getMessage().contains(entry.getValue())
                    || !error.getMessage().contains(host) || registryRequests.size() != 1) {
                problems.add(entry.getKey() + " -> " + error.kind() + " " + error.getMessage() + " after " + registryRequests.size()
                        + " request(s)");
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(tokenRequests.isEmpty());
    }

    @Test
    void sameOriginMeansSchemeHostAndPort() throws Exception {
        assertTrue(RegistryTransport.sameOrigin(URI.create("http://127.0.0.1:5000/v2/").toURL(), URI.create("http://127.0.0.1:5000/x").toURL()));
        assertTrue(RegistryTransport.sameOrigin(URI.create("https://Registry.example/v2/").toURL(),
                URI.create("https://registry.example:443/blob").toURL()));
        assertFalse(RegistryTransport.sameOrigin(URI.create("http://127.0.0.1:5000/v2/").toURL(), URI.create("http://127.0.0.1:5001/").toURL()));
        assertFalse(RegistryTransport.sameOrigin(URI.create("https://registry.example/v2/").toURL(), URI.create("http://registry.example/").toURL()));
        assertFalse(RegistryTransport.sameOrigin(URI.create("https://registry.example/v2/").toURL(), URI.create("https://cdn.example/").toURL()));
    }
}
