package io.clusterimage.maven;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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

    public FetchMojo() {
        super("fetch");
    }

    @Override
    protected boolean skipped() {
        return skipFetch;
    }

    @Override
    protected void run() throws MojoExecutionException {
        List<Platform> platforms = effectivePlatforms();
        List<ChartSource> charts = DeclaredSourcesConfig.charts(this.charts);
        List<FileSource> files = DeclaredSourcesConfig.files(this.files, platforms);
        Path fetched = outputDirectory.toPath().resolve("fetched");
        if (charts.isEmpty() && files.isEmpty()) {
            try {
                DeclaredSources.removeOthers(fetched, java.util.Set.of());
            } catch (IOException e) {
                throw new MojoExecutionException("cannot remove " + fetched + ": " + e.getMessage(), e);
            }
            return; // nothing declared: the goal is silent, as most projects vendor everything
        }
        // the lock by its bytes: an unchanged build neither parses it nor touches the network
        Path stamp = outputDirectory.toPath().resolve("fetch.fingerprint");
        List<Path> outputs = new ArrayList<>();
        platforms.forEach(p -> outputs.add(GeneratedContext.root(outputDirectory.toPath(), p)));
        try (io.clusterimage.core.OutputLock ignored = OutputLocks.acquire(outputDirectory, getLog())) {
            if (lockFile.isFile() && fetchInputs(inputs().fingerprint("fetch"), charts, files, outputs).matches(stamp, outputs)) {
                getLog().info("cluster-image: fetched charts and files up to date (" + charts.size() + " chart(s), " + files.size()
                        + " file(s), as " + lockFile.getName() + " says)");
                return;
            }
            Optional<LockFile> lock = inputs().readLock();
            long start = System.nanoTime();
            DeclaredSources.Result result = DeclaredSources.fetch(charts, files, platforms, lock,
                    requireLock ? DeclaredSources.LockUse.REQUIRE : DeclaredSources.LockUse.PREFER, outputDirectory.toPath(),
                    fetcher(offline()), message -> getLog().warn(message));
            getLog().info(String.format("cluster-image: fetched %d chart(s) and %d file(s) for %s in %.1f s into %s%s", charts.size(),
                    files.size(), platforms, (System.nanoTime() - start) / 1e9, fetched,
                    lock.isEmpty() ? "; no " + lockFile.getName() + " yet: run mvn cluster-image:lock to pin what was fetched" : ""));
            if (result.unlocked().isEmpty() && lock.isPresent()) {
                // only what the lock pins may be skipped next time: a range without a lock is resolved again
                fetchInputs(inputs().fingerprint("fetch"), charts, files, outputs).record(stamp);
            }
        } catch (FetchException e) {
            throw fetchFailure(e);
        } catch (IOException e) {
            throw new MojoExecutionException("fetch could not write " + fetched + ": " + e.getMessage(), e);
        }
    }
}
