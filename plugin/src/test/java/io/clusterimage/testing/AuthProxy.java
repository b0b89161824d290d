package io.clusterimage.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A forward HTTP proxy on 127.0.0.1 that wants Basic credentials (a company proxy): a request without the
 * right {@code Proxy-Authorization} gets 407 with a {@code Proxy-Authenticate} challenge; one with them is
 * forwarded to the absolute URL it names, without that header; a {@code CONNECT host:port} with them gets a
 * tunnel to that address (how an HTTPS registry is reached through it), bytes relayed both ways unread.
 * Logs every request: method, URL, whether it was let through, and whether credentials meant for the
 * proxy were seen on a request it forwarded.
 */
public final class AuthProxy implements AutoCloseable {

    /** One request as the proxy saw it. */
    public record Seen(String method, String url, boolean authorized, boolean forwardedProxyCredentials) {
    }


    private final ServerSocket server;
    private final String expected;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final List<Seen> log = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    public AuthProxy(String username, String password) throws IOException {
        this.expected = "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> FaultProxy.acceptLoop(server, open, () -> closed, this::handle, "auth-proxy-conn"),
                "auth-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public java.net.Proxy proxy() {
        return new java.net.Proxy(java.net.Proxy.Type.HTTP, new java.net.InetSocketAddress("127.0.0.1", server.getLocalPort()));
    }

    public int port() {
        return server.getLocalPort();
    }

    public List<Seen> requests() {
        return List.copyOf(log);
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
            String url = head.target();
            OutputStream out = socket.getOutputStream();
            byte[] body = in.readNBytes((int) Long.parseLong(headers.getOrDefault("content-length", "0")));
            boolean authorized = expected.equals(headers.get("proxy-authorization"));
            if (!authorized) {
                log.add(new Seen(method, url, false, false));
                byte[] text = "proxy authentication required".getBytes(StandardCharsets.UTF_8);
                FaultProxy.writeHead(out, 407, Map.of("Proxy-Authenticate", "Basic realm=\"company proxy\"", "Content-Type", "text/plain"), text.length);
                out.write(text);
                out.flush();
                return;
            }
            if (method.equals("CONNECT")) {
                log.add(new Seen(method, url, true, false));
                tunnel(socket, url);
                return;
            }
            HttpResponse<byte[]> response = HttpRelay.forward(http, url, method, headers, body);
            log.add(new Seen(method, url, true, headers.containsKey("authorization") && expected.equals(headers.get("authorization"))));
            HttpRelay.relay(out, method, response, responseHeaders -> { });
        } catch (IOException e) {
            // the client went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.remove(socket);
        }
    }

    /** {@code CONNECT host:port}: connects there, says so, and relays until either side closes. */
    private void tunnel(Socket client, String address) throws IOException {
        int colon = address.lastIndexOf(':');
        try (Socket target = new Socket(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)))) {
            open.add(target);
            OutputStream out = client.getOutputStream();
            out.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            client.setSoTimeout(0);
            Thread upstream = new Thread(() -> relay(client, target), "auth-proxy-tunnel-up");
            upstream.setDaemon(true);
            upstream.start();
            relay(target, client);
        } finally {
            open.removeIf(s -> s.isClosed());
        }
    }

    private static void relay(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException e) {
            // one side closed: the tunnel is over
        } finally {
            try {
                to.shutdownOutput();
            } catch (IOException e) {
                // already closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket socket : List.copyOf(open)) {
            socket.close();
        }
    }
}
