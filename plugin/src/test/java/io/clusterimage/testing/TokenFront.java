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
 *
 * <p>Pushes work as with Docker Hub: a token request may name several scopes with {@code pull} and
 * {@code push} ({@code scope=repository:a:pull,push&scope=repository:b:pull}) and gets what was
 * asked minus what {@link #denyPull denied} repositories withhold; writes (POST, PUT, PATCH, DELETE)
 * need {@code push}, a mount ({@code ?mount=&from=}) also {@code pull} on its source, and request
 * bodies are forwarded, with the registry's upload {@code Location} pointing back at the front.
 */
public final class TokenFront implements AutoCloseable {

    public static final String SERVICE = "test";
    private static final Pattern REPO_PATH = Pattern.compile("/v2/(.+)/(manifests|blobs)/([^/?]+)");
    private static final Pattern UPLOAD_PATH = Pattern.compile("/v2/(.+?)/blobs/uploads/.*");
    private static final Pattern SCOPE = Pattern.compile("repository:([a-z0-9._/-]+):((?:pull|push)(?:,(?:pull|push))*)");

    /** A request to {@code /token}: its decoded query parameters (scope may repeat) and Authorization header. */
    public record TokenRequest(Map<String, List<String>> params, String authorization, int status) {
        public List<String> scopes() {
            return params.getOrDefault("scope", List.of());
        }
    }

    /** A request to the registry API or to the blob store. */
    public record ApiRequest(String server, String method, String path, String authorization, int status) {
    }

    /** Access a token grants: repository to actions. */
    private record Grant(Map<String, java.util.Set<String>> actions) {
        boolean allows(String repository, String action) {
            return actions.getOrDefault(repository, java.util.Set.of()).contains(action);
        }
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
    private final Map<String, Grant> tokens = new ConcurrentHashMap<>();
    private final java.util.Set<String> deniedPull = ConcurrentHashMap.newKeySet();
    private final java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1).followRedirects(java.net.http.HttpClient.Redirect.NEVER).build();
    private final List<TokenRequest> tokenRequests = new CopyOnWriteArrayList<>();
    private volatile String refreshToken;
    private volatile HostileToken hostileToken;

    /** How a hostile token service answers: without end, or one byte a second. */
    public enum HostileToken {
        /** A 200 whose body (chunked) never ends: the front stops by itself after 1 GiB or a minute. */
        ENDLESS,
        /** A 200 with a real token, sent one byte a second. */
        TRICKLE
    }
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

    /** From now on tokens give no access at all to {@code repository} (a private repository of someone else). */
    public TokenFront denyPull(String repository) {
        deniedPull.add(repository);
        return this;
    }

    /**
     * From now on {@code /token} also answers OAuth2 refresh-token requests (a form POST with
     * {@code grant_type=refresh_token}, scopes space-separated), for this refresh token only.
     */
    public TokenFront acceptRefreshToken(String token) {
        this.refreshToken = token;
        return this;
    }

    /** From now on {@code /token} answers every request the hostile way. */
    public TokenFront hostileTokens(HostileToken how) {
        this.hostileToken = how;
        return this;
    }

    private void sendHostileToken(HttpExchange exchange, String token) throws IOException {
        long start = System.nanoTime();
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        try (OutputStream out = exchange.getResponseBody()) {
            if (hostileToken == HostileToken.TRICKLE) {
                byte[] body = ("{\"token\":\"" + token + "\",\"expires_in\":300}").getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                for (int i = 0; i < body.length && System.nanoTime() - start < 60_000_000_000L; i++) {
                    out.write(body[i]);
                    out.flush();
                    Thread.sleep(1000);
                }
                return;
            }
            exchange.sendResponseHeaders(200, 0);
            out.write("{\"token\":\"".getBytes(StandardCharsets.UTF_8));
            byte[] filler = new byte[64 * 1024];
            java.util.Arrays.fill(filler, (byte) 'a');
            for (long sent = 0; sent < 1L << 30 && System.nanoTime() - start < 60_000_000_000L; sent += filler.length) {
                out.write(filler);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client hung up, as it should
        }
    }

    public static String basic(String user, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    private void token(HttpExchange exchange) throws IOException {
        try (exchange) {
            boolean oauth = exchange.getRequestMethod().equals("POST");
            Map<String, List<String>> params = query(oauth
                    ? new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8) : exchange.getRequestURI().getRawQuery());
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            List<String> scopes = oauth
                    ? params.getOrDefault("scope", List.of()).stream().flatMap(scope -> java.util.Arrays.stream(scope.split(" "))).toList()
                    : params.getOrDefault("scope", List.of());
            int status;
            String body;
            boolean refreshed = oauth && refreshToken != null && List.of("refresh_token").equals(params.get("grant_type"))
                    && List.of(refreshToken).equals(params.get("refresh_token")) && params.containsKey("client_id");
            if (oauth && !refreshed) {
                status = 401;
                body = "{\"error\":\"invalid_grant\"}";
            } else if (!List.of(SERVICE).equals(params.get("service")) || scopes.isEmpty()
                    || !scopes.stream().allMatch(scope -> SCOPE.matcher(scope).matches())) {
                status = 400;
                body = "{\"details\":\"want service=" + SERVICE + " and scopes repository:<name>:pull[,push]\"}";
            } else if (!oauth && (authorization == null ? !anonymousAllowed : !authorization.equals(basic(username, password)))) {
                status = 401;
                body = "{\"details\":\"incorrect username or password\"}";
            } else {
                String token = UUID.randomUUID().toString();
                Map<String, java.util.Set<String>> granted = new LinkedHashMap<>();
                for (String scope : scopes) {
                    Matcher matcher = SCOPE.matcher(scope);
                    matcher.matches();
                    if (!deniedPull.contains(matcher.group(1))) {
                        granted.computeIfAbsent(matcher.group(1), k -> new java.util.HashSet<>()).addAll(List.of(matcher.group(2).split(",")));
                    }
                }
                tokens.put(token, new Grant(granted));
                if (hostileToken != null) {
                    tokenRequests.add(new TokenRequest(params, authorization, 200));
                    sendHostileToken(exchange, token);
                    return;
                }
                status = 200;
                // the OAuth2 answer names it access_token, the classic one token
                body = "{\"" + (oauth ? "access_token" : "token") + "\":\"" + token + "\",\"expires_in\":300,\"issued_at\":\"2026-01-01T00:00:00Z\"}";
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
            Matcher upload = UPLOAD_PATH.matcher(path);
            String method = exchange.getRequestMethod();
            boolean write = !method.equals("GET") && !method.equals("HEAD");
            String repository = upload.matches() ? upload.group(1) : matcher.matches() ? matcher.group(1) : null;
            Map<String, List<String>> query = query(exchange.getRequestURI().getRawQuery());
            String mountFrom = write && query.containsKey("mount") && query.containsKey("from") ? query.get("from").get(0) : null;
            String scope = repository == null ? null : "repository:" + repository + (write ? ":pull,push" : ":pull")
                    + (mountFrom == null ? "" : " repository:" + mountFrom + ":pull");
            Grant granted = authorization != null && authorization.startsWith("Bearer ")
                    ? tokens.get(authorization.substring("Bearer ".length())) : null;
            boolean allowed = granted != null && (repository == null || (granted.allows(repository, write ? "push" : "pull")
                    && (mountFrom == null || granted.allows(mountFrom, "pull"))));
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
            int status = write ? forwardWrite(exchange) : forward(exchange, path);
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

    /** Forwards a write with its body; the registry's Location (built from the Host it was sent to) points back here. */
    private int forwardWrite(HttpExchange exchange) throws IOException {
        byte[] requestBody;
        try (InputStream in = exchange.getRequestBody()) {
            requestBody = in.readAllBytes();
        }
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(URI.create(backend + exchange.getRequestURI()))
                .method(exchange.getRequestMethod(), java.net.http.HttpRequest.BodyPublishers.ofByteArray(requestBody));
        for (String name : List.of("Content-Type", "Content-Range")) {
            String value = exchange.getRequestHeaders().getFirst(name);
            if (value != null) {
                request.header(name, value);
            }
        }
        java.net.http.HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        for (String name : List.of("Content-Type", "Docker-Content-Digest", "Docker-Distribution-Api-Version", "Docker-Upload-UUID",
                "Range", "Location")) {
            response.headers().firstValue(name).ifPresent(value -> exchange.getResponseHeaders().set(name,
                    value.startsWith(backend) ? "http://" + host() + value.substring(backend.length()) : value));
        }
        byte[] body = response.body();
        exchange.sendResponseHeaders(response.statusCode(), body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
        return response.statusCode();
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1); // a HEAD answer has no body (a challenge to a push's HEAD)
            return;
        }
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
