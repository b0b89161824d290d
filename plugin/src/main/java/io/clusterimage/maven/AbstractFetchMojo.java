package io.clusterimage.maven;

import io.clusterimage.fetch.FetchException;
import io.clusterimage.fetch.Fetcher;
import io.clusterimage.registry.BlobCache;
import org.apache.maven.plugin.MojoExecutionException;

import java.io.IOException;
import java.nio.file.Path;

/** What the fetch and lock goals share: the cache, and the way to the network. */
abstract class AbstractFetchMojo extends AbstractRegistryMojo {

    /** What an unchanged fetch is recognized by: the declarations, the lock's bytes, and the generated trees as they are. */
    protected io.clusterimage.core.Fingerprint fetchFingerprint(java.util.List<io.clusterimage.fetch.ChartSource> charts, java.util.List<io.clusterimage.fetch.FileSource> files,
            java.util.List<Path> outputs)
            throws MojoExecutionException, IOException {
        io.clusterimage.core.Fingerprint fingerprint = fingerprint("fetch").add("charts", charts.toString())
                .add("files", files.toString()).add("requireLock", requireLock).addContent(lockFile.toPath());
        for (Path output : outputs) {
            fingerprint.addTree(output, p -> false); // an edited or deleted generated file is put back
        }
        return fingerprint;
    }

    /** Maven's repository system: files declared by <artifact> are resolved as dependencies are. */
    @org.apache.maven.plugins.annotations.Component
    protected org.eclipse.aether.RepositorySystem repositorySystem;

    protected Fetcher fetcher(boolean offline) throws MojoExecutionException {
        try {
            return Fetcher.create(new BlobCache(cache()), offline, registryOptions(), this::resolveArtifact);
        } catch (IOException e) {
            throw new MojoExecutionException("<cacheDirectory> " + cache() + " cannot be used: " + e.getMessage(), e);
        }
    }

    private Path resolveArtifact(String coordinates, String element) throws FetchException {
        if (repositorySystem == null || session == null || project == null) {
            return io.clusterimage.fetch.ArtifactResolver.NONE.resolve(coordinates, element);
        }
        org.eclipse.aether.artifact.DefaultArtifact artifact;
        try {
            artifact = new org.eclipse.aether.artifact.DefaultArtifact(coordinates);
        } catch (IllegalArgumentException e) {
            throw new FetchException(element + ": <artifact> '" + coordinates + "' is not groupId:artifactId[:extension[:classifier]]:version");
        }
        try {
            org.eclipse.aether.resolution.ArtifactResult result = repositorySystem.resolveArtifact(session.getRepositorySession(),
                    new org.eclipse.aether.resolution.ArtifactRequest(artifact, project.getRemoteProjectRepositories(), null));
            return result.getArtifact().getFile().toPath();
        } catch (org.eclipse.aether.resolution.ArtifactResolutionException e) {
            throw new FetchException(element + ": " + e.getMessage(), e);
        }
    }

    /** A fetch failure as Maven reports it: the engine's message names the POM element already. */
    protected static MojoExecutionException failure(FetchException e) {
        return new MojoExecutionException(e.getMessage(), e);
    }
}
