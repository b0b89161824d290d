package io.clusterimage.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An HTTP/1.1 proxy on 127.0.0.1 in front of a real registry that injects faults into chosen
 * requests: a status (500, 429 with Retry-After, 404, 401), a connection reset in the middle of the
 * body, a body shorter than its Content-Length, a body of the right length with flipped bytes, a
 * body that goes on past its size (without end, or with a Content-Length that says so), or a
 * response sent one byte a second (slow loris).
 * Raw sockets, so that resets and short bodies are really what goes over the wire. One request per
 * connection ({@code Connection: close}); every request is logged with its time and outcome.
 */
public final class FaultProxy implements AutoCloseable {

    /** What to do to a matching request. */
    public enum Fault {
        /** Answer with the rule's status (and headers) instead of forwarding. */
        STATUS,
        /** Forward, send the headers and half of the body, then reset the connection (RST). */
        RESET_MID_BODY,
        /** Forward, announce the full Content-Length, send half of the body, then close normally. */
        TRUNCATE,
        /** Forward, but flip every byte of the body (same length). */
        CORRUPT,
        /** Forward without Content-Length (the body ends when the connection does), then send zeros without end. */
        ENDLESS,
        /** Forward with a Content-Length 1 MiB larger than the body, and send that: the body, then 1 MiB of zeros. */
        OVERLONG,
        /** Forward, but send the whole response, head included, one byte a second. */
        TRICKLE,
        /** Forward, send the head at once, then the body one byte a second. */
        TRICKLE_BODY
    }

    /** How long the proxy goes on with ENDLESS and TRICKLE when the client does not hang up: it stops by itself. */
    private static final long ENDLESS_MAX_BYTES = 1L << 30;
    private static final long HOSTILE_MAX_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    private static final int OVERLONG_EXTRA = 1024 * 1024;

    /** One logged request. */
    public record Request(long nanos, String method, String path, String authorization, int status, Fault fault) {
    }

    private record Rule(Predicate<String> path, AtomicInteger remaining, Fault fault, int status, Map<String, String> headers,
                        byte[] body) {
        Rule(Predicate<String> path, AtomicInteger remaining, Fault fault, int status, Map<String, String> headers) {
            this(path, remaining, fault, status, headers, null);
        }
    }

    private final ServerSocket server;
    private final String backend;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<Request> log = new CopyOnWriteArrayList<>();
    private final List<Map.Entry<String, Long>> sent = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private volatile boolean closed;

    public FaultProxy(String backendUrl) throws IOException {
        this.backend = backendUrl;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "fault-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String host() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Applies {@code fault} to the next {@code times} requests whose path matches (-1: all of them). */
    public FaultProxy inject(Predicate<String> path, int times, Fault fault) {
        rules.add(new Rule(path, new AtomicInteger(times), fault, 0, Map.of()));
        return this;
    }

    /** Answers the next {@code times} matching requests with {@code status} and {@code headers} (-1: all). */
    public FaultProxy status(Predicate<String> path, int times, int status, Map<String, String> headers) {
        rules.add(new Rule(path, new AtomicInteger(times), Fault.STATUS, status, Map.copyOf(headers)));
        return this;
    }

    /**
     * Answers every matching request with {@code status} and {@code body} (JSON) instead of forwarding it: an
     * endpoint the registry behind lacks (docker-registry 2.8 has no referrers API).
     */
    public FaultProxy answer(Predicate<String> path, int status, byte[] body) {
        rules.add(new Rule(path, new AtomicInteger(-1), Fault.STATUS, status, Map.of(), body.clone()));
        return this;
    }

    public List<Request> requests() {
        return List.copyOf(log);
    }

    public List<Request> requests(Predicate<String> path) {
        return log.stream().filter(r -> path.test(r.path())).toList();
    }

    /**
     * Bytes sent (head and body) in answer to the requests whose path matches, counted once each
     * answer has ended; an answer the proxy is still sending is not counted yet.
     */
    public long bytesSent(Predicate<String> path) {
        return sent.stream().filter(e -> path.test(e.getKey())).mapToLong(Map.Entry::getValue).sum();
    }

    /** A path predicate: the path contains {@code part}. */
    public static Predicate<String> contains(String part) {
        return path -> path.contains(part);
    }

    private void acceptLoop() {
        acceptLoop(server, open, () -> closed, this::handle, "fault-proxy-conn");
    }

    /** Accepts connections until the proxy is closed, each handled on a daemon thread of its own. */
    static void acceptLoop(ServerSocket server, List<Socket> open, java.util.function.BooleanSupplier closed,
                           java.util.function.Consumer<Socket> handler, String threadName) {
        while (!closed.getAsBoolean()) {
            try {
                Socket socket = server.accept();
                open.add(socket);
                Thread thread = new Thread(() -> handler.accept(socket), threadName);
                thread.setDaemon(true);
                thread.start();
            } catch (IOException e) {
                if (!closed.getAsBoolean()) {
                    e.printStackTrace();
                }
                return;
            }
        }
    }

    private Rule match(String path) {
        for (Rule rule : rules) {
            if (rule.path().test(path)) {
                int left = rule.remaining().getAndUpdate(n -> n > 0 ? n - 1 : n);
                if (left != 0) {
                    return rule;
                }
            }
        }
        return null;
    }

    private void handle(Socket socket) {
        long start = System.nanoTime();
        try (socket) {
            socket.setSoTimeout(30_000);
            InputStream in = socket.getInputStream();
            HttpRelay.RequestHead head = HttpRelay.readHead(in);
            if (head == null) {
                return;
            }
            Map<String, String> headers = head.headers();
            String method = head.method();
            String path = head.target();
            OutputStream out = socket.getOutputStream();
            Rule rule = match(path);
            if (rule != null && rule.fault() == Fault.STATUS) {
                log.add(new Request(start, method, path, headers.get("authorization"), rule.status(), Fault.STATUS));
                byte[] body = rule.body() != null ? rule.body() : ("{\"errors\":[{\"code\":\"INJECTED\",\"message\":\"injected "
                        + rule.status() + "\"}]}").getBytes(StandardCharsets.UTF_8);
                Map<String, String> responseHeaders = new LinkedHashMap<>(rule.headers());
                responseHeaders.put("Content-Type", "application/json");
                writeHead(out, rule.status(), responseHeaders, body.length);
                out.write(body);
                out.flush();
                return;
            }
            Response response = forward(method, path, headers);
            Fault fault = rule == null ? null : rule.fault();
            log.add(new Request(start, method, path, headers.get("authorization"), response.status, fault));
            byte[] body = response.body;
            if (fault == Fault.CORRUPT) {
                body = body.clone();
                for (int i = 0; i < body.length; i++) {
                    body[i] = (byte) ~body[i];
                }
            }
            if (fault == Fault.ENDLESS || fault == Fault.OVERLONG || fault == Fault.TRICKLE || fault == Fault.TRICKLE_BODY) {
                sendHostile(socket, path, fault, response.status, response.headers, body);
                return;
            }
            writeHead(out, response.status, response.headers, method.equals("HEAD") ? response.length : body.length);
            if (method.equals("HEAD")) {
                out.flush();
                return;
            }
            if (fault == Fault.RESET_MID_BODY || fault == Fault.TRUNCATE) {
                out.write(body, 0, body.length / 2);
                out.flush();
                if (fault == Fault.RESET_MID_BODY) {
                    socket.setSoLinger(true, 0); // close() now sends RST instead of FIN
                }
                return;
            }
            out.write(body);
            out.flush();
        } catch (SocketException e) {
            // the client went away
        } catch (IOException e) {
            if (!closed) {
                e.printStackTrace();
            }
        } finally {
            open.remove(socket);
        }
    }

    private record Response(int status, Map<String, String> headers, byte[] body, long length) {
    }

    private static final List<String> FORWARDED_RESPONSE_HEADERS = List.of("Content-Type", "Docker-Content-Digest",
            "Docker-Distribution-Api-Version", "Location", "WWW-Authenticate", "Retry-After", "ETag");

    private Response forward(String method, String path, Map<String, String> requestHeaders) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(backend + path).toURL().openConnection();
        connection.setRequestMethod(method);
        connection.setInstanceFollowRedirects(false);
        for (String name : List.of("accept", "authorization", "range")) {
            if (requestHeaders.containsKey(name)) {
                connection.setRequestProperty(name, requestHeaders.get(name));
            }
        }
        int status = connection.getResponseCode();
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : FORWARDED_RESPONSE_HEADERS) {
            String value = connection.getHeaderField(name);
            if (value != null) {
                headers.put(name, value);
            }
        }
        byte[] body;
        InputStream stream = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
        try (InputStream in = stream) {
            body = in == null ? new byte[0] : in.readAllBytes();
        }
        long length = connection.getContentLengthLong();
        connection.disconnect();
        return new Response(status, headers, body, length);
    }

    /**
     * Sends the answer of a hostile server until it is all sent, the client hangs up, the proxy is
     * closed or a minute has passed; counts what went out.
     */
    private void sendHostile(Socket socket, String path, Fault fault, int status, Map<String, String> headers, byte[] body) {
        long count = 0;
        long start = System.nanoTime();
        try {
            OutputStream out = socket.getOutputStream();
            if (fault == Fault.TRICKLE || fault == Fault.TRICKLE_BODY) {
                byte[] head = head(status, headers, body.length);
                byte[] slow = body;
                if (fault == Fault.TRICKLE) {
                    slow = java.util.Arrays.copyOf(head, head.length + body.length);
                    System.arraycopy(body, 0, slow, head.length, body.length);
                } else {
                    out.write(head);
                    count = head.length;
                }
                for (byte b : slow) {
                    if (closed || System.nanoTime() - start > HOSTILE_MAX_NANOS) {
                        return;
                    }
                    out.write(b);
                    out.flush();
                    count++;
                    Thread.sleep(1000);
                }
                return;
            }
            long extra = fault == Fault.ENDLESS ? ENDLESS_MAX_BYTES : OVERLONG_EXTRA;
            byte[] head = head(status, headers, fault == Fault.ENDLESS ? -1 : body.length + extra);
            out.write(head);
            out.write(body);
            count = head.length + body.length;
            byte[] zeros = new byte[64 * 1024];
            for (long left = extra; left > 0 && !closed && System.nanoTime() - start < HOSTILE_MAX_NANOS; ) {
                int n = (int) Math.min(zeros.length, left);
                out.write(zeros, 0, n);
                count += n;
                left -= n;
            }
            out.flush();
        } catch (IOException e) {
            // the client hung up: what a hostile server hopes never happens
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            sent.add(Map.entry(path, count));
        }
    }

    static void writeHead(OutputStream out, int status, Map<String, String> headers, long length) throws IOException {
        out.write(head(status, headers, length));
    }

    private static byte[] head(int status, Map<String, String> headers, long length) {
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (length >= 0) {
            head.append("Content-Length: ").append(length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        return head.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 307 -> "Temporary Redirect";
            case 401 -> "Unauthorized";
            case 404 -> "Not Found";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            default -> "Status";
        };
    }

    /** One HTTP head line, without its CR LF; null at the end of the stream. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                break;
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        if (b < 0 && line.size() == 0) {
            return null;
        }
        return line.toString(StandardCharsets.ISO_8859_1);
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
