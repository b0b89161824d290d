package io.clusterimage.registry;

import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A connection made after its request's deadline has passed (a loaded machine, a slow first request before
 * a token request) ends at once: {@code disconnect()} of a connection that has not connected yet does
 * nothing, so the deadline must act after the connection is made, not only when it is opened.
 */
class RequestDeadlineTest {

    @Test
    void aConnectionMadeAfterTheDeadlineEndsAtOnceNotWhenTheServerStops() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread trickler = new Thread(() -> {
                try (Socket socket = server.accept(); OutputStream out = socket.getOutputStream()) {
                    for (byte b : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}".getBytes(StandardCharsets.US_ASCII)) {
                        out.write(b);
                        out.flush();
                        Thread.sleep(1000); // a head one byte a second: 40 s in all
                    }
                } catch (Exception e) {
                    // the client hung up
                }
            });
            trickler.setDaemon(true);
            trickler.start();
            long start = System.nanoTime();
            try (RequestDeadline deadline = RequestDeadline.start(Duration.ofMillis(50), "a test's 50 ms")) {
                Thread.sleep(100); // the deadline passes before the connection is made
                HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + server.getLocalPort() + "/")
                        .toURL().openConnection();
                connection.setReadTimeout(60_000);
                assertThrows(RequestDeadline.Exceeded.class, () -> {
                    RequestDeadline.connect(connection);
                    connection.getResponseCode();
                });
            }
            assertTrue(System.nanoTime() - start < 5_000_000_000L, "ended by the deadline, not by the server");
        }
    }
}
