package io.clusterimage.layout;

import io.clusterimage.core.ContextRoot;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Runs the cluster-image repository's {@code init.sh} convention — {@code bash init.sh ARCH NAME VERSION}
 * in the build context — which downloads charts, manifests and binaries before the build.
 */
public final class InitScript {

    private InitScript() {
    }

    /**
     * @param output receives every line the script prints (stdout and stderr together)
     * @return the script's exit code
     * @throws IOException when bash cannot be started or the script does not exist
     */
    public static int run(Path context, String script, String arch, String name, String version, Consumer<String> output)
            throws IOException, InterruptedException {
        Path file = context.resolve(script).normalize();
        if (!file.startsWith(context.toAbsolutePath().normalize()) && !file.startsWith(context.normalize())) {
            throw new IOException(script + " is outside the build context");
        }
        new ContextRoot(context).resolve(file); // a link to a script elsewhere on the machine is refused, naming it
        if (!Files.isRegularFile(file)) {
            throw new IOException(script + " does not exist in " + context);
        }
        Process process = new ProcessBuilder("bash", context.relativize(file).toString(), arch, name, version)
                .directory(context.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                output.accept(line);
            }
        }
        return process.waitFor();
    }
}
