package io.clusterimage.core;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** Ending the thread pools that download and upload in parallel. */
public final class Pools {

    private Pools() {
    }

    /**
     * Interrupts what the pools still run and waits, up to {@code patience}, for it to end: a failed save, push or
     * fetch returns once the other transfers have stopped and removed their temporary files, not while they still
     * write (into a cache or a directory the caller is about to report on, or delete).
     */
    public static void stop(Duration patience, ExecutorService... pools) {
        for (ExecutorService pool : pools) {
            pool.shutdownNow();
        }
        long end = System.nanoTime() + patience.toNanos();
        try {
            for (ExecutorService pool : pools) {
                pool.awaitTermination(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
