package io.clusterimage.core;

import io.clusterimage.image.OciArchive;
import io.clusterimage.testing.ChildJvm;
import io.clusterimage.testing.HoldLockMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two builds of one project at once: the second waits for the first (and says so), gives up with a
 * message naming the lock after its patience, and takes over as soon as the first is killed; the
 * unfinished archive of the killed build is then removed.
 */
class OutputLockTest {

    @TempDir
    Path temp;

    @Test
    void aSecondBuildWaitsForTheFirstAndTakesOverWhenItIsKilled() throws Exception {
        Path output = temp.resolve("target/cluster-image");
        Path archive = temp.resolve("target/app-cluster-image.tar");
        Process first = ChildJvm.command(HoldLockMain.class, List.of(output.toString(), archive.toString())).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(first.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("held", out.readLine());
            List<Path> told = new CopyOnWriteArrayList<>();

            IOException timedOut = assertThrows(IOException.class,
                    () -> OutputLock.acquire(output, Duration.ofMillis(600), told::add).close());
            assertTrue(timedOut.getMessage().startsWith("another build of this project has held " + output.resolve(".lock")),
                    timedOut.getMessage());
            assertEquals(List.of(output.resolve(".lock").toAbsolutePath()), told);
            assertEquals(1, partials(archive).size(), "the first build is writing its archive");

            first.destroyForcibly(); // SIGKILL: the kernel releases its lock
            assertTrue(first.waitFor(10, TimeUnit.SECONDS));
            long start = System.nanoTime();
            try (OutputLock lock = OutputLock.acquire(output, Duration.ofSeconds(10), told::add)) {
                assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2));
                OciArchive.removeLeftovers(archive);
            }
            assertEquals(List.of(), partials(archive), "the killed build's unfinished archive is removed");
        } finally {
            first.destroyForcibly();
        }
    }

    @Test
    void buildsOfOneJvmTakeTurnsToo() throws Exception {
        Path output = temp.resolve("out");
        try (OutputLock held = OutputLock.acquire(output, Duration.ofSeconds(1), f -> { })) {
            java.util.concurrent.FutureTask<Throwable> other = new java.util.concurrent.FutureTask<>(() -> {
                try {
                    OutputLock.acquire(output, Duration.ofMillis(300), f -> { }).close();
                    return null;
                } catch (IOException e) {
                    return e;
                }
            });
            new Thread(other).start();
            assertTrue(other.get() instanceof IOException, "a second build in the same JVM waits, then gives up");
        }
        OutputLock.acquire(output, Duration.ofMillis(300), f -> { }).close(); // released: free again
    }

    private static List<Path> partials(Path archive) throws IOException {
        try (Stream<Path> files = Files.list(archive.getParent())) {
            return files.filter(f -> f.getFileName().toString().endsWith(".partial")).toList();
        }
    }
}
