package io.clusterimage.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.clusterimage.core.Json;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * The registry HTTP API's transport, as go-containerregistry's {@code remote/transport}: requests to a
 * registry's origin with its credentials (answering Basic and Bearer challenges through
 * {@link AuthChallenges}, never sending them elsewhere), TLS verified unless the host is listed insecure,
 * transient failures (5xx, 429 with Retry-After, resets, truncated bodies) retried with backoff and
 * 401/403/404 never, every attempt inside its deadline ({@link RequestDeadline}), error bodies bounded.
 */
final class RegistryTransport {

    static final int MAX_ERROR_BYTES = 16 * 1024;
    static final String USER_AGENT = "cluster-image-maven-plugin";

    private final RegistryOptions options;
    private final AuthChallenges auth;

    RegistryTransport(RegistryOptions options) {
        this.options = options;
        this.auth = new AuthChallenges(options);
    }

    RegistryOptions options() {
        return options;
    }

    /** The credentials' answers to challenges, cached per host and scope (chunk uploads send them themselves). */
    AuthChallenges auth() {
        return auth;
    }

    /** The host the API is served from: Docker Hub's registry is not at docker.io. */
    static String apiHost(String host) {
        return host.equals("docker.io") || host.equals("index.docker.io") ? "registry-1.docker.io" : host;
    }

    String baseUrl(String host) {
        String scheme = options.insecure().contains(host) ? "http" : "https";
        return scheme + "://" + apiHost(host);
    }

    
    @FunctionalInterface
    interface Call<T> {
        T run() throws IOException, RegistryException;
    }

    /** Thrown inside a call for an HTTP status that may succeed later. */
    static final class RetryableStatus extends IOException {
        final long retryAfterMillis;

        RetryableStatus(String message, long retryAfterMillis) {
            super(message);
            this.retryAfterMillis = retryAfterMillis;
        }
    }

    <T> T withRetries(String host, String repository, String reference, Call<T> call) throws RegistryException {
        return withRetries("fetch", host, repository, reference, call);
    }

    <T> T withRetries(String verb, String host, String repository, String reference, Call<T> call) throws RegistryException {
        return withRetries(verb, host, repository, reference, options.requestTimeout(), options.explainDeadline(0), call);
    }

    /**
     * Runs a call, retrying transient failures with backoff; {@code verb} says what failed in the final
     * message. Each attempt must end within {@code deadline}; one that does not is not retried.
     */
    <T> T withRetries(String verb, String host, String repository, String reference, Duration deadline, String explanation,
                              Call<T> call) throws RegistryException {
        long backoff = options.initialBackoff().toMillis();
        IOException last = null;
        for (int attempt = 1; attempt <= options.maxAttempts(); attempt++) {
            try (RequestDeadline attemptDeadline = RequestDeadline.start(deadline, explanation)) {
                try {
                    return call.run();
                } catch (IOException e) {
                    throw attemptDeadline.explain(e);
                }
            } catch (RequestDeadline.Exceeded e) {
                throw new RegistryException(RegistryException.Kind.TRANSIENT, "cannot " + verb + " " + describe(host, repository, reference)
                        + ": " + e.getMessage() + "; the registry (or the network) is too slow or stalls", e);
            } catch (BoundedBody.TooLarge e) {
                // callers say which body; this is the backstop for a limit they did not explain
                throw new RegistryException(RegistryException.Kind.UNSUPPORTED, "cannot " + verb + " " + describe(host, repository, reference)
                        + ": the registry sent " + e.getMessage() + " where no more is expected", e);
            } catch (SSLException e) {
                throw tlsFailure(host, e);
            } catch (IOException e) {
                if (String.valueOf(e.getMessage()).contains("Unable to tunnel through proxy") && e.getMessage().contains("407")) {
                    throw proxyRefused(host); // asking again changes nothing
                }
                if (Thread.currentThread().isInterrupted()) {
                    // the build is stopping (its download pool was shut down): no more attempts
                    throw new RegistryException(RegistryException.Kind.TRANSIENT, "cannot " + verb + " "
                            + describe(host, repository, reference) + ": interrupted", e);
                }
                last = e;
                if (attempt == options.maxAttempts()) {
                    break;
                }
                long wait = e instanceof RetryableStatus status && status.retryAfterMillis > 0 ? status.retryAfterMillis : backoff;
                sleep(Math.min(wait, 30_000));
                backoff *= 2;
            }
        }
        throw new RegistryException(RegistryException.Kind.TRANSIENT, "cannot " + verb + " " + describe(host, repository, reference)
                + " after " + options.maxAttempts() + " attempts: " + (last == null ? "" : last.getMessage()), last);
    }

    /**
     * The proxy wants credentials it did not get (407). For an HTTPS registry the JDK tunnels through the proxy
     * and, by default, sends no Basic credentials into a tunnel (jdk.http.auth.tunneling.disabledSchemes): the
     * message says how to allow it, for the whole Maven JVM, where that decision belongs.
     */
    RegistryException proxyRefused(String host) {
        String where = "the proxy between this build and " + host + " asks for credentials (407)";
        if (options.proxyCredentials() == null) {
            return new RegistryException(RegistryException.Kind.UNAUTHORIZED, where + "; give them in settings.xml: <proxy> with"
                    + " <username> and <password> (mvn --encrypt-password keeps the password encrypted)");
        }
        return new RegistryException(RegistryException.Kind.UNAUTHORIZED, where + " and refused the ones of settings.xml's <proxy>"
                + (options.insecure().contains(host) ? "" : "; for an HTTPS registry the JDK sends Basic credentials into a proxy"
                + " tunnel only when started with -Djdk.http.auth.tunneling.disabledSchemes= (add it to MAVEN_OPTS or .mvn/jvm.config)"));
    }

    static RegistryException tlsFailure(String host, SSLException e) {
        return new RegistryException(RegistryException.Kind.TLS, "TLS with " + host + " failed (" + e.getMessage()
                + "); if the registry uses a private CA, put it in /etc/containers/certs.d/" + host + "/ca.crt (or a"
                + " <certsDirectories> entry), as for podman and skopeo; only if it is a test registry, list it under"
                + " <insecureRegistries>", e);
    }

    static void sleep(long millis) throws RegistryException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(RegistryException.Kind.TRANSIENT, "interrupted");
        }
    }

    /**
     * Sends a request, answering an auth challenge once, following redirects (without credentials
     * when the redirect leaves the registry), and mapping the status to an exception when not 2xx.
     */
    HttpURLConnection request(String method, String url, String host, String repository, Map<String, String> headers)
            throws IOException, RegistryException {
        return request(method, url, host, repository, "repository:" + repository + ":pull", headers, null);
    }

    /** A request body that can be sent again (after an auth challenge or a retry). */
    record Body(String contentType, long length, Opener opener) {
    }

    @FunctionalInterface
    interface Opener {
        InputStream open() throws IOException;
    }

    HttpURLConnection request(String method, String url, String host, String repository, String scope,
                                      Map<String, String> headers, Body body) throws IOException, RegistryException {
        String authorization = auth.cachedAuthorization(host, scope);
        String currentUrl = url;
        boolean challenged = false;
        // credentials go to the registry's own origin only: not to a redirect target, nor to an upload
        // location the registry names on another server
        URL registry = URI.create(baseUrl(host)).toURL();
        for (int hop = 0; hop < 10; hop++) {
            URL target = URI.create(currentUrl).toURL();
            boolean sameOrigin = sameOrigin(target, registry);
            HttpURLConnection connection = options.open(target);
            RegistryTls.configure(options, connection);
            connection.setRequestMethod(method);
            connection.setInstanceFollowRedirects(false);
            connection.setConnectTimeout((int) options.timeout().toMillis());
            connection.setReadTimeout((int) options.timeout().toMillis());
            connection.setRequestProperty("User-Agent", USER_AGENT);
            headers.forEach(connection::setRequestProperty);
            if (authorization != null && sameOrigin) {
                connection.setRequestProperty("Authorization", authorization);
            }
            boolean sendsBody = body != null || method.equals("POST") || method.equals("PUT");
            if (sendsBody) {
                connection.setDoOutput(true);
                connection.setFixedLengthStreamingMode(body != null ? body.length() : 0);
            }
            if (body != null) {
                connection.setRequestProperty("Content-Type", body.contentType());
            }
            RequestDeadline.connect(connection);
            if (body != null) {
                try (OutputStream out = connection.getOutputStream(); InputStream in = body.opener().open()) {
                    in.transferTo(out);
                }
            } else if (sendsBody) {
                connection.getOutputStream().close();
            }
            int status = connection.getResponseCode();
            if (status >= 200 && status < 300) {
                return connection;
            }
            if (status >= 300 && status < 400 && connection.getHeaderField("Location") != null) {
                currentUrl = URI.create(currentUrl).resolve(connection.getHeaderField("Location")).toString();
                RequestDeadline.release(connection);
                continue;
            }
            if (status == 401 && !challenged) {
                challenged = true;
                String challenge = connection.getHeaderField("WWW-Authenticate");
                drain(connection);
                authorization = auth.answerChallenge(host, scope, challenge);
                continue;
            }
            String errorBody = errorBody(connection);
            RequestDeadline.release(connection);
            throw statusException(status, connection::getHeaderField, host, repository, url, errorBody);
        }
        throw new IOException("too many redirects for " + url);
    }

    /** Scheme, host and port all equal: credentials never follow a redirect to another server, even on the same host. */
    static boolean sameOrigin(URL a, URL b) {
        int portA = a.getPort() < 0 ? a.getDefaultPort() : a.getPort();
        int portB = b.getPort() < 0 ? b.getDefaultPort() : b.getPort();
        return a.getProtocol().equalsIgnoreCase(b.getProtocol()) && a.getHost().equalsIgnoreCase(b.getHost()) && portA == portB;
    }

    IOException statusException(int status, Function<String, String> header, String host, String repository, String url,
                                        String body) throws RegistryException {
        String what = host + "/" + repository;
        switch (status) {
            case 401 -> throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, "the registry " + host
                    + " refused the credentials for " + what + " (401" + registryError(body) + ")");
            case 403 -> throw new RegistryException(RegistryException.Kind.FORBIDDEN, "access to " + what
                    + " is forbidden (403" + registryError(body) + ")");
            case 404 -> throw new RegistryException(RegistryException.Kind.NOT_FOUND, "not found: " + url.replaceFirst("^https?://[^/]+/v2/", "")
                    + " on " + host + " (404" + registryError(body) + ")");
            case 407 -> throw proxyRefused(host);
            default -> {
                if (status == 429 || status >= 500) {
                    return new RetryableStatus("HTTP " + status + " from " + host + registryError(body), retryAfter(header));
                }
                throw new RegistryException(RegistryException.Kind.UNSUPPORTED, "HTTP " + status + " from " + host + " for " + what
                        + registryError(body));
            }
        }
    }

    static long retryAfter(Function<String, String> header) {
        String value = header.apply("Retry-After");
        if (value == null) {
            return 0;
        }
        try {
            return Long.parseLong(value.strip()) * 1000;
        } catch (NumberFormatException e) {
            return 0; // an HTTP date: fall back to the normal backoff
        }
    }

    static String registryError(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            JsonNode errors = Json.MAPPER.readTree(body).path("errors");
            if (errors.isArray() && !errors.isEmpty()) {
                return ": " + errors.get(0).path("code").asText("") + " " + errors.get(0).path("message").asText("");
            }
        } catch (IOException e) {
            // not the registry's JSON error format
        }
        return "";
    }

    static String errorBody(HttpURLConnection connection) {
        InputStream raw = connection.getErrorStream();
        if (raw == null) {
            return "";
        }
        // only the start of it is shown: the rest is never read, however much the server has; and no longer than the deadline
        try (InputStream error = new BoundedBody(raw, MAX_ERROR_BYTES, RequestDeadline.current())) {
            return new String(error.readNBytes(MAX_ERROR_BYTES), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    static void drain(HttpURLConnection connection) {
        errorBody(connection);
    }

    static String describe(String host, String repository, String reference) {
        String name = host + "/" + repository;
        if (reference == null) {
            return name;
        }
        return reference.startsWith("sha256:") ? name + "@" + reference : name + ":" + reference;
    }
}
