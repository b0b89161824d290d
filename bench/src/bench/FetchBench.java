package bench;

import io.clusterimage.core.Platform;
import io.clusterimage.fetch.ChartSource;
import io.clusterimage.fetch.DeclaredSources;
import io.clusterimage.fetch.Fetcher;
import io.clusterimage.fetch.FileSource;
import io.clusterimage.fetch.LockFile;
import io.clusterimage.registry.BlobCache;
import io.clusterimage.registry.RegistryOptions;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the fetch goal does, without Maven: a chart from a Helm repository and a tool archive per
 * platform, resolved (or taken from the lock), downloaded into the cache and placed.
 *
 * <pre>java bench.FetchBench REPO_URL OUT_DIR CACHE_DIR LOCK_FILE</pre>
 *
 * Without LOCK_FILE present: resolves from the index and writes the lock; with it: follows it. Prints
 * the milliseconds of the fetch itself (the JVM's start is in the caller's process time).
 */
public final class FetchBench {

    public static void main(String[] args) throws Exception {
        String repository = args[0];
        Path out = Path.of(args[1]);
        Path cache = Path.of(args[2]);
        Path lockFile = Path.of(args[3]);
        List<ChartSource> charts = List.of(new ChartSource("demo", repository, ">=0.1.0 <1.0.0", "<charts><chart> demo"));
        List<FileSource> files = List.of(new FileSource("<files><file> tool", repository + "/tool-${os}-${arch}.tar.gz", null, Map.of(),
                "opt", "auto", List.of("*/tool"), 1, 0755));
        Optional<LockFile> lock = LockFile.read(lockFile);
        long start = System.nanoTime();
        DeclaredSources.Result result = DeclaredSources.fetch(charts, files, List.of(Platform.LINUX_AMD64, Platform.parse("linux/arm64")),
                lock, DeclaredSources.LockUse.PREFER, out, Fetcher.create(new BlobCache(cache), false, RegistryOptions.defaults()),
                message -> { });
        long millis = (System.nanoTime() - start) / 1_000_000;
        if (lock.isEmpty()) {
            result.lock().write(lockFile);
        }
        System.out.println(millis);
    }
}
