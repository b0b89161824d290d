package bench;

import io.airlift.compress.zstd.ZstdOutputStream;
import io.clusterimage.core.ParallelGzipOutputStream;
import io.clusterimage.core.ParallelZstdOutputStream;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Layer compression throughput (bench/compress.sh).
 *
 * <pre>
 *   CompressBench generate FILE MIB [KIND]   writes MIB MiB of data, deterministic (seed 1); KIND
 *                                            mixed (default): half random, half YAML-like text,
 *                                            alternating in 384 KiB pieces; text; random
 *   CompressBench MODE FILE             compresses FILE once; prints "mode wall_ms cpu_ms in_bytes out_bytes"
 * </pre>
 *
 * Modes: {@code jdk-gzip-L} (GZIPOutputStream at level L, as LayerWriter.FastGzip does at 1),
 * {@code pgzip-L-T} (ParallelGzipOutputStream, level L, T threads), {@code pzstd-T}
 * (ParallelZstdOutputStream, T threads), {@code zstdstream} (aircompressor's own ZstdOutputStream;
 * both at aircompressor's fixed level 3). The file is read with 256 KiB reads (what TarWriter does), the
 * output goes to a counting sink: the numbers are the compressor's, not the disk's. CPU is the whole
 * JVM's (all threads) during the compression.
 */
public final class CompressBench {

    private static final int PIECE = 384 * 1024;

    public static void main(String[] args) throws Exception {
        if (args[0].equals("generate")) {
            generate(Path.of(args[1]), Long.parseLong(args[2]) << 20, args.length > 3 ? args[3] : "mixed");
            return;
        }
        String mode = args[0];
        Path file = Path.of(args[1]);
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        CountingSink sink = new CountingSink();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        long in = 0;
        try (OutputStream out = open(mode, sink); InputStream input = Files.newInputStream(file)) {
            byte[] buffer = new byte[256 * 1024];
            for (int n; (n = input.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
                in += n;
            }
        }
        long wallMs = (System.nanoTime() - t0) / 1_000_000;
        long cpuMs = (os.getProcessCpuTime() - cpu0) / 1_000_000;
        System.out.println(mode + " " + wallMs + " " + cpuMs + " " + in + " " + sink.count);
    }

    private static OutputStream open(String mode, OutputStream sink) throws IOException {
        String[] parts = mode.split("-");
        return switch (parts[0]) {
            case "jdk" -> new GZIPOutputStream(sink, 256 * 1024) {
                {
                    def.setLevel(Integer.parseInt(parts[2]));
                }
            };
            case "pgzip" -> new ParallelGzipOutputStream(sink, Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
            case "pzstd" -> new ParallelZstdOutputStream(sink, Integer.parseInt(parts[1]));
            case "zstdstream" -> new ZstdOutputStream(sink);
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        };
    }

    private static void generate(Path file, long size, String kind) throws IOException {
        Random random = new Random(1);
        String[] words = {"apiVersion", "kind", "metadata", "name", "namespace", "labels", "spec", "replicas",
                "template", "containers", "image", "resources", "limits", "memory", "cpu", "env", "value",
                "volumeMounts", "mountPath", "configMap", "service", "port", "targetPort", "selector"};
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            byte[] noise = new byte[PIECE];
            StringBuilder text = new StringBuilder(PIECE + 256);
            long written = 0;
            for (long piece = 0; written < size; piece++) {
                byte[] bytes;
                boolean randomPiece = switch (kind) {
                    case "mixed" -> piece % 2 == 0;
                    case "random" -> true;
                    case "text" -> false;
                    default -> throw new IllegalArgumentException("unknown kind " + kind);
                };
                if (randomPiece) {
                    random.nextBytes(noise);
                    bytes = noise;
                } else {
                    text.setLength(0);
                    while (text.length() < PIECE) {
                        int indent = 2 * random.nextInt(5);
                        text.append(" ".repeat(indent)).append(words[random.nextInt(words.length)]).append(": ");
                        switch (random.nextInt(3)) {
                            case 0 -> text.append(words[random.nextInt(words.length)]).append('-').append(random.nextInt(1000));
                            case 1 -> text.append(random.nextInt(65536));
                            default -> text.append("registry.example.com/team-").append(random.nextInt(40))
                                    .append("/app:v1.").append(random.nextInt(30)).append('.').append(random.nextInt(10));
                        }
                        text.append('\n');
                    }
                    bytes = text.substring(0, PIECE).getBytes(StandardCharsets.US_ASCII);
                }
                int length = (int) Math.min(bytes.length, size - written);
                out.write(bytes, 0, length);
                written += length;
            }
        }
    }

    private static final class CountingSink extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
