package io.clusterimage.image;

import io.clusterimage.core.AtomicFiles;
import io.clusterimage.registry.Digests;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Blobs as files named by their digest in one directory: the build's work directory, for outputs written
 * after the build (a docker-archive) and for tests; {@code blobs/sha256/} of an {@link OciDirectory}. Base image layers
 * stay where they are (the blob cache).
 */
public final class DirectoryBlobSink implements BlobSink {

    private final Path directory;

    public DirectoryBlobSink(Path directory) {
        this.directory = directory;
    }

    @Override
    public NewBlob begin() throws IOException {
        Files.createDirectories(directory);
        Path temp = Files.createTempFile(directory, "blob", ".tmp");
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp), 256 * 1024);
        return new NewBlob() {
            private boolean committed;

            @Override
            public OutputStream out() {
                return out;
            }

            @Override
            public Path commit(String digest, long size) throws IOException {
                out.close();
                Path target = directory.resolve(Digests.hex(digest));
                AtomicFiles.makeReadable(temp);
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
                committed = true;
                return target;
            }

            @Override
            public void close() throws IOException {
                if (!committed) {
                    out.close();
                    Files.deleteIfExists(temp);
                }
            }
        };
    }

    @Override
    public Path add(String digest, Path file) {
        return file;
    }
}
