package bench;

import io.clusterimage.core.Platform;
import io.clusterimage.image.BuiltImage;
import io.clusterimage.image.ImageBuildOptions;
import io.clusterimage.image.ImageBuilder;
import io.clusterimage.image.Layer;
import io.clusterimage.image.LayerCompression;
import io.clusterimage.image.OciArchive;
import io.clusterimage.kubefile.Kubefile;
import io.clusterimage.kubefile.KubefileParser;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * One package-image build, as the package-image goal does it once its inputs are known, in this JVM:
 * {@link OciArchive#create}, {@link ImageBuilder#build} into it (the layers streamed straight into the
 * archive — the registry layer uncompressed, the others gzip'd, the goal's defaults — then config and
 * manifest), then {@link OciArchive#finish} (configs, manifests, index.json; the rename into place).
 *
 * <p>Usage: {@code PackageBench <contextDir> <registryTree> <workDir> <archive>}. The context holds the
 * Kubefile; {@code COPY registry} takes {@code registryTree} (the goal passes the tree save-registry
 * wrote under target/). {@code workDir} is the goal's {@code target/cluster-image/work/image}: its
 * {@code blobs/} is emptied first, as the goal does. One image, linux/amd64, created at the epoch.
 *
 * <p>Prints {@code key=value} lines: {@code jvm_start_ms} (from the launch time the script passes as
 * {@code -Dbench.launchMs} to the first line of main: JVM start-up), {@code build_ms} (create + build:
 * the layers are written here), {@code write_ms} (finish),
 * {@code engine_ms} (the two together: what the goal adds to a running Maven build),
 * {@code engine_cpu_ms} (this JVM's CPU time during them, all threads), {@code cpu_ms} (this JVM's CPU
 * time, start-up included), {@code layers}, {@code layer_bytes}, {@code archive_bytes}, {@code digest}.
 *
 * <p>With {@code -Dbench.warmSha=true}, {@link SaveBench#warmSha256()} runs first (inside the timed
 * part): an experiment, not what the plugin does (see bench/README.md).
 *
 * <p>With {@code -Dbench.repeat=N} (N &gt; 1) the build and write run N times in this JVM (the same
 * archive rewritten, the blobs emptied before each); {@code again_ms} is the last one's engine time,
 * without the first-use costs (class loading, JIT).
 */
public final class PackageBench {

    private PackageBench() {
    }

    public static void main(String[] args) throws Exception {
        long entered = System.currentTimeMillis();
        if (args.length != 4) {
            System.err.println("usage: PackageBench <contextDir> <registryTree> <workDir> <archive>");
            System.exit(2);
        }
        Path context = Path.of(args[0]).toAbsolutePath().normalize();
        Path registryTree = Path.of(args[1]).toAbsolutePath().normalize();
        Path work = Path.of(args[2]).toAbsolutePath().normalize();
        Path archive = Path.of(args[3]).toAbsolutePath().normalize();
        int repeat = Integer.getInteger("bench.repeat", 1);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

        double firstEngine = 0;
        double lastEngine = 0;
        BuiltImage image = null;
        double buildMs = 0;
        double writeMs = 0;
        long engineCpuNanos = 0;
        for (int i = 0; i < repeat; i++) {
            long cpu0 = os.getProcessCpuTime();
            long start = System.nanoTime();
            if (i == 0 && Boolean.getBoolean("bench.warmSha")) {
                SaveBench.warmSha256();
            }
            Kubefile kubefile = KubefileParser.parse(context.resolve("Kubefile"), Path.of("Kubefile"));
            ImageBuildOptions options = ImageBuildOptions.of(context, work).withRegistryTree(platform -> registryTree)
                    .withPlatforms(List.of(Platform.LINUX_AMD64)).withCompression(LayerCompression.NONE, LayerCompression.GZIP)
                    .withRefName("bench/package:1").withThreads(Runtime.getRuntime().availableProcessors());
            deleteBlobs(work.resolve("blobs"));
            long built;
            try (OciArchive output = OciArchive.create(archive, Instant.EPOCH)) {
                image = ImageBuilder.build(kubefile, options, null, output);
                built = System.nanoTime();
                output.finish(image, "bench/package:1");
            }
            long written = System.nanoTime();
            long cpu1 = os.getProcessCpuTime();
            lastEngine = (written - start) / 1e6;
            if (i == 0) {
                firstEngine = lastEngine;
                buildMs = (built - start) / 1e6;
                writeMs = (written - built) / 1e6;
                engineCpuNanos = cpu1 - cpu0;
            }
        }
        String launch = System.getProperty("bench.launchMs");
        if (launch != null) {
            System.out.println("jvm_start_ms=" + (entered - Long.parseLong(launch)));
        }
        System.out.println(String.format(Locale.ROOT, "build_ms=%.1f", buildMs));
        System.out.println(String.format(Locale.ROOT, "write_ms=%.1f", writeMs));
        System.out.println(String.format(Locale.ROOT, "engine_ms=%.1f", firstEngine));
        System.out.println(String.format(Locale.ROOT, "engine_cpu_ms=%.0f", engineCpuNanos / 1e6));
        if (repeat > 1) {
            System.out.println(String.format(Locale.ROOT, "again_ms=%.1f", lastEngine));
        }
        List<Layer> layers = image.platforms().get(0).layers();
        System.out.println("layers=" + layers.size());
        System.out.println("layer_bytes=" + layers.stream().mapToLong(Layer::size).sum());
        System.out.println("archive_bytes=" + Files.size(archive));
        System.out.println("digest=" + image.digest());
        System.out.println(String.format(Locale.ROOT, "cpu_ms=%.0f", os.getProcessCpuTime() / 1e6));
    }

    private static void deleteBlobs(Path dir) throws java.io.IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
