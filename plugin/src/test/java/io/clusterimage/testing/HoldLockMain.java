package io.clusterimage.testing;

import io.clusterimage.core.OutputLock;
import io.clusterimage.image.OciArchiveProbe;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A build in another process, for lock and crash tests: takes the output lock of {@code args[0]},
 * starts an archive at {@code args[1]} (left unfinished), prints "held" and waits to be killed.
 */
public final class HoldLockMain {

    private HoldLockMain() {
    }

    public static void main(String[] args) throws Exception {
        OutputLock lock = OutputLock.acquire(Path.of(args[0]), Duration.ofSeconds(5), file -> { });
        OciArchiveProbe.startArchive(Path.of(args[1]));
        System.out.println("held");
        System.out.flush();
        Thread.sleep(60_000);
        lock.close();
    }
}
