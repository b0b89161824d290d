package io.clusterimage.inventory;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.PackageCommand;
import com.marcnuri.helm.TemplateCommand;
import com.marcnuri.helm.jni.HelmLib;
import io.clusterimage.core.PathTrees;
import io.clusterimage.core.UserCache;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where helm-java's native Helm (Go, loaded into this JVM) is called, with the two things the Go side
 * cannot do for itself.
 *
 * <p><b>Renders can be abandoned.</b> A template can loop without end ({@code range until 60000}
 * inside another), and Go code in a native call cannot be interrupted. So each render runs on a
 * daemon thread and is waited for at most the render timeout; after that it is abandoned with an
 * error naming the chart. The abandoned thread still runs (it holds a core, and whatever memory the
 * template makes) until the JVM exits, but it never keeps the JVM alive: the build fails and Maven
 * exits.
 *
 * <p><b>Ctrl-C and SIGTERM keep working.</b> The first render makes the Go runtime take over SIGINT,
 * SIGTERM and SIGHUP, and it then ignores them: measured, a JVM that had rendered one chart went on
 * for as long as its work lasted after {@code kill -TERM} (minutes, with a render that does not end).
 * So the JVM's own handlers are saved before the library is first used, one tiny chart is rendered
 * (that is when Go takes the signals), and the handlers are put back.
 */
final class HelmRuntime {

    private static final String[] TERMINATING_SIGNALS = {"INT", "TERM", "HUP"};
    private static final AtomicInteger THREADS = new AtomicInteger();

    /** Daemon threads: an abandoned render must never keep the JVM from exiting. */
    private static final ExecutorService RENDERS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "cluster-image-helm-render-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });

    private static boolean started;
    /** The native library, loaded from the user cache ({@link HelmLibrary}) by the first render. */
    private static HelmLib library;

    private HelmRuntime() {
    }

    /**
     * A template command for a chart directory, with the native library loaded the safe way.
     *
     * @param workDir a directory where the first call may write (and then deletes) a tiny chart
     */
    static TemplateCommand template(Path chartDir, Path workDir) throws IOException {
        start(workDir);
        return new TemplateCommand(library, chartDir);
    }

    /**
     * Renders, or gives up after {@code timeout}.
     *
     * @param chart the chart's name, for the error
     * @throws ChartRenderException with Helm's message, or saying the render took too long
     */
    static String render(TemplateCommand template, Duration timeout, String chart) {
        Future<String> render = RENDERS.submit(template::call);
        try {
            return render.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            render.cancel(true); // the Go code does not see it; the thread is left to the JVM's exit
            throw new ChartRenderException("the render did not finish within " + seconds(timeout) + " and was abandoned"
                    + " (a template that loops without end, or an enormous output); if chart '" + chart + "' is only slow,"
                    + " raise <chartRenderTimeoutSeconds> (-Dcluster-image.chartRenderTimeoutSeconds)");
        } catch (InterruptedException e) {
            render.cancel(true);
            Thread.currentThread().interrupt();
            throw new ChartRenderException("rendering chart '" + chart + "' was interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IllegalStateException helmError) {
                throw new ChartRenderException(helmError.getMessage());
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("rendering chart '" + chart + "' failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * {@code helm package}: the chart directory packaged as Helm packages it, into {@code destination}
     * ({@code <name>-<version>.tgz}). The tests make real repository fixtures with it.
     */
    static void packageChart(Path chartDir, Path destination, Path workDir) throws IOException {
        start(workDir);
        new PackageCommand(library, new Helm(chartDir), chartDir)
                .withDestination(Files.createDirectories(destination)).call();
    }

    /** Loads the library and lets Go take the signals once, with the JVM's handlers saved and then put back. */
    private static synchronized void start(Path workDir) throws IOException {
        if (started) {
            return;
        }
        Map<Signal, SignalHandler> saved = saveHandlers();
        Path warmUp = Files.createTempDirectory(Files.createDirectories(workDir), ".helm-start");
        try {
            Files.writeString(warmUp.resolve("Chart.yaml"), "apiVersion: v2\nname: start\nversion: 0.1.0\n");
            Files.createDirectories(warmUp.resolve("templates"));
            Files.writeString(warmUp.resolve("templates/start.yaml"), "kind: ConfigMap\n");
            library = HelmLibrary.load(UserCache.defaultLocation());
            new TemplateCommand(library, warmUp).withName("start").call();
        } finally {
            restoreHandlers(saved);
            PathTrees.deleteTree(warmUp);
        }
        started = true;
    }

    private static Map<Signal, SignalHandler> saveHandlers() {
        Map<Signal, SignalHandler> saved = new LinkedHashMap<>();
        for (String name : TERMINATING_SIGNALS) {
            Signal signal;
            try {
                signal = new Signal(name);
            } catch (IllegalArgumentException e) {
                continue; // not a signal on this system (Windows has no HUP)
            }
            try {
                // a handler can only be read by replacing it. Not with SIG_IGN: the JVM never installs a handler
                // for a signal that is ignored (that is how nohup works), so the handler could not be put back
                SignalHandler previous = Signal.handle(signal, SignalHandler.SIG_DFL);
                Signal.handle(signal, previous);
                saved.put(signal, previous);
            } catch (IllegalArgumentException e) {
                // the JVM does not let its handler be changed (-Xrs): Go cannot take it from the JVM either
            }
        }
        return saved;
    }

    private static void restoreHandlers(Map<Signal, SignalHandler> saved) {
        saved.forEach((signal, handler) -> {
            try {
                Signal.handle(signal, handler);
            } catch (IllegalArgumentException e) {
                // as when saving: not ours to change
            }
        });
    }

    private static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }
}
