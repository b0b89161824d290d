package io.clusterimage.maven;

import io.clusterimage.core.Fingerprint;
import io.clusterimage.core.Platform;
import io.clusterimage.fetch.ChartSource;
import io.clusterimage.fetch.DeclaredSources;
import io.clusterimage.fetch.FetchException;
import io.clusterimage.fetch.FileSource;
import io.clusterimage.fetch.GeneratedContext;
import io.clusterimage.fetch.LockFile;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Brings the charts ({@code <charts><chart>} with a {@code <repository>}) and files ({@code <files>}) the
 * POM declares into {@code target/cluster-image/fetched/<os>-<arch>/}, which validate-layout, scan-images
 * and package-image lay over the build context — what init.sh downloads, without bash, verified against
 * {@code cluster-image.lock}, through the shared cache (so {@code -o} works once everything was fetched).
 * Runs before validate-layout; never writes into the source tree.
 */
@Mojo(name = "fetch", defaultPhase = LifecyclePhase.VALIDATE, threadSafe = true)
public class FetchMojo extends AbstractFetchMojo {

    /** Skips this goal only. */
    @Parameter(property = "cluster-image.skipFetch", defaultValue = "false")
    protected boolean skipFetch;

    private List<Platform> targets;
    private List<ChartSource> chartSources;
    private List<FileSource> fileSources;

    public FetchMojo() {
        super("fetch", Option.LOCK_OUTPUT, Option.UP_TO_DATE);
    }

    @Override
    protected boolean skipped() {
        return skipFetch;
    }

    /** Nothing declared: the goal is silent, as most projects vendor everything, and removes what it placed before. */
    @Override
    protected boolean applies() throws MojoExecutionException {
        targets = effectivePlatforms();
        chartSources = DeclaredSourcesConfig.charts(charts);
        fileSources = DeclaredSourcesConfig.files(files, targets);
        if (chartSources.isEmpty() && fileSources.isEmpty()) {
            try {
                DeclaredSources.removeOthers(fetched(), Set.of());
            } catch (IOException e) {
                throw new MojoExecutionException("cannot remove " + fetched() + ": " + e.getMessage(), e);
            }
            return false;
        }
        return true;
    }

    /** The lock by its bytes: an unchanged build neither parses it nor touches the network; without a lock, always fetched. */
    @Override
    protected boolean checksUpToDate() {
        return lockFile.isFile();
    }

    @Override
    protected Fingerprint fingerprint(Fingerprint seeded) throws IOException {
        return fetchInputs(seeded, chartSources, fileSources, outputs());
    }

    @Override
    protected List<Path> outputs() {
        return targets.stream().map(p -> GeneratedContext.root(outputDirectory.toPath(), p)).toList();
    }

    @Override
    protected void upToDate() {
        getLog().info("cluster-image: fetched charts and files up to date (" + chartSources.size() + " chart(s), " + fileSources.size()
                + " file(s), as " + lockFile.getName() + " says)");
    }

    @Override
    protected void run() throws MojoExecutionException, IOException {
        Optional<LockFile> lock = inputs().readLock();
        long start = System.nanoTime();
        DeclaredSources.Result result;
        try {
            result = DeclaredSources.fetch(chartSources, fileSources, targets, lock,
                    requireLock ? DeclaredSources.LockUse.REQUIRE : DeclaredSources.LockUse.PREFER, outputDirectory.toPath(),
                    fetcher(offline()), message -> getLog().warn(message));
        } catch (FetchException e) {
            throw fetchFailure(e);
        }
        getLog().info(String.format("cluster-image: fetched %d chart(s) and %d file(s) for %s in %.1f s into %s%s", chartSources.size(),
                fileSources.size(), targets, (System.nanoTime() - start) / 1e9, fetched(),
                lock.isEmpty() ? "; no " + lockFile.getName() + " yet: run mvn cluster-image:lock to pin what was fetched" : ""));
        if (result.unlocked().isEmpty() && lock.isPresent()) {
            // only what the lock pins may be skipped next time: a range without a lock is resolved again; the
            // trees as they are now
            fetchInputs(inputs().fingerprint(goal()), chartSources, fileSources, outputs()).record(stamp());
        }
    }

    private Path fetched() {
        return outputDirectory.toPath().resolve("fetched");
    }

    /** Every I/O failure of the fetch, the check and the lock included, names the trees it writes. */
    @Override
    protected MojoExecutionException failure(Step step, IOException e) {
        return new MojoExecutionException("fetch could not write " + fetched() + ": " + e.getMessage(), e);
    }
}
