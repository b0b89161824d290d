package io.clusterimage.maven;

import io.clusterimage.core.OutputLock;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.logging.Log;

import java.io.File;
import java.io.IOException;
import java.time.Duration;

/**
 * The output directory's lock as a goal takes it: a second build of the project at the same time waits (saying
 * so) instead of deleting the trees and archives the first one is writing.
 */
final class OutputLocks {

    /** How long a build waits for another build of the same project to release the output directory. */
    static final Duration PATIENCE = Duration.ofMinutes(10);

    private OutputLocks() {
    }

    static OutputLock acquire(File outputDirectory, Log log) throws MojoExecutionException {
        try {
            return OutputLock.acquire(outputDirectory.toPath(), PATIENCE,
                    file -> log.info("cluster-image: another build of this project is running; waiting for it (" + file + ")"));
        } catch (IOException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MojoExecutionException("cancelled while waiting for another build of this project", e);
        }
    }
}
