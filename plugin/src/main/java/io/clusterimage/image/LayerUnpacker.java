package io.clusterimage.image;

import io.clusterimage.core.PathTrees;
import io.clusterimage.core.TarReader;
import io.clusterimage.registry.BaseImageFetcher;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Unpacks an image's layers, bottom first, into one directory — the image's file system for
 * COPY --from=&lt;image&gt; — as a container runtime applies them: directories, regular files,
 * symbolic links (recreated as written, never followed here), hard links (linked, or copied where
 * the file system cannot link), and OCI whiteouts of later layers ({@code .wh.<name>} deletes a
 * lower layer's file, {@code .wh..wh..opq} empties a directory of lower layers' files). Devices and
 * FIFOs are skipped: COPY takes files.
 *
 * <p>Nothing is ever written outside the directory: entry names that are absolute or contain
 * {@code ..} are refused, and a symbolic link met on the way to an entry (one an earlier entry
 * wrote) is resolved as inside the image, its absolute target and {@code ..} taken from the image's
 * root — never from the host's.
 */
final class LayerUnpacker {

    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";

    private LayerUnpacker() {
    }

    /** A layer this class will not unpack: an entry aiming outside the image, a whiteout or hard link of nothing. */
    static final class RefusedLayerException extends IOException {
        RefusedLayerException(String message) {
            super(message);
        }
    }

    static void unpack(List<BaseImageFetcher.FetchedLayer> layers, Path rootfs) throws IOException {
        if (Files.isDirectory(rootfs)) {
            return; // unpacked by an earlier build: the directory is named after the manifest digest
        }
        Path staging = rootfs.resolveSibling(rootfs.getFileName() + ".partial");
        PathTrees.deleteTree(staging);
        Files.createDirectories(staging);
        Path root = staging.toRealPath();
        for (BaseImageFetcher.FetchedLayer layer : layers) {
            try (InputStream in = open(layer.file())) {
                apply(new TarReader(in), root, layer.digest());
            }
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

    /** Applies one layer on top of what {@code root} holds. */
    static void apply(TarReader reader, Path root, String layerName) throws IOException {
        Written written = new Written(root);
        TarReader.Entry entry;
        while ((entry = reader.next()) != null) {
            String name = entryPath(entry.name(), layerName);
            if (name.isEmpty()) {
                continue; // the root directory itself
            }
            int slash = name.lastIndexOf('/');
            String base = name.substring(slash + 1);
            Path parent = directory(root, slash < 0 ? "" : name.substring(0, slash), written);
            if (base.equals(OPAQUE)) {
                removeLowerLayers(parent, written);
            } else if (base.startsWith(WHITEOUT)) {
                String hiddenName = base.substring(WHITEOUT.length());
                if (hiddenName.isEmpty() || hiddenName.equals(".") || hiddenName.equals("..")) {
                    throw new RefusedLayerException("layer " + layerName + " has a whiteout '" + entry.name() + "' that names no file");
                }
                Path hidden = parent.resolve(hiddenName);
                if (!written.contains(hidden)) {
                    PathTrees.deleteTree(hidden);
                }
            } else {
                Path target = parent.resolve(base);
                write(reader, entry, root, target, layerName);
                written.add(target);
            }
        }
    }

    private static void write(TarReader reader, TarReader.Entry entry, Path root, Path target, String layerName) throws IOException {
        boolean isDirectory = Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS);
        if (entry.isDirectory()) {
            if (!isDirectory) {
                Files.deleteIfExists(target);
                Files.createDirectory(target);
            }
            return;
        }
        if (!entry.isFile() && !entry.isSymbolicLink() && !entry.isHardLink()) {
            return; // devices, FIFOs: nothing COPY could take
        }
        // a later entry replaces what was there, a link included (never written through)
        PathTrees.deleteTree(target);
        if (entry.isSymbolicLink()) {
            Files.createSymbolicLink(target, Path.of(entry.linkName()));
        } else if (entry.isHardLink()) {
            // the target is another entry of the image: resolved inside it, like every path here
            Path linked = PathTrees.resolveInRoot(root, entry.linkName(), false);
            if (!Files.exists(linked, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(linked, LinkOption.NOFOLLOW_LINKS)) {
                throw new RefusedLayerException("layer " + layerName + ": hard link '" + entry.name() + "' points to '" + entry.linkName()
                        + "', which is not a file of the image");
            }
            try {
                Files.createLink(target, linked);
            } catch (FileSystemException | UnsupportedOperationException e) {
                Files.copy(linked, target, LinkOption.NOFOLLOW_LINKS);
            }
        } else {
            try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                reader.copyContent(out);
            }
            if ((entry.mode() & 0111) != 0) {
                // COPY gives executables mode 0755: keep the bit it looks at
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(target);
                permissions.add(PosixFilePermission.OWNER_EXECUTE);
                Files.setPosixFilePermissions(target, permissions);
            }
        }
    }

    /**
     * The directory an entry goes into, created where missing; links on the way are resolved
     * inside the image, and a lower layer's file in the way is replaced by a directory.
     */
    private static Path directory(Path root, String path, Written written) throws IOException {
        Path directory = root;
        for (String part : path.isEmpty() ? new String[0] : path.split("/")) {
            Path next = PathTrees.resolveInRoot(root, root.relativize(directory.resolve(part)).toString(), true);
            if (!Files.isDirectory(next, LinkOption.NOFOLLOW_LINKS)) {
                Files.deleteIfExists(next);
                Files.createDirectories(next);
                written.add(next);
            }
            directory = next;
        }
        return directory;
    }

    /** {@code .wh..wh..opq}: the directory keeps only what this layer put in it. */
    private static void removeLowerLayers(Path directory, Written written) throws IOException {
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> children;
        try (Stream<Path> list = Files.list(directory)) {
            children = list.toList();
        }
        for (Path child : children) {
            if (written.holds(child)) {
                removeLowerLayers(child, written);
            } else if (!written.contains(child)) {
                PathTrees.deleteTree(child);
            } else if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                removeLowerLayers(child, written);
            }
        }
    }

    /**
     * An entry name as a path relative to the image root ({@code ./} and {@code /} prefixes of
     * the names tar writes are not part of it).
     *
     * @throws IOException for a name that is absolute or contains {@code ..}: no image tool writes
     *                     those, and they could only aim outside the image
     */
    static String entryPath(String name, String layerName) throws IOException {
        String path = name.startsWith("./") ? name.substring(2) : name.equals(".") ? "" : name;
        if (path.startsWith("/") || List.of(path.split("/")).contains("..")) {
            throw new RefusedLayerException("layer " + layerName + " has an entry '" + name
                    + "' that points outside the image (absolute, or with '..'); refusing to unpack it");
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path.replaceAll("/+", "/").replaceAll("(^|/)\\.(?=/|$)", "").replaceFirst("^/", "");
    }

    /**
     * What one layer wrote, and the directories holding it: the layer's whiteouts only hide lower
     * layers' files (OCI image spec), whatever the order of its entries.
     */
    private static final class Written {
        private final Path root;
        private final Set<Path> paths = new HashSet<>();
        private final Set<Path> holders = new HashSet<>();

        Written(Path root) {
            this.root = root;
        }

        void add(Path path) {
            paths.add(path);
            for (Path parent = path.getParent(); parent != null && !parent.equals(root) && holders.add(parent); parent = parent.getParent()) {
                // every directory up to the root holds it
            }
        }

        boolean contains(Path path) {
            return paths.contains(path);
        }

        /** Whether something this layer wrote is below {@code directory}. */
        boolean holds(Path directory) {
            return holders.contains(directory);
        }
    }
}
