package io.clusterimage.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.clusterimage.core.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The registry client's side of authentication: what to send as {@code Authorization} for a host and
 * scope, and how to answer a 401 challenge (Basic, or the Bearer token flow of Docker Hub, ghcr,
 * Harbor...). Tokens are cached per host and scope until shortly before they expire. Thread-safe.
 */
final class AuthChallenges {

    private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final int MAX_TOKEN_BYTES = 1024 * 1024;

    private final RegistryOptions options;
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final Map<String, String> basicHosts = new ConcurrentHashMap<>();

    private record Token(String value, Instant expires) {
    }

    AuthChallenges(RegistryOptions options) {
        this.options = options;
    }

    /** The Authorization header already known for a host and scope: an unexpired token, else Basic credentials. */
    String cachedAuthorization(String host, String scope) {
        Token token = tokens.get(host + " " + scope);
        if (token != null && token.expires().isAfter(Instant.now())) {
            return "Bearer " + token.value();
        }
        return basicHosts.get(host);
    }

    /**
     * Answers a {@code WWW-Authenticate} challenge: Basic with the host's credentials, or a token from
     * the Bearer challenge's token service (OAuth2 refresh-token exchange for an identity token); the
     * answer is remembered for later requests of the same host and scope.
     */
    String answerChallenge(String host, String scope, String challenge) throws IOException, RegistryException {
        Optional<Credentials> credentials = options.credentials().credentialsFor(host);
        if (challenge == null) {
            throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, host + " asks for credentials but says not how");
        }
        String scheme = challenge.strip().split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
        if (scheme.equals("basic")) {
            if (credentials.isEmpty()) {
                throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, host + " needs credentials and none are configured");
            }
            String basic = basic(credentials.get());
            basicHosts.put(host, basic);
            return basic;
        }
        if (!scheme.equals("bearer")) {
            throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, host + " asks for unsupported auth scheme " + scheme);
        }
        Map<String, String> params = new LinkedHashMap<>();
        Matcher matcher = CHALLENGE_PARAM.matcher(challenge);
        while (matcher.find()) {
            params.put(matcher.group(1).toLowerCase(Locale.ROOT), matcher.group(2));
        }
        String realm = params.get("realm");
        if (realm == null) {
            throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, host + " sent a Bearer challenge without realm");
        }
        HttpURLConnection connection;
        if (credentials.isPresent() && credentials.get().isIdentityToken()) {
            connection = refreshTokenRequest(realm, params.get("service"), scope, credentials.get().password());
        } else {
            StringBuilder tokenUrl = new StringBuilder(realm).append(realm.contains("?") ? '&' : '?');
            if (params.containsKey("service")) {
                tokenUrl.append("service=").append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8)).append('&');
            }
            // several scopes (a mount: push here, pull there) are several scope parameters, as Docker sends them
            tokenUrl.append(Arrays.stream(scope.split(" "))
                    .map(one -> "scope=" + URLEncoder.encode(one, StandardCharsets.UTF_8))
                    .collect(Collectors.joining("&")));
            connection = tokenConnection(tokenUrl.toString());
            credentials.ifPresent(c -> connection.setRequestProperty("Authorization", basic(c)));
            RequestDeadline.connect(connection);
        }
        int status = connection.getResponseCode();
        if (status == 401 || status == 403) {
            RegistryTransport.drain(connection);
            throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, "the token service of " + host + " refused "
                    + (credentials.isEmpty() ? "anonymous access" : credentials.get().isIdentityToken() ? "the identity token"
                    : "the credentials") + " (" + status + ")");
        }
        if (status >= 500 || status == 429) {
            RegistryTransport.drain(connection);
            throw new RegistryTransport.RetryableStatus("token service of " + host + " answered " + status, RegistryTransport.retryAfter(connection::getHeaderField));
        }
        if (status >= 400) {
            String error = RegistryTransport.errorBody(connection);
            throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, "the token service of " + host + " answered " + status
                    + (error.isBlank() ? "" : ": " + error.strip()));
        }
        JsonNode body;
        try (InputStream in = new BoundedBody(connection.getInputStream(), MAX_TOKEN_BYTES, RequestDeadline.current())) {
            body = Json.MAPPER.readTree(in.readAllBytes());
        } catch (BoundedBody.TooLarge e) {
            throw new RegistryException(RegistryException.Kind.UNSUPPORTED, "the token service of " + host + " sent more than "
                    + MAX_TOKEN_BYTES + " bytes for a token (a token is a few KiB); stopped reading there");
        } finally {
            RequestDeadline.release(connection);
        }
        String token = body.path("token").asText(body.path("access_token").asText(""));
        if (token.isEmpty()) {
            throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, "the token service of " + host + " returned no token");
        }
        long expiresIn = Math.max(60, body.path("expires_in").asLong(60));
        tokens.put(host + " " + scope, new Token(token, Instant.now().plusSeconds(expiresIn - 10)));
        return "Bearer " + token;
    }

    private HttpURLConnection tokenConnection(String url) throws IOException {
        HttpURLConnection connection = options.open(URI.create(url).toURL());
        try {
            RegistryTls.configure(options, connection);
        } catch (RegistryException e) {
            throw new IOException(e.getMessage(), e);
        }
        connection.setConnectTimeout((int) options.timeout().toMillis());
        connection.setReadTimeout((int) options.timeout().toMillis());
        return connection;
    }

    /**
     * An identity token (what {@code docker login} stores as {@code identitytoken} for registries such as
     * Azure Container Registry) is an OAuth2 refresh token, not a password: it is exchanged at the token
     * service with a form POST ({@code grant_type=refresh_token}), as the distribution token spec says,
     * never sent as Basic credentials. Scopes go space-separated in one parameter there.
     */
    private HttpURLConnection refreshTokenRequest(String realm, String service, String scope, String refreshToken) throws IOException {
        StringBuilder form = new StringBuilder("grant_type=refresh_token");
        if (service != null) {
            form.append("&service=").append(URLEncoder.encode(service, StandardCharsets.UTF_8));
        }
        form.append("&scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8))
                .append("&client_id=cluster-image-maven-plugin")
                .append("&refresh_token=").append(URLEncoder.encode(refreshToken, StandardCharsets.UTF_8));
        byte[] bytes = form.toString().getBytes(StandardCharsets.UTF_8);
        HttpURLConnection connection = tokenConnection(realm);
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
        connection.setFixedLengthStreamingMode(bytes.length);
        RequestDeadline.connect(connection);
        try (OutputStream out = connection.getOutputStream()) {
            out.write(bytes);
        }
        return connection;
    }

    private static String basic(Credentials credentials) {
        String pair = credentials.username() + ":" + credentials.password();
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }
}
