package io.clusterimage.core;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One build at a time in a project's output directory. Two {@code mvn package} runs of one project
 * (a terminal and an IDE, two CI jobs on one workspace) would otherwise delete and fill the same
 * registry trees and archives under each other. The second waits for the first, saying so once, and
 * gives up after a bound; since no other build can be writing there while the lock is held, the
 * holder may also remove what killed builds left behind.
 *
 * <p>An OS file lock (released by the kernel when a build is killed, so a crash never leaves a
 * stale lock), plus an in-process lock for builds of one JVM (a file lock belongs to the process).
 */
public final class OutputLock implements AutoCloseable {

    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final ReentrantLock local;
    private final FileChannel channel;
    private final FileLock lock;

    private OutputLock(ReentrantLock local, FileChannel channel, FileLock lock) {
        this.local = local;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code directory} (creating it), waiting at most {@code patience} for another build to finish.
     *
     * @param waiting told once, with the lock file, when another build holds it
     * @throws IOException when the wait runs out, naming the lock file
     * @throws InterruptedException when the build is cancelled while waiting
     */
    public static OutputLock acquire(Path directory, Duration patience, Consumer<Path> waiting)
            throws IOException, InterruptedException {
        Files.createDirectories(directory);
        Path file = directory.resolve(".lock").toAbsolutePath().normalize();
        ReentrantLock local = IN_PROCESS.computeIfAbsent(file, f -> new ReentrantLock());
        long deadline = System.nanoTime() + patience.toNanos();
        boolean told = false;
        if (!local.tryLock()) {
            waiting.accept(file);
            told = true;
            if (!local.tryLock(patience.toNanos(), TimeUnit.NANOSECONDS)) {
                throw timedOut(file, patience);
            }
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            while (true) {
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock != null) {
                    return new OutputLock(local, channel, lock);
                }
                if (!told) {
                    waiting.accept(file);
                    told = true;
                }
                if (System.nanoTime() > deadline) {
                    throw timedOut(file, patience);
                }
                Thread.sleep(200);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            local.unlock();
            throw e;
        }
    }

    private static IOException timedOut(Path file, Duration patience) {
        return new IOException("another build of this project has held " + file + " for more than " + patience.toSeconds()
                + " s; wait for it to finish or stop it (the lock is released when its process ends)");
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
            channel.close();
        } finally {
            local.unlock();
        }
    }
}
