package io.clusterimage.maven;

import io.clusterimage.core.Fingerprint;
import io.clusterimage.fetch.ArtifactResolver;
import io.clusterimage.fetch.ChartSource;
import io.clusterimage.fetch.FetchException;
import io.clusterimage.fetch.Fetcher;
import io.clusterimage.fetch.FileSource;
import io.clusterimage.registry.BlobCache;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Component;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;
import org.eclipse.aether.resolution.ArtifactResult;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** What the fetch and lock goals share: the cache, and the way to the network. */
abstract class AbstractFetchMojo extends AbstractRegistryMojo {

    protected AbstractFetchMojo(String goal, Option... options) {
        super(goal, options);
    }

    /**
     * What an unchanged fetch is recognized by: the declarations, the lock's bytes, and the generated trees as
     * they are, added to {@code fingerprint} (seeded for the fetch goal).
     */
    protected Fingerprint fetchInputs(Fingerprint fingerprint, List<ChartSource> charts, List<FileSource> files, List<Path> outputs)
            throws IOException {
        fingerprint.add("charts", charts.toString()).add("files", files.toString()).add("requireLock", requireLock)
                .addContent(lockFile.toPath());
        for (Path output : outputs) {
            fingerprint.addTree(output, p -> false); // an edited or deleted generated file is put back
        }
        return fingerprint;
    }

    /** Maven's repository system: files declared by <artifact> are resolved as dependencies are. */
    @Component
    protected RepositorySystem repositorySystem;

    protected Fetcher fetcher(boolean offline) throws MojoExecutionException {
        try {
            return Fetcher.create(new BlobCache(cache()), offline, registryOptions(), this::resolveArtifact);
        } catch (IOException e) {
            throw new MojoExecutionException("<cacheDirectory> " + cache() + " cannot be used: " + e.getMessage(), e);
        }
    }

    private Path resolveArtifact(String coordinates, String element) throws FetchException {
        if (repositorySystem == null || session == null || project == null) {
            return ArtifactResolver.NONE.resolve(coordinates, element);
        }
        DefaultArtifact artifact;
        try {
            artifact = new DefaultArtifact(coordinates);
        } catch (IllegalArgumentException e) {
            throw new FetchException(element + ": <artifact> '" + coordinates + "' is not groupId:artifactId[:extension[:classifier]]:version");
        }
        try {
            ArtifactResult result = repositorySystem.resolveArtifact(session.getRepositorySession(),
                    new ArtifactRequest(artifact, project.getRemoteProjectRepositories(), null));
            return result.getArtifact().getFile().toPath();
        } catch (ArtifactResolutionException e) {
            throw new FetchException(element + ": " + e.getMessage(), e);
        }
    }

    /** A fetch failure as Maven reports it: the engine's message names the POM element already. */
    protected static MojoExecutionException fetchFailure(FetchException e) {
        return new MojoExecutionException(e.getMessage(), e);
    }
}
