package io.clusterimage.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/** What the test proxies share: reading a request head, forwarding a request, relaying the answer. */
final class HttpRelay {

    /** Headers that belong to one connection (or to the proxy), never forwarded. */
    static final Set<String> HOP_BY_HOP = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "transfer-encoding", "keep-alive", "te", "trailer", "proxy-connection", "proxy-authorization");

    private HttpRelay() {
    }

    /** A request's first line, split, and its headers (names in lower case). */
    record RequestHead(String method, String target, Map<String, String> headers) {
    }

    /** The next request's head; null when the client closed the connection or sent an empty line. */
    static RequestHead readHead(InputStream in) throws IOException {
        String requestLine = FaultProxy.readLine(in);
        if (requestLine == null || requestLine.isEmpty()) {
            return null;
        }
        String[] parts = requestLine.split(" ");
        return new RequestHead(parts[0], parts[1], readHeaders(in));
    }

    /** The header lines after the request line, names in lower case, up to the empty line. */
    private static Map<String, String> readHeaders(InputStream in) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = FaultProxy.readLine(in); line != null && !line.isEmpty(); line = FaultProxy.readLine(in)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
            }
        }
        return headers;
    }

    /** Sends the request on to {@code url}, its end-to-end headers and body with it. */
    static HttpResponse<byte[]> forward(HttpClient http, String url, String method, Map<String, String> headers, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).method(method,
                body.length == 0 && !headers.containsKey("content-length") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach((name, value) -> {
            if (!HOP_BY_HOP.contains(name)) {
                request.header(name, value);
            }
        });
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Writes the answer back to the client: status, end-to-end headers ({@code adjust} may change them), body. */
    static void relay(OutputStream out, String method, HttpResponse<byte[]> response, Consumer<Map<String, String>> adjust)
            throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        response.headers().map().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                headers.put(name, values.get(0));
            }
        });
        adjust.accept(headers);
        long announced = method.equals("HEAD") ? response.headers().firstValueAsLong("Content-Length").orElse(0) : response.body().length;
        FaultProxy.writeHead(out, response.statusCode(), headers, announced);
        if (!method.equals("HEAD")) {
            out.write(response.body());
        }
        out.flush();
    }
}
