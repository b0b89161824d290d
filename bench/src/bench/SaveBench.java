package bench;

import io.clusterimage.core.Platform;
import io.clusterimage.reference.ImageReference;
import io.clusterimage.registry.ImageSaver;
import io.clusterimage.registry.RegistryClient;
import io.clusterimage.registry.RegistryOptions;
import io.clusterimage.registry.SaveOptions;
import io.clusterimage.registry.SaveSummary;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One {@link ImageSaver#save} run, as the save-registry goal does it, in this JVM, with its time and
 * the heap it used.
 *
 * <p>Usage: {@code SaveBench <registryHost> <cacheDir> <outputDir> <platform> <maxConcurrent> <image>...}
 * (images as {@code host/repo:tag}; the host is reached over plain HTTP). Prints {@code key=value}
 * lines: {@code save_ms} (the save call only), {@code images}, {@code blobs_fetched},
 * {@code bytes_fetched}, {@code bytes_from_cache}, {@code heap_peak_mib} (sum of the heap pools' peak
 * usage during the save, JVM-reported) and {@code heap_sampled_max_mib} (highest used heap seen by
 * a 1 ms sampler), {@code cpu_ms} (this JVM's CPU time, start-up included).
 *
 * <p>With {@code -Dbench.warmSha=true}, {@link #warmSha256()} runs first (inside the timed part).
 *
 * <p>With {@code -Dbench.again=true} the same saver then saves the same images a second time into
 * {@code <outputDir>-again} (a fresh tree, the cache now full, the JVM warmed up) and prints
 * {@code again_ms}: the warm save without the first-call costs (class loading, JIT, first connection).
 */
public final class SaveBench {

    private SaveBench() {
    }

    /**
     * Experiment, not what the plugin does: many small SHA-256 updates so that the JIT compiles
     * MessageDigest.update's path with the SHA-NI/AVX2 intrinsic before the downloads start. Without
     * it, the few thousand 256 KiB updates of a save run in the Java implementation of SHA-256 for
     * most of the save (see bench/README.md). Counted in save_ms.
     */
    static void warmSha256() {
        var sha = io.clusterimage.registry.Digests.sha256();
        byte[] block = new byte[128];
        for (int i = 0; i < 40_000; i++) {
            sha.update(block, 0, block.length);
        }
        sha.digest();
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 6) {
            System.err.println("usage: SaveBench <registryHost> <cacheDir> <outputDir> <platform> <maxConcurrent> <image>...");
            System.exit(2);
        }
        String host = args[0];
        Path cache = Path.of(args[1]);
        Path out = Path.of(args[2]);
        Platform platform = Platform.parse(args[3]);
        int maxConcurrent = Integer.parseInt(args[4]);
        List<ImageReference> images = new ArrayList<>();
        for (int i = 5; i < args.length; i++) {
            images.add(ImageReference.parse(args[i]));
        }
        RegistryOptions registryOptions = RegistryOptions.defaults().withInsecure(Set.of(host));
        ImageSaver saver = new ImageSaver(new RegistryClient(registryOptions),
                new SaveOptions(out, List.of(platform), false, maxConcurrent, cache, false, line -> { }));

        List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP).toList();
        heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
        AtomicLong sampledMax = new AtomicLong();
        Thread sampler = new Thread(() -> {
            var memory = ManagementFactory.getMemoryMXBean();
            while (!Thread.currentThread().isInterrupted()) {
                sampledMax.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();

        long start = System.nanoTime();
        if (Boolean.getBoolean("bench.warmSha")) {
            warmSha256();
        }
        SaveSummary summary = saver.save(images);
        long nanos = System.nanoTime() - start;

        Double againMillis = null;
        if (Boolean.getBoolean("bench.again")) {
            ImageSaver again = new ImageSaver(new RegistryClient(registryOptions), new SaveOptions(
                    out.resolveSibling(out.getFileName() + "-again"), List.of(platform), false, maxConcurrent, cache, false, line -> { }));
            long againStart = System.nanoTime();
            again.save(images);
            againMillis = (System.nanoTime() - againStart) / 1e6;
        }
        sampler.interrupt();
        sampler.join();
        long peak = heapPools.stream().mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
        double mib = 1024.0 * 1024.0;
        System.out.println(String.format(Locale.ROOT, "save_ms=%.1f", nanos / 1e6));
        System.out.println("images=" + summary.images());
        System.out.println("blobs_fetched=" + summary.blobsFetched());
        System.out.println("bytes_fetched=" + summary.bytesFetched());
        System.out.println("bytes_from_cache=" + summary.bytesFromCache());
        System.out.println(String.format(Locale.ROOT, "heap_peak_mib=%.1f", peak / mib));
        System.out.println(String.format(Locale.ROOT, "heap_sampled_max_mib=%.1f", sampledMax.get() / mib));
        if (againMillis != null) {
            System.out.println(String.format(Locale.ROOT, "again_ms=%.1f", againMillis));
        }
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            System.out.println(String.format(Locale.ROOT, "cpu_ms=%.0f", sun.getProcessCpuTime() / 1e6));
        }
        System.out.println(String.format(Locale.ROOT, "heap_max_mib=%.0f", Runtime.getRuntime().maxMemory() / mib));
    }
}
