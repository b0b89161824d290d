package bench;

import io.clusterimage.inventory.ImageInventory;
import io.clusterimage.inventory.ImageScanner;
import io.clusterimage.inventory.ScanOptions;
import io.clusterimage.layout.Layout;
import io.clusterimage.layout.LayoutOptions;
import io.clusterimage.layout.LayoutReader;

import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Peak Java heap of validate-layout + scan-images on one big input made here:
 * {@code HeapBench <manifests|document|chart> <MiB> <workDir>} — manifests: many documents in one file;
 * document: one document (a List) of that size; chart: a chart whose template renders that much.
 * Prints {@code kind MiB ok|error peakHeapMiB images|message} as one tab-separated line.
 */
public final class HeapBench {

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        long mib = Long.parseLong(args[1]);
        Path work = Path.of(args[2]);
        Path context = Files.createDirectories(work.resolve("context"));
        Files.writeString(context.resolve("Kubefile"), "FROM scratch\nCOPY . .\nCMD [\"kubectl apply -f manifests\"]\n");
        switch (kind) {
            case "manifests" -> manifest(context, mib, true);
            case "document" -> manifest(context, mib, false);
            case "chart" -> chart(context, mib);
            default -> throw new IllegalArgumentException(kind);
        }
        System.gc();
        resetPeaks();
        String result;
        try {
            Layout layout = LayoutReader.read(LayoutOptions.of(context));
            ImageInventory inventory = ImageScanner.scan(layout, ScanOptions.defaults(work.resolve("scan")));
            result = "ok\t" + peakMib() + "\t" + inventory.images().size() + " image(s)";
        } catch (IOException e) {
            result = "error\t" + peakMib() + "\t" + e.getMessage();
        }
        System.out.println(kind + "\t" + mib + "\t" + result);
    }

    private static void manifest(Path context, long mib, boolean documents) throws IOException {
        Files.createDirectories(context.resolve("manifests"));
        try (BufferedWriter out = Files.newBufferedWriter(context.resolve("manifests/big.yaml"), StandardCharsets.UTF_8)) {
            if (!documents) {
                out.write("apiVersion: v1\nkind: List\nitems:\n");
            }
            long written = 0;
            for (int i = 0; written < mib << 20; i++) {
                String pod = "kind: Pod\nmetadata:\n  name: p" + i + "\nspec:\n  containers:\n  - name: c\n    image: registry.example.com/app/c"
                        + (i % 500) + ":1.0\n";
                String text = documents ? "---\napiVersion: v1\n" + pod : "- " + pod.replace("\n", "\n  ").stripTrailing() + "\n";
                out.write(text);
                written += text.length();
            }
        }
    }

    private static void chart(Path context, long mib) throws IOException {
        Path chart = Files.createDirectories(context.resolve("charts/big/templates"));
        Files.writeString(chart.getParent().resolve("Chart.yaml"), "apiVersion: v2\nname: big\nversion: 0.1.0\n");
        long pods = (mib << 20) / 120; // each rendered document is ~120 bytes
        Files.writeString(chart.resolve("pods.yaml"), "{{- range $i := until " + pods + " }}\n---\napiVersion: v1\nkind: Pod\n"
                + "metadata:\n  name: p{{ $i }}\nspec:\n  containers:\n  - name: c\n    image: registry.example.com/app/c{{ mod $i 500 }}:1.0\n"
                + "{{- end }}\n");
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
    }

    private static long peakMib() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak >> 20;
    }
}
