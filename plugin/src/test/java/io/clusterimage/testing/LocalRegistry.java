package io.clusterimage.testing;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * A real docker-distribution registry (Debian's {@code docker-registry}) on 127.0.0.1, storing in a
 * directory — either a fresh one to push test images to, or a saved tree served read-only.
 */
public final class LocalRegistry implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path root;

    private LocalRegistry(Process process, int port, Path root) {
        this.process = process;
        this.port = port;
        this.root = root;
    }

    /**
     * @param root     the storage root directory ({@code rootdirectory}: holds {@code docker/registry/v2})
     * @param readOnly serve without accepting pushes
     * @param htpasswd an htpasswd file for Basic auth, or null
     */
    public static LocalRegistry start(Path root, boolean readOnly, Path htpasswd, Path workDir) throws IOException, InterruptedException {
        return start(root, readOnly, htpasswd, workDir, null, null, null, null);
    }

    /**
     * A pull-through cache, as docker-registry runs in proxy mode ({@code proxy: remoteurl}): what it is asked
     * for it fetches from {@code remoteUrl} once and keeps in {@code root}, serving it from there afterwards.
     */
    public static LocalRegistry startPullThrough(Path root, Path workDir, String remoteUrl) throws IOException, InterruptedException {
        return start(root, false, null, workDir, null, null, null, remoteUrl);
    }

    /**
     * Served over TLS with {@code certificate} and {@code key} (PEM); with {@code clientCa}, a client
     * certificate that CA signed is required.
     */
    public static LocalRegistry startTls(Path root, Path workDir, Path certificate, Path key, Path clientCa)
            throws IOException, InterruptedException {
        return start(root, true, null, workDir, certificate, key, clientCa, null);
    }

    private static LocalRegistry start(Path root, boolean readOnly, Path htpasswd, Path workDir, Path certificate, Path key,
                                       Path clientCa, String proxyRemoteUrl) throws IOException, InterruptedException {
        Path binary = Tools.require("docker-registry");
        Files.createDirectories(root);
        Files.createDirectories(workDir);
        // a free port can be taken by another process between freePort() and the registry's bind (two test
        // runs on one machine): then the registry exits saying so, and it is started again on another port
        for (int attempt = 1; ; attempt++) {
            int port = freePort();
            String auth = htpasswd == null ? "" : "auth:\n  htpasswd:\n    realm: test\n    path: " + htpasswd.toAbsolutePath() + "\n";
            String config = "version: 0.1\n"
                    + "log:\n  level: error\n  accesslog:\n    disabled: true\n"
                    + "storage:\n  filesystem:\n    rootdirectory: " + root.toAbsolutePath() + "\n"
                    + "  maintenance:\n    uploadpurging:\n      enabled: false\n    readonly:\n      enabled: " + readOnly + "\n"
                    + auth
                    + (proxyRemoteUrl == null ? "" : "proxy:\n  remoteurl: " + proxyRemoteUrl + "\n")
                    + "http:\n  addr: 127.0.0.1:" + port + "\n"
                    + (certificate == null ? "" : "  tls:\n    certificate: " + certificate.toAbsolutePath() + "\n    key: "
                    + key.toAbsolutePath() + "\n" + (clientCa == null ? "" : "    clientcas:\n      - " + clientCa.toAbsolutePath() + "\n"));
            Path configFile = Files.createTempFile(workDir, "registry", ".yml");
            Files.writeString(configFile, config, StandardCharsets.UTF_8);
            Path log = workDir.resolve("registry-" + port + ".log");
            Process process = new ProcessBuilder(binary.toString(), "serve", configFile.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            LocalRegistry registry = new LocalRegistry(process, port, root);
            try {
                registry.awaitReady(certificate != null);
                return registry;
            } catch (IOException e) {
                registry.close();
                String said = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8).strip() : "";
                if (attempt < 3 && said.contains("address already in use")) {
                    continue;
                }
                throw new IOException(e.getMessage() + (said.isEmpty() ? "" : "; its log says: " + said), e);
            }
        }
    }

    /** @param tls whether it speaks TLS: then a plain HTTP question gets 400, which says it listens */
    private void awaitReady(boolean tls) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("docker-registry exited with " + process.exitValue());
            }
            try {
                HttpURLConnection connection = (HttpURLConnection) URI.create(url() + "/v2/").toURL().openConnection();
                connection.setConnectTimeout(500);
                int status = connection.getResponseCode();
                connection.disconnect();
                if (status == 200 || status == 401 || tls && status == 400) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IOException("docker-registry did not start on port " + port);
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    public String host() {
        return "127.0.0.1:" + port;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public Path root() {
        return root;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
