package io.clusterimage.maven;

/**
 * {@code <auths><auth>} of the POM: credentials for one registry. Prefer settings.xml
 * {@code <server>} entries (id = registry host), which can be encrypted and stay out of the POM, or
 * {@code <passwordEnvironmentVariable>}: the plugin reads that variable itself when it needs the
 * password, so the secret is never part of the POM model that {@code mvn -X} prints. A
 * {@code <password>} written in the POM — also as {@code ${env.NAME}}, which Maven interpolates —
 * is printed by {@code mvn -X} like every parameter value.
 */
public class RegistryAuth {
    /** Registry host, e.g. {@code ghcr.io} or {@code registry.example.com:5000}. */
    String registry;
    String username;
    String password;
    /** The name of an environment variable that holds the password, read at run time. */
    String passwordEnvironmentVariable;

    /** Never the password: Maven's debug output prints parameter values with this. */
    @Override
    public String toString() {
        return "RegistryAuth[registry=" + registry + ", username=" + username
                + (passwordEnvironmentVariable != null ? ", password from $" + passwordEnvironmentVariable : password != null ? ", password=****" : "")
                + "]";
    }
}
