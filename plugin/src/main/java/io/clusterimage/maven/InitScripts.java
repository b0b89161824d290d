package io.clusterimage.maven;

import io.clusterimage.core.Platform;
import io.clusterimage.layout.InitScript;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;

import java.io.IOException;
import java.util.List;

/**
 * {@code <runInitScript>}: the cluster-image convention {@code bash init.sh ARCH NAME VERSION} run in the build
 * context before validate-layout reads it, its output in the log, a failure the build's.
 */
final class InitScripts {

    private InitScripts() {
    }

    static void run(ValidateLayoutMojo mojo, String initScript) throws MojoExecutionException, MojoFailureException {
        List<Platform> targets = mojo.effectivePlatforms();
        if (targets.size() > 1) {
            // every run writes into the same source tree: the last platform's downloads would win for all
            throw new MojoExecutionException("<runInitScript> works with one platform at a time (init.sh downloads per-arch files"
                    + " into the source tree); build once per platform with -Dcluster-image.platforms=linux/<arch>");
        }
        String arch = targets.get(0).architecture();
        String name = mojo.project != null ? mojo.project.getArtifactId() : mojo.contextDirectory.getName();
        String version = mojo.project != null ? mojo.project.getVersion() : "latest";
        mojo.getLog().info("cluster-image: bash " + initScript + " " + arch + " " + name + " " + version);
        int exit;
        try {
            exit = InitScript.run(mojo.contextDirectory.toPath(), initScript, arch, name, version,
                    line -> mojo.getLog().info("[" + initScript + "] " + line));
        } catch (IOException e) {
            throw new MojoExecutionException("<initScript> " + initScript + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MojoExecutionException("interrupted while running " + initScript);
        }
        if (exit != 0) {
            throw new MojoFailureException(initScript + " failed with exit code " + exit + " (its output is above)");
        }
    }
}
