package io.clusterimage.image;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/** Starts an archive as package-image does and leaves it unfinished, as a killed build would. */
public final class OciArchiveProbe {

    private OciArchiveProbe() {
    }

    public static void startArchive(Path target) throws IOException {
        OciArchive.create(target, Instant.EPOCH); // never finished nor closed: the process is killed
    }
}
