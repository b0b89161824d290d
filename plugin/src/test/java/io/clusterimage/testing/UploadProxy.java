package io.clusterimage.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 proxy on 127.0.0.1 in front of a real registry for pushes: unlike {@link FaultProxy}
 * it forwards request bodies and every method (PATCH included), rewrites the registry's
 * {@code Location} headers to point back at itself, and logs each request with its query, its
 * {@code Content-Range} and the number of body bytes it received from the client. Faults hit
 * chosen requests: a status instead of forwarding, a connection reset after half of the request
 * body (nothing reaches the registry, as with a front proxy that buffers request bodies, nginx's
 * default), or a reset after forwarding (the registry has the request, the client never hears).
 * Raw sockets towards the client, so resets are real; one request per connection.
 */
public final class UploadProxy implements AutoCloseable {

    public enum Fault {
        /** Answer with the rule's status instead of forwarding. */
        STATUS,
        /** Read half of the request body, then reset the connection; nothing is forwarded. */
        RESET_MID_REQUEST_BODY,
        /** Forward the whole request, then reset the connection instead of answering. */
        RESET_AFTER_FORWARDING
    }

    /** One request as the proxy received it. */
    public record Exchange(String method, String path, String query, String contentRange, String authorization, long bodyBytes,
                           int status, Fault fault) {
        public boolean isUploadOf(String repository) {
            return path.startsWith("/v2/" + repository + "/blobs/uploads/");
        }
    }

    /**
     * Holds matching requests until {@code parties} of them are held at the same time: proof that a
     * client sends them concurrently (a sequential client leaves the first one waiting until the timeout).
     */
    public static final class Gate {
        private final String method;
        private final String pathPart;
        private final CountDownLatch arrived;
        private final Duration timeout;
        private volatile boolean timedOut;

        Gate(String method, String pathPart, int parties, Duration timeout) {
            this.method = method;
            this.pathPart = pathPart;
            this.arrived = new CountDownLatch(parties);
            this.timeout = timeout;
        }

        /** Whether every held request saw all parties arrive before its timeout. */
        public boolean openedByConcurrentRequests() {
            return !timedOut && arrived.getCount() == 0;
        }

        void pass(String requestMethod, String path) throws InterruptedException {
            if (requestMethod.equals(method) && path.contains(pathPart) && arrived.getCount() > 0) {
                arrived.countDown();
                if (!arrived.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    timedOut = true;
                }
            }
        }
    }

    private record Rule(String method, String pathPart, AtomicInteger skip, AtomicInteger remaining, Fault fault, int status) {
    }


    private final ServerSocket server;
    private final String backend;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<Gate> gates = new CopyOnWriteArrayList<>();
    private final List<Exchange> log = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    public UploadProxy(String backendUrl) throws IOException {
        this.backend = backendUrl;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "upload-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String host() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    public String url() {
        return "http://" + host();
    }

    /**
     * Applies {@code fault} to {@code times} requests with this method whose path contains
     * {@code pathPart}, after letting the first {@code skip} of them through untouched.
     */
    public UploadProxy inject(String method, String pathPart, int skip, int times, Fault fault, int status) {
        rules.add(new Rule(method, pathPart, new AtomicInteger(skip), new AtomicInteger(times), fault, status));
        return this;
    }

    private record ExtraHeader(String method, String pathPart, String name, String value) {
    }

    private final List<ExtraHeader> extraHeaders = new CopyOnWriteArrayList<>();

    /**
     * Forwards matching requests and adds a header to the registry's answer: what a registry with a feature the
     * one behind lacks would say (docker-registry 2.8 has no referrers API, so never answers {@code OCI-Subject}).
     */
    public UploadProxy addResponseHeader(String method, String pathPart, String name, String value) {
        extraHeaders.add(new ExtraHeader(method, pathPart, name, value));
        return this;
    }

    public Gate gate(String method, String pathPart, int parties, Duration timeout) {
        Gate gate = new Gate(method, pathPart, parties, timeout);
        gates.add(gate);
        return gate;
    }

    public List<Exchange> requests() {
        return List.copyOf(log);
    }

    private void acceptLoop() {
        FaultProxy.acceptLoop(server, open, () -> closed, this::handle, "upload-proxy-conn");
    }

    private Rule match(String method, String path) {
        for (Rule rule : rules) {
            if (rule.method().equals(method) && path.contains(rule.pathPart())) {
                if (rule.skip().getAndUpdate(n -> n > 0 ? n - 1 : n) > 0) {
                    return null;
                }
                if (rule.remaining().getAndUpdate(n -> n > 0 ? n - 1 : n) != 0) {
                    return rule;
                }
            }
        }
        return null;
    }

    private void handle(Socket socket) {
        try (socket) {
            socket.setSoTimeout(30_000);
            InputStream in = socket.getInputStream();
            HttpRelay.RequestHead head = HttpRelay.readHead(in);
            if (head == null) {
                return;
            }
            Map<String, String> headers = head.headers();
            String method = head.method();
            URI target = URI.create(head.target());
            String path = target.getRawPath();
            String query = target.getRawQuery();
            OutputStream out = socket.getOutputStream();
            long length = Long.parseLong(headers.getOrDefault("content-length", "0"));
            Rule rule = match(method, path);
            Fault fault = rule == null ? null : rule.fault();
            if (fault == Fault.RESET_MID_REQUEST_BODY) {
                long half = length / 2;
                in.readNBytes((int) half);
                log.add(new Exchange(method, path, query, headers.get("content-range"), headers.get("authorization"), half, 0, fault));
                socket.setSoLinger(true, 0); // close() sends RST: the client sees a reset while sending
                return;
            }
            byte[] body = in.readNBytes((int) length);
            if (fault == Fault.STATUS) {
                log.add(new Exchange(method, path, query, headers.get("content-range"), headers.get("authorization"), body.length,
                        rule.status(), fault));
                byte[] error = ("{\"errors\":[{\"code\":\"INJECTED\",\"message\":\"injected " + rule.status() + "\"}]}")
                        .getBytes(StandardCharsets.UTF_8);
                FaultProxy.writeHead(out, rule.status(), Map.of("Content-Type", "application/json"), error.length);
                out.write(error);
                out.flush();
                return;
            }
            for (Gate gate : gates) {
                gate.pass(method, path);
            }
            HttpResponse<byte[]> response = HttpRelay.forward(http, backend + head.target(), method, headers, body);
            log.add(new Exchange(method, path, query, headers.get("content-range"), headers.get("authorization"), body.length,
                    response.statusCode(), fault));
            if (fault == Fault.RESET_AFTER_FORWARDING) {
                socket.setSoLinger(true, 0);
                return;
            }
            HttpRelay.relay(out, method, response, responseHeaders -> {
                responseHeaders.replaceAll((name, value) -> name.equalsIgnoreCase("Location") && value.startsWith(backend)
                        ? url() + value.substring(backend.length()) : value);
                for (ExtraHeader extra : extraHeaders) {
                    if (extra.method().equals(method) && path.contains(extra.pathPart())) {
                        responseHeaders.put(extra.name(), extra.value());
                    }
                }
            });
        } catch (SocketException e) {
            // the client went away
        } catch (IOException e) {
            if (!closed) {
                e.printStackTrace();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.remove(socket);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket socket : new ArrayList<>(open)) {
            socket.close();
        }
    }
}
