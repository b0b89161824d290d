package io.clusterimage.image;

import io.clusterimage.layout.ignore.IgnoreFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The layer entries a COPY or ADD source becomes once {@link CopyInstruction} has resolved it: directories
 * walked in name order (the ignore file applied, generated trees merged in), files and links as they are,
 * each with the --chown owner and --chmod mode, parent directories as the stage has them, and what --exclude
 * leaves out dropped.
 *
 * <p>Apart from CopyInstruction, which reads the instruction, finds its sources and says what is wrong with
 * them at a Kubefile line: here the sources are found already, nothing refers to the Kubefile, and only I/O
 * can fail.
 */
final class CopyEntries {

    private CopyEntries() {
    }

    /**
     * What one source puts under {@code dest}: a directory's contents (merged with what the fetch goal placed at
     * its path, and for {@code .} with the generated registry/), or the file or link itself.
     */
    static void addSource(ContextFiles context, ContextFiles.Source source, String dest, boolean intoDirectory,
                          TreeMap<String, FileEntry> entries, StageState stage, int[] owner, Integer chmod)
            throws IOException {
        Path file = source.file();
        if (Files.isDirectory(file)) {
            // a directory's contents go into the destination
            addParents(entries, stage, dest, owner);
            if (!dest.isEmpty()) {
                entries.put(dest, FileEntry.directory(dest, mode(chmod, 0755), owner[0], owner[1]));
            }
            walk(context, file, source.realPath(), dest, entries, owner, chmod);
            Path placed = context.isGenerated(file) ? null : context.generated(source.contextPath());
            if (placed != null && Files.isDirectory(placed)) {
                // what the fetch goal placed at this path is merged in; its files win over the context's
                walk(context, placed, source.contextPath(), dest, entries, owner, chmod);
            }
            if (source.contextPath().equals(".") && hasGeneratedRegistry(context)) {
                // COPY . . takes the generated registry/ as if it were in the context, as sealos's is (in place
                // of a registry/ directory the context has, as COPY registry does)
                String registryDest = join(dest, "registry");
                entries.put(registryDest, FileEntry.directory(registryDest, mode(chmod, 0755), owner[0], owner[1]));
                walk(context, context.registryTree(), "registry", registryDest, entries, owner, chmod);
            }
            return;
        }
        String contextPath = source.contextPath();
        String name = contextPath.substring(contextPath.lastIndexOf('/') + 1); // a followed link keeps its own name
        String target = intoDirectory ? join(dest, name) : dest;
        addParents(entries, stage, target, owner);
        entries.put(target, entry(file, target, owner, chmod));
    }

    private static void walk(ContextFiles context, Path dir, String contextPath, String dest, TreeMap<String, FileEntry> entries,
                             int[] owner, Integer chmod) throws IOException {
        List<Path> children;
        try (Stream<Path> list = Files.list(dir)) {
            children = list.sorted().toList();
        }
        boolean inRegistry = context.isGenerated(dir); // no ignore rule applies to what the build generated
        for (Path child : children) {
            String name = child.getFileName().toString();
            if (contextPath.equals(".") && name.equals("registry") && hasGeneratedRegistry(context)
                    && !context.isUnderRegistryTree(child)) {
                continue; // replaced by the generated tree (see addSource)
            }
            String childContext = contextPath.equals(".") ? name : contextPath + "/" + name;
            boolean directory = Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS);
            if (!inRegistry && context.isExcluded(childContext, directory)) {
                continue;
            }
            String target = join(dest, name);
            if (directory) {
                boolean excludedItself = !inRegistry && context.isExcludedItself(childContext);
                int before = entries.size();
                walk(context, child, childContext, target, entries, owner, chmod);
                if (!excludedItself || entries.size() > before) {
                    entries.put(target, FileEntry.directory(target, mode(chmod, 0755), owner[0], owner[1]));
                }
            } else {
                entries.put(target, entry(child, target, owner, chmod));
            }
        }
    }

    private static boolean hasGeneratedRegistry(ContextFiles context) {
        return context.registryTree() != null && Files.isDirectory(context.registryTree());
    }

    private static FileEntry entry(Path file, String target, int[] owner, Integer chmod) throws IOException {
        if (Files.isSymbolicLink(file)) {
            return new FileEntry(target, FileEntry.Type.SYMLINK, null, 0, 0777, owner[0], owner[1],
                    Files.readSymbolicLink(file).toString());
        }
        int mode = Files.isExecutable(file) ? 0755 : 0644;
        return new FileEntry(target, FileEntry.Type.FILE, file, Files.size(file), mode(chmod, mode), owner[0], owner[1], "");
    }

    static FileEntry withOwner(FileEntry entry, String target, int[] owner, Integer chmod) {
        int mode = entry.type() == FileEntry.Type.SYMLINK ? entry.mode() : mode(chmod, entry.mode());
        return new FileEntry(target, entry.type(), entry.source(), entry.size(), mode, owner[0], owner[1], entry.link());
    }

    /**
     * Puts the parent directories of {@code path} into the layer: as they already are in the stage
     * (a later layer must not reset their owner or mode), else new, owned by the --chown owner (as
     * buildah and BuildKit create them) — unless the stage is built FROM an image, whose directories
     * are not known here: those stay root's.
     */
    static void addParents(TreeMap<String, FileEntry> entries, StageState stage, String path, int[] owner) {
        int slash = path.lastIndexOf('/');
        while (slash > 0) {
            String parent = path.substring(0, slash);
            FileEntry before = stage.files.get(parent);
            entries.putIfAbsent(parent, before != null && before.type() == FileEntry.Type.DIRECTORY ? before
                    : stage.fromImage ? FileEntry.directory(parent, 0755, 0, 0) : FileEntry.directory(parent, 0755, owner[0], owner[1]));
            slash = parent.lastIndexOf('/');
        }
    }

    /**
     * Puts into {@code entries} what one source added, less what --exclude leaves out.
     *
     * @param base       for a directory source, where its contents went (paths are matched relative to it);
     *                   null for a file source, matched by {@code fileName}
     */
    static void mergeNotExcluded(IgnoreFile excludes, TreeMap<String, FileEntry> added, String base, String fileName,
                                 TreeMap<String, FileEntry> entries) {
        Set<String> dropped = new HashSet<>();
        for (Map.Entry<String, FileEntry> entry : added.entrySet()) {
            String key = entry.getKey();
            String relative = base == null ? (entry.getValue().type() == FileEntry.Type.DIRECTORY ? null : fileName)
                    : key.equals(base) ? null : base.isEmpty() ? key : key.startsWith(base + "/") ? key.substring(base.length() + 1) : null;
            if (relative != null && excludes.isExcluded(relative)) {
                dropped.add(key);
            }
        }
        if (base == null && !dropped.isEmpty()) {
            return; // the file is left out, and so are the directories made for it
        }
        // an excluded directory that holds a re-included path (!pattern) stays: the layer needs it
        for (String key : added.keySet()) {
            if (!dropped.contains(key)) {
                for (int slash = key.lastIndexOf('/'); slash > 0; slash = key.lastIndexOf('/', slash - 1)) {
                    dropped.remove(key.substring(0, slash));
                }
            }
        }
        added.forEach((key, entry) -> {
            if (!dropped.contains(key) && !(entry.type() == FileEntry.Type.DIRECTORY && entries.containsKey(key))) {
                entries.put(key, entry);
            }
        });
    }

    static int mode(Integer chmod, int mode) {
        return chmod != null ? chmod : mode;
    }

    static String join(String dir, String name) {
        return dir.isEmpty() ? name : dir + "/" + name;
    }
}
