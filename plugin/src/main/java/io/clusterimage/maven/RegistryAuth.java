package io.clusterimage.maven;

import io.clusterimage.registry.Credentials;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.logging.Log;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

    /** The declarations by registry, checked: a bad one fails the build with a message naming the element. */
    static Map<String, RegistryAuth> byRegistry(List<RegistryAuth> auths) throws MojoExecutionException {
        Map<String, RegistryAuth> pom = new HashMap<>();
        for (RegistryAuth auth : auths == null ? List.<RegistryAuth>of() : auths) {
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
        return pom;
    }

    /**
     * The credentials, read when the registry asks for them. A variable that is not set is not an error — a
     * parent POM written for CI also serves developers who ran docker login — but a warning, and the next
     * source (settings.xml, Docker config) is asked.
     */
    Optional<Credentials> credentials(Map<String, String> environment, Log log) {
        String variable = passwordEnvironmentVariable == null ? "" : passwordEnvironmentVariable.strip();
        if (variable.isEmpty()) {
            return Optional.of(new Credentials(username, password == null ? "" : password));
        }
        String value = environment.get(variable);
        if (value == null) {
            log.warn("<auths><auth> for " + registry + ": the environment variable " + variable
                    + " (<passwordEnvironmentVariable>) is not set; trying settings.xml and Docker's credentials instead");
            return Optional.empty();
        }
        return Optional.of(new Credentials(username, value));
    }

    /** Never the password: Maven's debug output prints parameter values with this. */
    @Override
    public String toString() {
        return "RegistryAuth[registry=" + registry + ", username=" + username
                + (passwordEnvironmentVariable != null ? ", password from $" + passwordEnvironmentVariable : password != null ? ", password=****" : "")
                + "]";
    }
}
