package io.clusterimage.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Docker-Hub-style token-auth front on 127.0.0.1 for a real registry behind it. Registry requests
 * without a valid Bearer token get {@code 401 WWW-Authenticate: Bearer realm=".../token",
 * service="test",scope="repository:<repo>:pull"}; {@code /token} issues tokens for exactly the scope
 * asked (anonymously, or only with the right Basic credentials); authorized requests are forwarded
 * to the registry. Optionally blob GETs are redirected to a "blob store" on another port (another
 * origin, like a CDN), which must never see credentials. Everything is logged.
 */
public final class TokenFront implements AutoCloseable {

    public static final String SERVICE = "test";
    private static final Pattern REPO_PATH = Pattern.compile("/v2/(.+)/(manifests|blobs)/([^/?]+)");
    private static final Pattern PULL_SCOPE = Pattern.compile("repository:([a-z0-9._/-]+):pull");

    /** A request to {@code /token}: its decoded query parameters (scope may repeat) and Authorization header. */
    public record TokenRequest(Map<String, List<String>> params, String authorization, int status) {
        public List<String> scopes() {
            return params.getOrDefault("scope", List.of());
        }
    }

    /** A request to the registry API or to the blob store. */
    public record ApiRequest(String server, String method, String path, String authorization, int status) {
    }

    private final HttpServer server;
    private final HttpServer blobStore;
    private final ExecutorService executor = Executors.newFixedThreadPool(8, runnable -> {
        Thread thread = new Thread(runnable, "token-front");
        thread.setDaemon(true);
        return thread;
    });
    private final String backend;
    private final boolean anonymousAllowed;
    private final String username;
    private final String password;
    private final boolean redirectBlobs;
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final List<TokenRequest> tokenRequests = new CopyOnWriteArrayList<>();
    private final List<ApiRequest> apiRequests = new CopyOnWriteArrayList<>();

    /**
     * @param backendUrl       the registry behind the front
     * @param anonymousAllowed whether {@code /token} gives tokens without credentials
     * @param username         the only user the token service knows
     * @param redirectBlobs    answer blob GETs with a 307 to the blob store on another port
     */
    public TokenFront(String backendUrl, boolean anonymousAllowed, String username, String password, boolean redirectBlobs)
            throws IOException {
        this.backend = backendUrl;
        this.anonymousAllowed = anonymousAllowed;
        this.username = username;
        this.password = password;
        this.redirectBlobs = redirectBlobs;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        this.blobStore = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/token", this::token);
        server.createContext("/", this::registry);
        blobStore.createContext("/", this::store);
        server.setExecutor(executor);
        blobStore.setExecutor(executor);
        server.start();
        blobStore.start();
    }

    public String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    public String realm() {
        return "http://" + host() + "/token";
    }

    public List<TokenRequest> tokenRequests() {
        return List.copyOf(tokenRequests);
    }

    public List<ApiRequest> apiRequests() {
        return List.copyOf(apiRequests);
    }

    public static String basic(String user, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    private void token(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, List<String>> params = query(exchange.getRequestURI().getRawQuery());
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            List<String> scopes = params.getOrDefault("scope", List.of());
            int status;
            String body;
            if (!List.of(SERVICE).equals(params.get("service")) || scopes.size() != 1 || !PULL_SCOPE.matcher(scopes.get(0)).matches()) {
                status = 400;
                body = "{\"details\":\"want service=" + SERVICE + " and one scope repository:<name>:pull\"}";
            } else if (authorization == null ? !anonymousAllowed : !authorization.equals(basic(username, password))) {
                status = 401;
                body = "{\"details\":\"incorrect username or password\"}";
            } else {
                String token = UUID.randomUUID().toString();
                tokens.put(token, scopes.get(0));
                status = 200;
                body = "{\"token\":\"" + token + "\",\"expires_in\":300,\"issued_at\":\"2026-01-01T00:00:00Z\"}";
            }
            tokenRequests.add(new TokenRequest(params, authorization, status));
            send(exchange, status, "application/json", body.getBytes(StandardCharsets.UTF_8));
        }
    }

    private void registry(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            Matcher matcher = REPO_PATH.matcher(path);
            String scope = matcher.matches() ? "repository:" + matcher.group(1) + ":pull" : null;
            String granted = authorization != null && authorization.startsWith("Bearer ")
                    ? tokens.get(authorization.substring("Bearer ".length())) : null;
            boolean allowed = granted != null && (scope == null || scope.equals(granted));
            if (!allowed) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"" + realm() + "\",service=\"" + SERVICE + "\""
                        + (scope == null ? "" : ",scope=\"" + scope + "\""));
                apiRequests.add(new ApiRequest("registry", exchange.getRequestMethod(), path, authorization, 401));
                send(exchange, 401, "application/json",
                        "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (redirectBlobs && matcher.matches() && matcher.group(2).equals("blobs")) {
                apiRequests.add(new ApiRequest("registry", exchange.getRequestMethod(), path, authorization, 307));
                exchange.getResponseHeaders().set("Location", "http://127.0.0.1:" + blobStore.getAddress().getPort()
                        + "/store" + path.substring("/v2".length()) + "?signature=abc");
                exchange.sendResponseHeaders(307, -1);
                return;
            }
            int status = forward(exchange, path);
            apiRequests.add(new ApiRequest("registry", exchange.getRequestMethod(), path, authorization, status));
        }
    }

    private void store(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            int status = path.startsWith("/store/") ? forward(exchange, "/v2/" + path.substring("/store/".length())) : 404;
            if (status == 404 && !path.startsWith("/store/")) {
                exchange.sendResponseHeaders(404, -1);
            }
            apiRequests.add(new ApiRequest("blobstore", exchange.getRequestMethod(), path, authorization, status));
        }
    }

    private int forward(HttpExchange exchange, String path) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(backend + path).toURL().openConnection();
        connection.setRequestMethod(exchange.getRequestMethod());
        connection.setInstanceFollowRedirects(false);
        String accept = exchange.getRequestHeaders().getFirst("Accept");
        if (accept != null) {
            connection.setRequestProperty("Accept", accept);
        }
        int status = connection.getResponseCode();
        for (String name : List.of("Content-Type", "Docker-Content-Digest", "Docker-Distribution-Api-Version")) {
            String value = connection.getHeaderField(name);
            if (value != null) {
                exchange.getResponseHeaders().set(name, value);
            }
        }
        byte[] body;
        try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            body = in == null ? new byte[0] : in.readAllBytes();
        }
        connection.disconnect();
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
        } else {
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        return status;
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    static Map<String, List<String>> query(String rawQuery) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return params;
    }

    @Override
    public void close() {
        server.stop(0);
        blobStore.stop(0);
        executor.shutdownNow();
    }
}
