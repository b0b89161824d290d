package io.clusterimage.inventory;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Kubernetes API server that must never be called: a socket on 127.0.0.1 that counts the
 * connections it accepts (and drops them), and the kubeconfig file that points at it.
 *
 * <p>Surefire sets {@code KUBECONFIG=target/kubeconfig-trap.yaml} for the test JVM (plugin/pom.xml).
 * Helm, inside helm-java, reads that variable and the file on every call, so the file is written the
 * first time any test class touches this one — test classes that call Helm do so in a static
 * initializer or {@code @BeforeAll}, before their first Helm call. One trap serves the whole JVM.
 */
final class KubeconfigTrap {

    /** Also the context's namespace, to see whether it leaks into a render. */
    static final String NAMESPACE = "trap-namespace";

    private static final String FILE_NAME = "kubeconfig-trap.yaml";
    private static final KubeconfigTrap INSTANCE;
    private static final String NOT_INSTALLED;

    static {
        String configured = System.getenv("KUBECONFIG");
        KubeconfigTrap trap = null;
        String reason = null;
        if (configured == null || configured.isBlank()) {
            reason = "KUBECONFIG is not set; run the tests through Maven (surefire sets it to target/" + FILE_NAME + ")";
        } else if (!Path.of(configured).getFileName().toString().equals(FILE_NAME)) {
            // never overwrite a real kubeconfig
            reason = "KUBECONFIG is " + configured + ", not a " + FILE_NAME + "; refusing to write it";
        } else {
            try {
                trap = new KubeconfigTrap(Path.of(configured));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        INSTANCE = trap;
        NOT_INSTALLED = reason;
    }

    private final ServerSocket server;
    private final Path file;
    private final AtomicInteger connections = new AtomicInteger();

    private KubeconfigTrap(Path file) throws IOException {
        this.file = file;
        this.server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        server.setSoTimeout(200);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, kubeconfig(server.getLocalPort()), StandardCharsets.UTF_8);
        Thread acceptor = new Thread(this::acceptLoop, "kubeconfig-trap");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * The trap, installed. Under surefire a missing trap fails the test; elsewhere (an IDE run without
     * the variable) the test is aborted rather than run against whatever cluster the user has.
     */
    static KubeconfigTrap install() {
        if (INSTANCE == null) {
            if (System.getProperty("surefire.real.class.path") != null) {
                throw new AssertionError(NOT_INSTALLED);
            }
            Assumptions.abort(NOT_INSTALLED);
        }
        return INSTANCE;
    }

    int port() {
        return server.getLocalPort();
    }

    String address() {
        return "127.0.0.1:" + port();
    }

    Path file() {
        return file;
    }

    /** Connections accepted so far, after giving one in flight a moment to be accepted. */
    int connections() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return connections.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                connections.incrementAndGet();
            } catch (SocketTimeoutException e) {
                // poll again
            } catch (IOException e) {
                return;
            }
        }
    }

    private static String kubeconfig(int port) {
        return "apiVersion: v1\n"
                + "kind: Config\n"
                + "clusters:\n"
                + "- name: trap\n"
                + "  cluster:\n"
                + "    server: https://127.0.0.1:" + port + "\n"
                + "    insecure-skip-tls-verify: true\n"
                + "users:\n"
                + "- name: trap\n"
                + "  user: {}\n"
                + "contexts:\n"
                + "- name: trap\n"
                + "  context:\n"
                + "    cluster: trap\n"
                + "    user: trap\n"
                + "    namespace: " + NAMESPACE + "\n"
                + "current-context: trap\n";
    }
}
