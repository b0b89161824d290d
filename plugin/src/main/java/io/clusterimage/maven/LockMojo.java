package io.clusterimage.maven;

import io.clusterimage.core.OutputLock;
import io.clusterimage.core.Platform;
import io.clusterimage.fetch.ChartSource;
import io.clusterimage.fetch.DeclaredSources;
import io.clusterimage.fetch.FetchException;
import io.clusterimage.fetch.FileSource;
import io.clusterimage.fetch.GeneratedContext;
import io.clusterimage.fetch.LockFile;
import io.clusterimage.inventory.InventoryReport;
import io.clusterimage.registry.ImagesLock;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Mojo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Creates or refreshes {@code cluster-image.lock}: every declared chart resolved afresh (a range moves to
 * its newest version) with its digest, every declared file's sha256 per platform, and every image
 * save-registry pulled from a registry in this build, per platform with its digest (images from archives
 * and the project's own images are not locked: their digests follow their sources). Run it after package
 * ({@code mvn package cluster-image:lock}) so the images are in it; commit the file.
 */
@Mojo(name = "lock", threadSafe = true)
public class LockMojo extends AbstractFetchMojo {

    /** No output lock around the whole goal: it locks the output directory only while it fetches. */
    public LockMojo() {
        super("lock");
    }

    @Override
    protected void run() throws MojoExecutionException {
        if (offline()) {
            throw new MojoExecutionException("cluster-image:lock resolves versions and digests at their sources, and Maven runs"
                    + " offline (-o); run it online");
        }
        List<Platform> platforms = effectivePlatforms();
        Optional<LockFile> previous = inputs().readLock();
        LockFile fetched;
        List<ChartSource> chartSources = DeclaredSourcesConfig.charts(charts);
        List<FileSource> fileSources = DeclaredSourcesConfig.files(files, platforms);
        try (OutputLock ignored = OutputLocks.acquire(outputDirectory, getLog())) {
            fetched = DeclaredSources.fetch(chartSources, fileSources, platforms, previous, DeclaredSources.LockUse.REFRESH,
                    outputDirectory.toPath(), fetcher(false), message -> getLog().warn(message)).lock();
        } catch (FetchException e) {
            throw fetchFailure(e);
        } catch (IOException e) {
            throw new MojoExecutionException("lock could not fetch into " + outputDirectory + ": " + e.getMessage(), e);
        }
        List<LockFile.LockedImage> images = images(previous);
        LockFile lock = new LockFile(fetched.charts(), fetched.files(), images);
        try {
            boolean unchanged = previous.isPresent() && previous.get().toYaml().equals(lock.toYaml());
            if (!unchanged) {
                Files.createDirectories(lockFile.toPath().toAbsolutePath().getParent());
                lock.write(lockFile.toPath());
            }
            // the trees were just placed from what the lock now says: the next build's fetch has nothing to do
            List<Path> outputs = platforms.stream().map(p -> GeneratedContext.root(outputDirectory.toPath(), p)).toList();
            if (!chartSources.isEmpty() || !fileSources.isEmpty()) {
                fetchInputs(inputs().fingerprint("fetch"), chartSources, fileSources, outputs)
                        .record(outputDirectory.toPath().resolve("fetch.fingerprint"));
            }
            if (unchanged) {
                getLog().info("cluster-image: " + lockFile + " is up to date");
                return;
            }
        } catch (IOException e) {
            throw new MojoExecutionException("<lockFile> " + lockFile + " cannot be written: " + e.getMessage(), e);
        }
        getLog().info("cluster-image: wrote " + lockFile + ": " + lock.charts().size() + " chart(s), " + lock.files().size()
                + " file(s), " + images.size() + " image(s); review and commit it");
    }

    /** The images save-registry pulled in this build; the previous lock's when save-registry did not run. */
    private List<LockFile.LockedImage> images(Optional<LockFile> previous) throws MojoExecutionException {
        List<ImagesLock.Entry> entries;
        Set<String> built = new HashSet<>();
        try {
            entries = ImagesLock.read(outputDirectory.toPath());
            if (Files.isRegularFile(outputDirectory.toPath().resolve(InventoryReport.IMAGES_JSON))) {
                InventoryReport.read(outputDirectory.toPath()).built().forEach(image -> built.add(image.canonical()));
            }
        } catch (IOException e) {
            throw new MojoExecutionException("cannot read " + ImagesLock.FILE_NAME + " or the scan's report: " + e.getMessage(), e);
        }
        if (entries.isEmpty() && !Files.isRegularFile(outputDirectory.toPath().resolve(ImagesLock.FILE_NAME))) {
            getLog().warn("cluster-image: save-registry did not run in this build, so the lock keeps the images it had;"
                    + " run mvn package cluster-image:lock to record them");
            return previous.map(LockFile::images).orElse(List.of());
        }
        return LockFile.pulledImages(entries, built);
    }
}
