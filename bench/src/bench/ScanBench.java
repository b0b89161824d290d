package bench;

import io.clusterimage.inventory.ImageInventory;
import io.clusterimage.inventory.ImageScanner;
import io.clusterimage.inventory.ScanOptions;
import io.clusterimage.layout.Layout;
import io.clusterimage.layout.LayoutOptions;
import io.clusterimage.layout.LayoutReader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Times {@code LayoutReader.read} + {@code ImageScanner.scan} (what validate-layout and scan-images do)
 * on layout directories, in this JVM, in the order given.
 *
 * <p>Usage: {@code ScanBench <workDir> <repeat> <layoutDir>...}. Each layout is scanned {@code repeat}
 * times in a row; one tab-separated line per scan on stdout:
 * {@code layout, iteration (1 = first in this JVM), ms, images, charts, errors, cpu ms} (the CPU time of
 * the scanning thread; Helm's own Go threads and the JIT's are not in it). A last line
 * {@code TOTAL <ms>} gives the wall time of the whole loop.
 */
public final class ScanBench {

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    private ScanBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: ScanBench <workDir> <repeat> <layoutDir>...");
            System.exit(2);
        }
        Path work = Path.of(args[0]).toAbsolutePath();
        int repeat = Integer.parseInt(args[1]);
        List<Path> layouts = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            layouts.add(Path.of(args[i]).toAbsolutePath().normalize());
        }
        long total = System.nanoTime();
        for (Path dir : layouts) {
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("not a directory: " + dir);
            }
            for (int iteration = 1; iteration <= repeat; iteration++) {
                Path chartWork = work.resolve(dir.getFileName().toString() + "-" + iteration);
                long cpuStart = THREADS.getCurrentThreadCpuTime();
                long start = System.nanoTime();
                Layout layout = LayoutReader.read(LayoutOptions.of(dir));
                ImageInventory inventory = ImageScanner.scan(layout, ScanOptions.defaults(chartWork));
                long micros = (System.nanoTime() - start) / 1_000;
                long cpuMicros = (THREADS.getCurrentThreadCpuTime() - cpuStart) / 1_000;
                System.out.println(String.format(Locale.ROOT, "%s\t%d\t%.1f\t%d\t%d\t%d\t%.1f", dir.getFileName(), iteration,
                        micros / 1000.0, inventory.images().size(), layout.charts().size(),
                        layout.errors().size() + inventory.errors().size(), cpuMicros / 1000.0));
            }
        }
        System.out.println(String.format(Locale.ROOT, "TOTAL\t%.1f", (System.nanoTime() - total) / 1e6));
    }
}
