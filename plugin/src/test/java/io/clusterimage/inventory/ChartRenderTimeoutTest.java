package io.clusterimage.inventory;

import io.clusterimage.testing.ChildJvm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.clusterimage.inventory.ScanFixtures.chart;
import static io.clusterimage.inventory.ScanFixtures.context;
import static io.clusterimage.inventory.ScanFixtures.files;
import static io.clusterimage.inventory.ScanFixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A chart whose template renders without end (3.6 billion loop turns: minutes of Go) is abandoned
 * after the render timeout, and a JVM rendering it still exits at once on SIGTERM. The scans run in
 * a JVM of their own ({@link ScanMain}): an abandoned render goes on until its JVM exits, and it
 * must not take a core from the other tests.
 */
class ChartRenderTimeoutTest {

    /** Nested ranges that produce nothing: Go spends minutes in them. After them, an image that must never be found. */
    static final String ENDLESS = "{{- range until 60000 }}{{- range until 60000 }}{{- end }}{{- end }}\n"
            + pod("never", "quay.io/acme/never:1");

    private static KubeconfigTrap trap;
    private static int connectionsBefore;

    @TempDir
    Path work;

    @BeforeAll
    static void installTrap() {
        trap = KubeconfigTrap.install(); // the child JVM's Helm reads the same kubeconfig
        connectionsBefore = trap.connections();
    }

    @AfterAll
    static void noChildContactedACluster() {
        assertEquals(connectionsBefore, trap.connections(), "connections to the kubeconfig's API server " + trap.address());
    }

    /** A context with a chart that renders without end and one that renders. */
    private Path hostileContext() {
        Path ctx = context(work.resolve("hostile"));
        chart(ctx.resolve("charts"), "endless", "endless", files("templates/loop.yaml", ENDLESS));
        chart(ctx.resolve("charts"), "app", "app", files("templates/pod.yaml", pod("app", "quay.io/acme/app:1")));
        return ctx;
    }

    private Path plainContext() {
        Path ctx = context(work.resolve("plain"));
        chart(ctx.resolve("charts"), "web", "web", files("templates/pod.yaml", pod("web", "quay.io/acme/web:1")));
        return ctx;
    }

    /** A running {@link ScanMain} and the lines it printed so far. */
    private record Child(Process process, List<String> lines) {
        boolean printed(String prefix) {
            return lines.stream().anyMatch(line -> line.startsWith(prefix));
        }

        void awaitLine(String prefix, long millis) throws InterruptedException {
            long end = System.nanoTime() + millis * 1_000_000;
            while (!printed(prefix) && process.isAlive() && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertTrue(printed(prefix), "the child printed no " + prefix + " line: " + lines);
        }
    }

    private Child scanInChild(long timeoutMillis, Path... contextsAndWorkDirs) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of(Long.toString(timeoutMillis)));
        for (Path path : contextsAndWorkDirs) {
            args.add(path.toString());
        }
        Process process = ChildJvm.command(ScanMain.class, args).redirectErrorStream(true).start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (java.io.IOException e) {
                // the child is gone
            }
        }, "scan-main-output");
        reader.setDaemon(true);
        reader.start();
        return new Child(process, lines);
    }

    @Test
    void aChartThatRendersWithoutEndIsAbandonedAfterTheTimeoutWithAnErrorNamingIt() throws Exception {
        Child child = scanInChild(1000, hostileContext(), work.resolve("work"));
        try {
            child.awaitLine("SCANNED 1", 60_000);
            long scanned = System.nanoTime();
            assertTrue(child.process().waitFor(10, TimeUnit.SECONDS), "the abandoned render (a daemon thread) keeps the JVM alive: "
                    + child.lines());
            long exitMillis = (System.nanoTime() - scanned) / 1_000_000;
            assertEquals(0, child.process().exitValue(), child.lines().toString());
            assertTrue(exitMillis < 5000, "the JVM exits when main returns, the endless render still running: " + exitMillis + " ms");
            assertEquals(List.of("FINDING ERROR scan.chart-render charts/endless: Helm cannot render chart 'endless': the render did not"
                    + " finish within 1 s and was abandoned (a template that loops without end, or an enormous output); if chart"
                    + " 'endless' is only slow, raise <chartRenderTimeoutSeconds> (-Dcluster-image.chartRenderTimeoutSeconds)"
                    + " Fix: fix the chart or its values (charts/endless.values.yaml, or <charts> in the POM)"),
                    child.lines().stream().filter(line -> line.startsWith("FINDING")).toList());
            assertEquals(List.of("IMAGE quay.io/acme/app:1"), child.lines().stream().filter(line -> line.startsWith("IMAGE")).toList(),
                    "the other chart is scanned; nothing of the abandoned one is kept");
        } finally {
            child.process().destroyForcibly();
        }
    }

    /**
     * Helm's Go runtime takes SIGINT and SIGTERM from the JVM on its first render and ignores them:
     * without the JVM's handlers put back, this child went on until the endless render ended.
     */
    @Test
    void sigtermEndsAJvmThatIsRenderingWithoutEnd() throws Exception {
        Child child = scanInChild(600_000, plainContext(), work.resolve("work-plain"), hostileContext(), work.resolve("work-hostile"));
        try {
            child.awaitLine("SCANNED 1", 60_000); // Helm has rendered: Go has had its chance to take the signals
            Thread.sleep(1000); // into the endless render
            assertFalse(child.printed("SCANNED 2"), child.lines().toString());
            long start = System.nanoTime();
            child.process().destroy(); // SIGTERM
            assertTrue(child.process().waitFor(5, TimeUnit.SECONDS), "SIGTERM was ignored: " + child.lines());
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(143, child.process().exitValue(), "ended by SIGTERM, through the JVM's shutdown: " + child.lines());
            assertTrue(millis < 3000, "promptly: " + millis + " ms");
        } finally {
            child.process().destroyForcibly();
        }
    }
}
