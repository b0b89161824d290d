package io.clusterimage.registry;

import java.util.List;
import java.util.Optional;

/** Finds credentials for a registry host ({@code docker.io}, {@code ghcr.io}, {@code localhost:5000}). */
@FunctionalInterface
public interface CredentialProvider {

    CredentialProvider ANONYMOUS = host -> Optional.empty();

    Optional<Credentials> credentialsFor(String host);

    /** The first provider that knows the host wins: POM, then settings.xml, then Docker config files. */
    static CredentialProvider chain(List<CredentialProvider> providers) {
        return host -> {
            for (CredentialProvider provider : providers) {
                Optional<Credentials> found = provider.credentialsFor(host);
                if (found.isPresent()) {
                    return found;
                }
            }
            return Optional.empty();
        };
    }
}
