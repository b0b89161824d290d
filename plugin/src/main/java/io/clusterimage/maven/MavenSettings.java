package io.clusterimage.maven;

import io.clusterimage.registry.Credentials;
import io.clusterimage.registry.HttpProxy;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.logging.Log;
import org.apache.maven.settings.Proxy;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;

import java.net.PasswordAuthentication;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Maven's settings.xml as the registry goals read it: {@code <server>} credentials and the active
 * {@code <proxy>}, their passwords decrypted (the problems of decryption logged as warnings naming the element).
 */
final class MavenSettings {

    private final MavenSession session;
    private final SettingsDecrypter decrypter;
    private final Log log;

    MavenSettings(MavenSession session, SettingsDecrypter decrypter, Log log) {
        this.session = session;
        this.decrypter = decrypter;
        this.log = log;
    }

    private boolean present() {
        return session != null && session.getSettings() != null;
    }

    /** The decrypted settings.xml {@code <server>} of this id, or null when settings.xml has none. */
    Server server(String id) {
        if (!present()) {
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

    /** settings.xml {@code <server>} whose id is the registry host (then the host without port), decrypted. */
    Optional<Credentials> credentials(String host) {
        if (!present()) {
            return Optional.empty();
        }
        List<String> ids = new ArrayList<>(List.of(host));
        if (host.contains(":")) {
            ids.add(host.substring(0, host.lastIndexOf(':')));
        }
        for (String id : ids) {
            Server server = server(id);
            if (server != null && server.getUsername() != null) {
                return Optional.of(new Credentials(server.getUsername(), server.getPassword() == null ? "" : server.getPassword()));
            }
        }
        return Optional.empty();
    }

    /** The active settings.xml proxy's {@code <username>} and (decrypted) {@code <password>}, or null. */
    PasswordAuthentication proxyCredentials() {
        if (!present() || session.getSettings().getActiveProxy() == null) {
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
        return new PasswordAuthentication(active.getUsername(), active.getPassword() == null ? new char[0]
                : active.getPassword().toCharArray());
    }

    /** The active settings.xml proxy for https/http, honouring its nonProxyHosts. */
    Function<String, java.net.Proxy> proxySelector() {
        Proxy active = present() ? session.getSettings().getActiveProxy() : null;
        if (active == null || active.getHost() == null) {
            return host -> java.net.Proxy.NO_PROXY;
        }
        return HttpProxy.selector(active.getHost(), active.getPort(), active.getNonProxyHosts());
    }

    /** Maven's decryption of settings.xml passwords, its problems logged as warnings naming {@code element}; null without a decrypter. */
    private SettingsDecryptionResult decrypt(DefaultSettingsDecryptionRequest request, String element) {
        if (decrypter == null) {
            return null;
        }
        SettingsDecryptionResult result = decrypter.decrypt(request);
        for (SettingsProblem problem : result.getProblems()) {
            log.warn("settings.xml " + element + ": " + problem.getMessage());
        }
        return result;
    }
}
