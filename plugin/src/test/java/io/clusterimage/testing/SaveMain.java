package io.clusterimage.testing;

import io.clusterimage.core.Platform;
import io.clusterimage.reference.ImageReference;
import io.clusterimage.registry.CredentialProvider;
import io.clusterimage.registry.DockerConfigCredentials;
import io.clusterimage.registry.ImageSaver;
import io.clusterimage.registry.RegistryClient;
import io.clusterimage.registry.RegistryOptions;
import io.clusterimage.registry.SaveOptions;
import io.clusterimage.registry.SaveSummary;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@link ImageSaver} in a JVM of its own, for tests that kill it or that need a PATH of their own.
 * Arguments: {@code out=DIR cache=DIR insecure=HOST [platform=os/arch]... [config=DOCKER_CONFIG_JSON]
 * [concurrency=N] [proxy=PORT [proxyuser=USER:PASSWORD]] [certs=CERTS_D_ROOT] IMAGE...}. Prints {@code READY} just before saving, then {@code SAVED <images>
 * <blobsFetched>} or {@code FAILED <kind> <message>} per failure (exit 1).
 */
public final class SaveMain {

    private SaveMain() {
    }

    public static void main(String[] args) throws Exception {
        Path out = null;
        Path cache = null;
        Set<String> insecure = new java.util.HashSet<>();
        List<Platform> platforms = new ArrayList<>();
        List<ImageReference> images = new ArrayList<>();
        CredentialProvider credentials = CredentialProvider.ANONYMOUS;
        int concurrency = 4;
        int proxyPort = 0;
        String proxyUser = null;
        Path certs = null;
        for (String arg : args) {
            if (arg.startsWith("out=")) {
                out = Path.of(arg.substring(4));
            } else if (arg.startsWith("cache=")) {
                cache = Path.of(arg.substring(6));
            } else if (arg.startsWith("insecure=")) {
                insecure.add(arg.substring(9));
            } else if (arg.startsWith("platform=")) {
                platforms.add(Platform.parse(arg.substring(9)));
            } else if (arg.startsWith("config=")) {
                credentials = new DockerConfigCredentials(List.of(Path.of(arg.substring(7))));
            } else if (arg.startsWith("proxy=")) {
                proxyPort = Integer.parseInt(arg.substring(6));
            } else if (arg.startsWith("proxyuser=")) {
                proxyUser = arg.substring(10);
            } else if (arg.startsWith("certs=")) {
                certs = Path.of(arg.substring(6));
            } else if (arg.startsWith("concurrency=")) {
                concurrency = Integer.parseInt(arg.substring(12));
            } else {
                images.add(ImageReference.parse(arg));
            }
        }
        if (platforms.isEmpty()) {
            platforms.add(Platform.LINUX_AMD64);
        }
        RegistryOptions options = RegistryOptions.defaults().withInsecure(insecure).withCredentials(credentials)
                .withRetries(3, Duration.ofMillis(50));
        if (proxyPort > 0) {
            java.net.Proxy proxy = new java.net.Proxy(java.net.Proxy.Type.HTTP, new java.net.InetSocketAddress("127.0.0.1", proxyPort));
            options = new RegistryOptions(credentials, insecure, java.util.Map.of(), host -> proxy, 3, Duration.ofMillis(50),
                    Duration.ofSeconds(30), RegistryOptions.DEFAULT_REQUEST_TIMEOUT, RegistryOptions.DEFAULT_MIN_BYTES_PER_SECOND);
            if (proxyUser != null) {
                String[] pair = proxyUser.split(":", 2);
                options = options.withProxyCredentials(new java.net.PasswordAuthentication(pair[0], pair[1].toCharArray()));
            }
        }
        if (certs != null) {
            options = options.withTls(new io.clusterimage.registry.RegistryTls(List.of(certs)));
        }
        ImageSaver saver = new ImageSaver(new RegistryClient(options),
                new SaveOptions(out, platforms, false, concurrency, cache, false, line -> { }));
        System.out.println("READY");
        System.out.flush();
        try {
            SaveSummary summary = saver.save(images);
            System.out.println("SAVED " + summary.images() + " " + summary.blobsFetched());
        } catch (ImageSaver.SaveException e) {
            for (ImageSaver.Failure failure : e.failures()) {
                System.out.println("FAILED " + failure.error().kind() + " " + failure.error().getMessage());
            }
            System.exit(1);
        }
    }
}
