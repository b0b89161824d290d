package io.clusterimage.maven;

/**
 * {@code <auths><auth>} of the POM: credentials for one registry. Prefer settings.xml
 * {@code <server>} entries (id = registry host), which can be encrypted and stay out of the POM.
 */
public class RegistryAuth {
    /** Registry host, e.g. {@code ghcr.io} or {@code registry.example.com:5000}. */
    String registry;
    String username;
    String password;
}
