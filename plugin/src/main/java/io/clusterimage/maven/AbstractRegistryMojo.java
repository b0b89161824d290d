package io.clusterimage.maven;

import io.clusterimage.registry.BlobCache;
import io.clusterimage.registry.CredentialProvider;
import io.clusterimage.registry.DockerConfigCredentials;
import io.clusterimage.registry.RegistriesConf;
import io.clusterimage.registry.RegistryOptions;
import io.clusterimage.registry.RegistryTls;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.crypto.SettingsDecrypter;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Parameters and settings of the goals that talk to registries (save-registry, package-image, push-image, fetch,
 * lock): credentials (POM, settings.xml, Docker config files), insecure registries, mirrors, proxies, the cache.
 */
public abstract class AbstractRegistryMojo extends AbstractGoalMojo {

    /** Registries reached over plain HTTP. Every other registry's TLS certificate is verified. */
    @Parameter(property = "cluster-image.insecureRegistries")
    protected List<String> insecureRegistries;

    /** Mirrors per registry, tried before the registry itself. */
    @Parameter
    protected List<RegistryMirror> mirrors;

    /** Credentials per registry (settings.xml servers and Docker config files are consulted after these). */
    @Parameter
    protected List<RegistryAuth> auths;

    /**
     * The most one registry request may take from start to end (a manifest, a token, an answer), in
     * seconds; a blob gets this plus its size at {@code minTransferKiBPerSecond}. Read timeouts alone
     * restart with every byte, so without it a server that trickles bytes holds the build for hours.
     */
    @Parameter(property = "cluster-image.requestTimeoutSeconds", defaultValue = "120")
    protected int requestTimeoutSeconds;

    /**
     * The slowest transfer a blob download (or upload chunk) is waited for, in KiB/s: a blob of
     * {@code n} KiB may take {@code requestTimeoutSeconds + n / minTransferKiBPerSecond} seconds.
     */
    @Parameter(property = "cluster-image.minTransferKiBPerSecond", defaultValue = "64")
    protected int minTransferKiBPerSecond;

    /**
     * The blob cache shared by all builds (default {@code ~/.cache/cluster-image}): images, base images,
     * fetched charts and files.
     */
    @Parameter(property = "cluster-image.cacheDirectory")
    protected File cacheDirectory;

    /**
     * Directories laid out as containers-certs.d(5): {@code <host[:port]>/*.crt} certificate authorities
     * trusted for that registry (on top of the JVM's) and {@code *.cert}/{@code *.key} client certificates.
     * Default: {@code /etc/containers/certs.d}, {@code /etc/docker/certs.d}, {@code ~/.config/containers/certs.d},
     * where podman, skopeo and Docker keep them.
     */
    @Parameter(property = "cluster-image.certsDirectories")
    protected List<File> certsDirectories;

    /**
     * Read registries.conf as podman, skopeo and buildah do (the user's {@code ~/.config/containers/registries.conf}
     * or else {@code /etc/containers/registries.conf}, then the drop-ins of {@code registries.conf.d/}):
     * mirrors, insecure and blocked registries (version 2 format). The POM's settings win.
     */
    @Parameter(property = "cluster-image.useRegistriesConf", defaultValue = "true")
    protected boolean useRegistriesConf;

    /** The OCI archive package-image writes and push-image pushes. */
    @Parameter(property = "cluster-image.outputFile",
            defaultValue = "${project.build.directory}/${project.artifactId}-${project.version}-cluster-image.tar")
    protected File outputFile;

    @Component
    protected SettingsDecrypter settingsDecrypter;

    /** The environment the plugin reads {@code <passwordEnvironmentVariable>} from (a map, for tests). */
    Map<String, String> environment = System.getenv();

    private RegistriesConf registriesConf;

    protected AbstractRegistryMojo(String goal, Option... options) {
        super(goal, options);
    }

    protected Path cache() {
        return cacheDirectory != null ? cacheDirectory.toPath() : BlobCache.defaultLocation();
    }

    /** settings.xml: servers and the proxy, passwords decrypted. */
    MavenSettings settings() {
        return new MavenSettings(session, settingsDecrypter, getLog());
    }

    /** registries.conf, read once per goal; its warnings are logged then. */
    protected RegistriesConf registriesConf() throws MojoExecutionException {
        if (registriesConf == null) {
            if (!useRegistriesConf) {
                registriesConf = RegistriesConf.none();
            } else {
                try {
                    registriesConf = RegistriesConf.read(RegistriesConf.defaultFiles());
                } catch (IOException e) {
                    throw new MojoExecutionException(e.getMessage() + "; fix it, or set -Dcluster-image.useRegistriesConf=false", e);
                }
                registriesConf.warnings().forEach(warning -> getLog().warn("cluster-image: " + warning));
                if (!registriesConf.files().isEmpty() && getLog().isDebugEnabled()) {
                    getLog().debug("cluster-image: read " + registriesConf.files());
                }
            }
        }
        return registriesConf;
    }

    protected RegistryOptions registryOptions() throws MojoExecutionException {
        Map<String, RegistryAuth> pom = RegistryAuth.byRegistry(auths);
        MavenSettings settings = settings();
        List<CredentialProvider> providers = new ArrayList<>();
        providers.add(host -> Optional.ofNullable(pom.get(host)).flatMap(auth -> auth.credentials(environment, getLog())));
        providers.add(settings::credentials);
        providers.add(DockerConfigCredentials.fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home"))));
        RegistriesConf conf = registriesConf();
        Map<String, List<String>> mirrorMap = RegistryMirror.merge(mirrors, conf.mirrors());
        Set<String> insecure = new HashSet<>(conf.insecure());
        insecure.addAll(GoalInputs.commaSeparated(insecureRegistries));
        if (requestTimeoutSeconds <= 0 || minTransferKiBPerSecond <= 0) {
            throw new MojoExecutionException("requestTimeoutSeconds and minTransferKiBPerSecond must be positive (they are "
                    + requestTimeoutSeconds + " and " + minTransferKiBPerSecond + "); the defaults are 120 and 64");
        }
        RegistryOptions options = new RegistryOptions(CredentialProvider.chain(providers), insecure, mirrorMap,
                settings.proxySelector(), 5, Duration.ofMillis(500), Duration.ofSeconds(60), Duration.ofSeconds(requestTimeoutSeconds),
                minTransferKiBPerSecond * 1024L);
        List<Path> roots = certsDirectories == null || certsDirectories.isEmpty()
                ? RegistryTls.defaultRoots() : certsDirectories.stream().map(File::toPath).toList();
        return options.withTls(new RegistryTls(roots)).withProxyCredentials(settings.proxyCredentials());
    }
}
