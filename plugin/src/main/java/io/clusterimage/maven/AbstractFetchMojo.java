package io.clusterimage.maven;

import io.clusterimage.fetch.FetchException;
import io.clusterimage.fetch.Fetcher;
import io.clusterimage.registry.BlobCache;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Parameter;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;

/** What the fetch and lock goals share: the cache, and the way to the network. */
abstract class AbstractFetchMojo extends AbstractRegistryMojo {

    /** The blob cache shared by all builds (default {@code ~/.cache/cluster-image}). */
    @Parameter(property = "cluster-image.cacheDirectory")
    protected File cacheDirectory;

    protected Path cache() {
        return cacheDirectory != null ? cacheDirectory.toPath() : BlobCache.defaultLocation();
    }

    protected Fetcher fetcher(boolean offline) throws MojoExecutionException {
        try {
            return Fetcher.create(new BlobCache(cache()), offline, registryOptions());
        } catch (IOException e) {
            throw new MojoExecutionException("<cacheDirectory> " + cache() + " cannot be used: " + e.getMessage(), e);
        }
    }

    protected boolean offline() {
        return session != null && session.isOffline();
    }

    /** A fetch failure as Maven reports it: the engine's message names the POM element already. */
    protected static MojoExecutionException failure(FetchException e) {
        return new MojoExecutionException(e.getMessage(), e);
    }
}
