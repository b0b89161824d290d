package io.clusterimage.registry;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-registry TLS, as podman, skopeo and Docker read it (containers-certs.d(5)): under a certs.d root, the
 * directory named like the registry ({@code host:port}, else {@code host}) holds {@code *.crt} files —
 * certificate authorities trusted for that registry, on top of the JVM's — and {@code *.cert}/{@code *.key}
 * pairs — a client certificate for registries that ask for one. A registry without such a directory uses
 * the JVM's trust store alone. Keys are PEM, PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}).
 */
public final class RegistryTls {

    /** Where the container tools keep them: system-wide for podman/skopeo and Docker, and rootless podman's. */
    public static List<Path> defaultRoots() {
        return List.of(Path.of("/etc/containers/certs.d"), Path.of("/etc/docker/certs.d"),
                Path.of(System.getProperty("user.home"), ".config", "containers", "certs.d"));
    }

    private final List<Path> roots;
    private final Map<String, Optional<SSLContext>> contexts = new ConcurrentHashMap<>();

    public RegistryTls(List<Path> roots) {
        this.roots = List.copyOf(roots);
    }

    /**
     * Gives an HTTPS connection the certs.d certificates of its host, when the options name certs.d roots
     * and that host has any (every connection to a registry, its token service or a download goes through this).
     */
    public static void configure(RegistryOptions options, HttpURLConnection connection) throws RegistryException {
        if (options.tls() != null && connection instanceof HttpsURLConnection https) {
            options.tls().contextFor(connection.getURL().getAuthority())
                    .ifPresent(context -> https.setSSLSocketFactory(context.getSocketFactory()));
        }
    }

    /**
     * The TLS context for a registry ({@code host} or {@code host:port}), empty when no certs.d directory names it.
     *
     * @throws RegistryException TLS, naming the file, when a certificate or key there cannot be read
     */
    public Optional<SSLContext> contextFor(String hostWithPort) throws RegistryException {
        Optional<SSLContext> known = contexts.get(hostWithPort);
        if (known != null) {
            return known;
        }
        Optional<SSLContext> context;
        try {
            context = build(hostWithPort);
        } catch (IOException | GeneralSecurityException e) {
            throw new RegistryException(RegistryException.Kind.TLS, "the certificates for " + hostWithPort + " cannot be used: "
                    + e.getMessage(), e);
        }
        contexts.put(hostWithPort, context);
        return context;
    }

    private Optional<SSLContext> build(String hostWithPort) throws IOException, GeneralSecurityException {
        String host = hostWithPort.contains(":") ? hostWithPort.substring(0, hostWithPort.lastIndexOf(':')) : hostWithPort;
        List<X509Certificate> authorities = new ArrayList<>();
        List<Path[]> clientPairs = new ArrayList<>();
        for (Path root : roots) {
            for (String name : hostWithPort.equals(host) ? List.of(host) : List.of(hostWithPort, host)) {
                Path dir = root.resolve(name);
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                    for (Path file : files) {
                        String fileName = file.getFileName().toString();
                        if (fileName.endsWith(".crt")) {
                            authorities.addAll(certificates(file));
                        } else if (fileName.endsWith(".cert")) {
                            Path key = dir.resolve(fileName.substring(0, fileName.length() - ".cert".length()) + ".key");
                            if (!Files.isRegularFile(key)) {
                                throw new IOException(file + " has no " + key.getFileName() + " next to it (containers-certs.d:"
                                        + " a client certificate comes with its key)");
                            }
                            clientPairs.add(new Path[]{file, key});
                        }
                    }
                }
            }
        }
        if (authorities.isEmpty() && clientPairs.isEmpty()) {
            return Optional.empty();
        }
        TrustManager[] trust = null;
        if (!authorities.isEmpty()) {
            trust = new TrustManager[]{trustingAlso(authorities)};
        }
        KeyManager[] keys = null;
        if (!clientPairs.isEmpty()) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int n = 0;
            for (Path[] pair : clientPairs) {
                List<X509Certificate> chain = certificates(pair[0]);
                store.setKeyEntry("client-" + n++, PemKeys.privateKey(pair[1], "is not a PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----); convert it with"
                        + " openssl pkcs8 -topk8 -nocrypt -in " + pair[1].getFileName()), new char[0], chain.toArray(new X509Certificate[0]));
            }
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, new char[0]);
            keys = factory.getKeyManagers();
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys, trust, null);
        return Optional.of(context);
    }

    /** The JVM's trust anchors and these: a registry's own CA is added to what is trusted, nothing is taken away. */
    private static X509TrustManager trustingAlso(List<X509Certificate> authorities) throws GeneralSecurityException, IOException {
        TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        defaults.init((KeyStore) null);
        X509TrustManager jvm = (X509TrustManager) defaults.getTrustManagers()[0];
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < authorities.size(); i++) {
            store.setCertificateEntry("ca-" + i, authorities.get(i));
        }
        TrustManagerFactory extra = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        extra.init(store);
        X509TrustManager own = (X509TrustManager) extra.getTrustManagers()[0];
        return new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                jvm.checkClientTrusted(chain, authType);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                try {
                    own.checkServerTrusted(chain, authType);
                } catch (CertificateException notOurs) {
                    jvm.checkServerTrusted(chain, authType);
                }
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                List<X509Certificate> all = new ArrayList<>(List.of(jvm.getAcceptedIssuers()));
                all.addAll(authorities);
                return all.toArray(new X509Certificate[0]);
            }
        };
    }

    private static List<X509Certificate> certificates(Path file) throws IOException, CertificateException {
        List<X509Certificate> certificates = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certificates.add((X509Certificate) certificate);
            }
        }
        if (certificates.isEmpty()) {
            throw new IOException(file + " holds no PEM certificate");
        }
        return certificates;
    }
}
