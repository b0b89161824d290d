package io.clusterimage.maven;

import io.clusterimage.registry.CredentialProvider;
import io.clusterimage.registry.Credentials;
import io.clusterimage.registry.DockerConfigCredentials;
import io.clusterimage.registry.RegistryOptions;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.Proxy;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Parameters and settings of the goals that talk to registries (save-registry, push-image):
 * credentials (POM, settings.xml, Docker config files), insecure registries, mirrors, proxies.
 */
public abstract class AbstractRegistryMojo extends AbstractClusterImageMojo {

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
    protected java.io.File cacheDirectory;

    protected java.nio.file.Path cache() {
        return cacheDirectory != null ? cacheDirectory.toPath() : io.clusterimage.registry.BlobCache.defaultLocation();
    }

    /**
     * Directories laid out as containers-certs.d(5): {@code <host[:port]>/*.crt} certificate authorities
     * trusted for that registry (on top of the JVM's) and {@code *.cert}/{@code *.key} client certificates.
     * Default: {@code /etc/containers/certs.d}, {@code /etc/docker/certs.d}, {@code ~/.config/containers/certs.d},
     * where podman, skopeo and Docker keep them.
     */
    @Parameter(property = "cluster-image.certsDirectories")
    protected List<java.io.File> certsDirectories;

    /**
     * Read registries.conf as podman, skopeo and buildah do (the user's {@code ~/.config/containers/registries.conf}
     * or else {@code /etc/containers/registries.conf}, then the drop-ins of {@code registries.conf.d/}):
     * mirrors, insecure and blocked registries (version 2 format). The POM's settings win.
     */
    @Parameter(property = "cluster-image.useRegistriesConf", defaultValue = "true")
    protected boolean useRegistriesConf;

    private io.clusterimage.registry.RegistriesConf registriesConf;

    /** registries.conf, read once per goal; its warnings are logged then. */
    protected io.clusterimage.registry.RegistriesConf registriesConf() throws MojoExecutionException {
        if (registriesConf == null) {
            if (!useRegistriesConf) {
                registriesConf = io.clusterimage.registry.RegistriesConf.none();
            } else {
                try {
                    registriesConf = io.clusterimage.registry.RegistriesConf.read(io.clusterimage.registry.RegistriesConf.defaultFiles());
                } catch (java.io.IOException e) {
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

    @Component
    protected SettingsDecrypter settingsDecrypter;

    protected RegistryOptions registryOptions() throws MojoExecutionException {
        List<CredentialProvider> providers = new ArrayList<>();
        Map<String, RegistryAuth> pom = new HashMap<>();
        if (auths != null) {
            for (RegistryAuth auth : auths) {
                if (auth.registry == null || auth.username == null) {
                    throw new MojoExecutionException("<auths><auth> needs <registry> and <username> (and <password> or"
                            + " <passwordEnvironmentVariable>)");
                }
                if (auth.password != null && auth.passwordEnvironmentVariable != null) {
                    throw new MojoExecutionException("<auths><auth> for " + auth.registry + " has both <password> and"
                            + " <passwordEnvironmentVariable>; keep <passwordEnvironmentVariable> (the secret stays out of the POM)");
                }
                pom.put(auth.registry, auth);
            }
        }
        providers.add(host -> Optional.ofNullable(pom.get(host)).flatMap(this::pomCredentials));
        providers.add(this::settingsCredentials);
        providers.add(DockerConfigCredentials.fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home"))));
        io.clusterimage.registry.RegistriesConf conf = registriesConf();
        Map<String, List<String>> mirrorMap = new HashMap<>(conf.mirrors());
        if (mirrors != null) {
            for (RegistryMirror mirror : mirrors) {
                if (mirror.registry == null || mirror.mirrors == null || mirror.mirrors.isEmpty()) {
                    throw new MojoExecutionException("<mirrors><mirror> needs <registry> and at least one <mirrors><mirror>");
                }
                String problem = io.clusterimage.registry.Mirrors.problem(mirror.registry).orElse(null);
                if (problem != null) {
                    throw new MojoExecutionException("<mirrors><mirror><registry>" + mirror.registry + "</registry> " + problem
                            + "; write a registry (docker.io) or a namespace in it (docker.io/library)");
                }
                // the POM wins: registries.conf entries at or under its prefix would otherwise be the longer match
                mirrorMap.keySet().removeIf(prefix -> prefix.equals(mirror.registry) || prefix.startsWith(mirror.registry + "/"));
                mirrorMap.put(mirror.registry, List.copyOf(mirror.mirrors));
            }
        }
        Set<String> insecure = new HashSet<>(conf.insecure());
        if (insecureRegistries != null) {
            insecureRegistries.forEach(entry -> java.util.Arrays.stream(entry.split(",")).map(String::strip)
                    .filter(s -> !s.isEmpty()).forEach(insecure::add));
        }
        if (requestTimeoutSeconds <= 0 || minTransferKiBPerSecond <= 0) {
            throw new MojoExecutionException("requestTimeoutSeconds and minTransferKiBPerSecond must be positive (they are "
                    + requestTimeoutSeconds + " and " + minTransferKiBPerSecond + "); the defaults are 120 and 64");
        }
        RegistryOptions options = new RegistryOptions(CredentialProvider.chain(providers), insecure, mirrorMap, proxySelector(), 5,
                Duration.ofMillis(500), Duration.ofSeconds(60), Duration.ofSeconds(requestTimeoutSeconds),
                minTransferKiBPerSecond * 1024L);
        java.util.List<java.nio.file.Path> roots = certsDirectories == null || certsDirectories.isEmpty()
                ? io.clusterimage.registry.RegistryTls.defaultRoots() : certsDirectories.stream().map(java.io.File::toPath).toList();
        return options.withTls(new io.clusterimage.registry.RegistryTls(roots)).withProxyCredentials(proxyCredentials());
    }

    /** The active settings.xml proxy's {@code <username>} and (decrypted) {@code <password>}, or null. */
    private java.net.PasswordAuthentication proxyCredentials() {
        if (session == null || session.getSettings() == null || session.getSettings().getActiveProxy() == null) {
            return null;
        }
        Proxy active = session.getSettings().getActiveProxy();
        SettingsDecryptionResult result = decrypt(new DefaultSettingsDecryptionRequest(active), "<proxy><id>" + active.getId() + "</id>");
        if (result != null && result.getProxy() != null) {
            active = result.getProxy();
        }
        if (active.getUsername() == null || active.getUsername().isBlank()) {
            return null;
        }
        return new java.net.PasswordAuthentication(active.getUsername(), active.getPassword() == null ? new char[0]
                : active.getPassword().toCharArray());
    }

    /** The environment the plugin reads {@code <passwordEnvironmentVariable>} from (a map, for tests). */
    Map<String, String> environment = System.getenv();

    /**
     * The POM's credentials for a registry, read when the registry asks for them. A variable that is not
     * set is not an error — a parent POM written for CI also serves developers who ran docker login —
     * but a warning, and the next source (settings.xml, Docker config) is asked.
     */
    private Optional<Credentials> pomCredentials(RegistryAuth auth) {
        String variable = auth.passwordEnvironmentVariable == null ? "" : auth.passwordEnvironmentVariable.strip();
        if (variable.isEmpty()) {
            return Optional.of(new Credentials(auth.username, auth.password == null ? "" : auth.password));
        }
        String value = environment.get(variable);
        if (value == null) {
            getLog().warn("<auths><auth> for " + auth.registry + ": the environment variable " + variable
                    + " (<passwordEnvironmentVariable>) is not set; trying settings.xml and Docker's credentials instead");
            return Optional.empty();
        }
        return Optional.of(new Credentials(auth.username, value));
    }

    /** The decrypted settings.xml {@code <server>} of this id, or null when settings.xml has none. */
    protected Server decryptedServer(String id) {
        if (session == null || session.getSettings() == null) {
            return null;
        }
        Server server = session.getSettings().getServer(id);
        if (server != null) {
            SettingsDecryptionResult result = decrypt(new DefaultSettingsDecryptionRequest(server), "<server><id>" + id + "</id>");
            if (result != null && result.getServer() != null) {
                server = result.getServer();
            }
        }
        return server;
    }

    /** Maven's decryption of settings.xml passwords, its problems logged as warnings naming {@code element}; null without a decrypter. */
    private SettingsDecryptionResult decrypt(DefaultSettingsDecryptionRequest request, String element) {
        if (settingsDecrypter == null) {
            return null;
        }
        SettingsDecryptionResult result = settingsDecrypter.decrypt(request);
        for (SettingsProblem problem : result.getProblems()) {
            getLog().warn("settings.xml " + element + ": " + problem.getMessage());
        }
        return result;
    }

    /** settings.xml {@code <server>} whose id is the registry host (then the host without port), decrypted. */
    private Optional<Credentials> settingsCredentials(String host) {
        if (session == null || session.getSettings() == null) {
            return Optional.empty();
        }
        List<String> ids = new ArrayList<>(List.of(host));
        if (host.contains(":")) {
            ids.add(host.substring(0, host.lastIndexOf(':')));
        }
        for (String id : ids) {
            Server server = decryptedServer(id);
            if (server != null && server.getUsername() != null) {
                return Optional.of(new Credentials(server.getUsername(), server.getPassword() == null ? "" : server.getPassword()));
            }
        }
        return Optional.empty();
    }

    /** The active settings.xml proxy for https/http, honouring its nonProxyHosts. */
    private Function<String, java.net.Proxy> proxySelector() {
        if (session == null || session.getSettings() == null) {
            return host -> java.net.Proxy.NO_PROXY;
        }
        Proxy active = session.getSettings().getActiveProxy();
        if (active == null || active.getHost() == null) {
            return host -> java.net.Proxy.NO_PROXY;
        }
        java.net.Proxy proxy = new java.net.Proxy(java.net.Proxy.Type.HTTP, new InetSocketAddress(active.getHost(), active.getPort()));
        String nonProxy = active.getNonProxyHosts() == null ? "" : active.getNonProxyHosts();
        List<String> patterns = java.util.Arrays.stream(nonProxy.split("[|,]")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        return host -> {
            for (String pattern : patterns) {
                String regex = java.util.regex.Pattern.quote(pattern).replace("*", "\\E.*\\Q");
                if (host.matches(regex)) {
                    return java.net.Proxy.NO_PROXY;
                }
            }
            return proxy;
        };
    }
}
