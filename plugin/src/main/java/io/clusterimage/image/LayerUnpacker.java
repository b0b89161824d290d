package io.clusterimage.image;

import io.clusterimage.core.TarReader;
import io.clusterimage.registry.BaseImageFetcher;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Unpacks an image's layers into one directory, applying OCI whiteouts ({@code .wh.<name>} deletes,
 * {@code .wh..wh..opq} empties a directory), for COPY --from=&lt;image&gt;. Regular files only: links
 * in base layers are not recreated (never followed out of the target either).
 */
final class LayerUnpacker {

    private LayerUnpacker() {
    }

    static void unpack(List<BaseImageFetcher.FetchedLayer> layers, Path rootfs) throws IOException {
        if (Files.isDirectory(rootfs)) {
            return; // unpacked by an earlier build: the directory is named after the manifest digest
        }
        Path staging = rootfs.resolveSibling(rootfs.getFileName() + ".partial");
        io.clusterimage.core.PathTrees.deleteTree(staging);
        Files.createDirectories(staging);
        int index = 0;
        for (BaseImageFetcher.FetchedLayer layer : layers) {
            Path layerDir = staging.resolveSibling("layer-" + index++);
            io.clusterimage.core.PathTrees.deleteTree(layerDir);
            try (InputStream in = open(layer.file())) {
                TarReader.extract(in, layerDir);
            }
            merge(layerDir, staging);
            io.clusterimage.core.PathTrees.deleteTree(layerDir);
        }
        Files.move(staging, rootfs, StandardCopyOption.ATOMIC_MOVE);
    }

    private static InputStream open(Path blob) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(blob));
        in.mark(2);
        boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        return gzip ? new GZIPInputStream(in, 1 << 16) : in;
    }

    private static void merge(Path layer, Path rootfs) throws IOException {
        if (!Files.isDirectory(layer)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(layer)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            Path relative = layer.relativize(file);
            String name = file.getFileName().toString();
            Path target = rootfs.resolve(relative.toString()).normalize();
            if (!target.startsWith(rootfs)) {
                continue;
            }
            if (name.equals(".wh..wh..opq")) {
                Path dir = target.getParent();
                if (Files.isDirectory(dir)) {
                    try (Stream<Path> children = Files.list(dir)) {
                        for (Path child : children.toList()) {
                            io.clusterimage.core.PathTrees.deleteTree(child);
                        }
                    }
                }
            } else if (name.startsWith(".wh.")) {
                io.clusterimage.core.PathTrees.deleteTree(target.resolveSibling(name.substring(".wh.".length())));
            } else {
                Files.createDirectories(target.getParent());
                Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

}
