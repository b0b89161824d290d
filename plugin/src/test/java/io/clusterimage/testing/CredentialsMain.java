package io.clusterimage.testing;

import io.clusterimage.registry.Credentials;
import io.clusterimage.registry.DockerConfigCredentials;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link DockerConfigCredentials} in a JVM of its own, so credential helpers are looked up on a PATH
 * the test chose. Arguments: {@code config=FILE... HOST...}; prints one line per host:
 * {@code HOST<TAB>USERNAME<TAB>SECRET}, or {@code HOST<TAB>-} when nothing was found.
 */
public final class CredentialsMain {

    private CredentialsMain() {
    }

    public static void main(String[] args) {
        List<Path> files = new ArrayList<>();
        List<String> hosts = new ArrayList<>();
        for (String arg : args) {
            if (arg.startsWith("config=")) {
                files.add(Path.of(arg.substring(7)));
            } else {
                hosts.add(arg);
            }
        }
        DockerConfigCredentials provider = new DockerConfigCredentials(files);
        for (String host : hosts) {
            Optional<Credentials> found = provider.credentialsFor(host);
            System.out.println(host + "\t" + found.map(c -> c.username() + "\t" + c.password()).orElse("-"));
        }
    }
}
