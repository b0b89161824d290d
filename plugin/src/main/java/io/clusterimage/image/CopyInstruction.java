package io.clusterimage.image;

import io.clusterimage.core.ContextRoot;
import io.clusterimage.core.Platform;
import io.clusterimage.kubefile.BuildPlan;
import io.clusterimage.kubefile.Instruction;
import io.clusterimage.kubefile.Kubefile;
import io.clusterimage.layout.ignore.IgnoreFile;
import io.clusterimage.layout.ignore.IgnorePatternException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * COPY and ADD: sources from the build context (with the generated registry/ and fetched trees laid
 * over it), from an earlier stage or from an image; globs, --parents, --exclude, --chown, --chmod,
 * symbolic links (followed only inside the context), destinations through links of the image, and ADD of
 * local tar archives. Each instruction becomes one layer of the stage.
 */
final class CopyInstruction {

    private final Kubefile kubefile;
    private final ImageBuildOptions options;
    private final BaseImages bases;
    private Platform currentPlatform;
    /** ADD archives unpacked so far in this build (each gets its own directory under the work directory). */
    private int unpackedArchives;

    /** --chown and --chmod. */
    private final CopyOwnership ownership;

    CopyInstruction(Kubefile kubefile, ImageBuildOptions options, BaseImages bases) {
        this.kubefile = kubefile;
        this.options = options;
        this.bases = bases;
        this.ownership = new CopyOwnership(kubefile, bases);
    }


    void copy(Instruction.Copy copy, StageState state, BuildPlan plan, Map<Integer, StageState> done, ContextFiles context,
              Platform platform) throws IOException, ImageBuildException {
        currentPlatform = platform;
        int line = copy.lines().first();
        if (copy.add()) {
            for (String source : copy.sources()) {
                if (source.contains("://") || source.startsWith("git@")) {
                    throw new ImageBuildException(kubefile.file(), line, "ADD " + source + ": remote sources are not fetched;"
                            + " download the file in init.sh and COPY it");
                }
            }
        }
        int[] owner = ownership.owner(copy, state, line, currentPlatform);
        Integer chmod = ownership.chmod(copy, line);
        String destination = ImageBuilder.absolute(state.workdir, copy.destination());
        String dest = throughLinks(state, destination.equals("/") ? "" : destination.substring(1), line);
        TreeMap<String, FileEntry> entries = new TreeMap<>();
        boolean fromRegistry = false;
        IgnoreFile excludes = excludes(copy, line);
        if (copy.from() != null && plan.stage(copy.from()).filter(s -> done.containsKey(s.index())).isPresent()) {
            if (copy.parents()) {
                throw new ImageBuildException(kubefile.file(), line, copy.keyword() + " --parents with --from=<stage> is not supported yet;"
                        + " copy each directory to its own destination");
            }
            boolean intoDirectory = namesDirectory(copy.destination()) || copy.sources().size() > 1 || isDirectory(state, dest);
            copyFromStage(copy, done.get(plan.stage(copy.from()).get().index()), dest, intoDirectory, excludes, entries, state, owner,
                    chmod, line);
        } else if (copy.from() != null) {
            // not a stage: an image, whose files are unpacked once and copied like context files
            ContextFiles image = ContextFiles.ofImage(bases.extractedImage(copy.from(), line, currentPlatform));
            boolean intoDirectory = namesDirectory(copy.destination()) || copy.sources().size() > 1 || isDirectory(state, dest)
                    || copy.parents();
            for (String written : copy.sources()) {
                List<ContextFiles.Source> matched = image.resolve(written.replaceFirst("^/+", ""));
                if (matched.isEmpty()) {
                    throw new ImageBuildException(kubefile.file(), line, "COPY --from=" + copy.from() + ": '" + written
                            + "' does not exist in that image");
                }
                for (ContextFiles.Source source : matched) {
                    addCopied(image, source, written, copy.parents(), excludes, dest, intoDirectory || matched.size() > 1, entries, state,
                            owner, chmod);
                }
            }
        } else {
            List<ContextFiles.Source> sources = new ArrayList<>();
            List<String> writtenSources = new ArrayList<>(); // what the Kubefile wrote for each of sources
            for (String written : copy.sources()) {
                List<ContextFiles.Source> matched;
                try {
                    matched = context.resolve(written);
                } catch (IllegalArgumentException e) {
                    throw new ImageBuildException(kubefile.file(), line, copy.keyword() + " " + e.getMessage());
                } catch (ContextRoot.LinkEscapeException e) {
                    throw leavesContext(copy, written, e, line);
                }
                String cleaned = ContextFiles.clean(written);
                boolean registrySource = cleaned.equals("registry") || cleaned.startsWith("registry/");
                fromRegistry |= registrySource;
                if (matched.isEmpty() && !registrySource) {
                    throw new ImageBuildException(kubefile.file(), line, copy.keyword() + " source '" + written
                            + "' does not exist in the build context (or is excluded by the ignore file)");
                }
                if (matched.isEmpty()) {
                    // no images were saved: the Kubefile still gets the directory it copies
                    sources.add(null);
                    writtenSources.add(written);
                }
                for (ContextFiles.Source source : matched) {
                    sources.add(followLink(context, source, copy, line));
                    writtenSources.add(written);
                }
            }
            boolean intoDirectory = namesDirectory(copy.destination()) || sources.size() > 1 || isDirectory(state, dest)
                    || copy.parents();
            for (int i = 0; i < sources.size(); i++) {
                ContextFiles.Source source = sources.get(i);
                if (source == null) {
                    String target = copy.parents() ? join(dest, keptPath(writtenSources.get(i), "registry")) : dest;
                    addParents(entries, state, target, owner);
                    entries.put(target, FileEntry.directory(target, mode(chmod, 0755), owner[0], owner[1]));
                    continue;
                }
                Path unpacked = copy.add() ? unpackedArchive(copy, source, line) : null;
                if (unpacked != null) {
                    // ADD of a local tar: its contents go into the destination directory
                    addCopied(ContextFiles.ofImage(unpacked), new ContextFiles.Source(unpacked, "."), ".", false, excludes, dest, true,
                            entries, state, owner, chmod);
                    continue;
                }
                addCopied(context, source, writtenSources.get(i), copy.parents(), excludes, dest, intoDirectory, entries, state, owner,
                        chmod);
            }
        }
        for (FileEntry entry : entries.values()) {
            state.files.put(entry.path(), entry);
        }
        LayerCompression compression = fromRegistry ? options.registryCompression() : options.compression();
        state.layers.add(new StageLayer.Copied(new ArrayList<>(entries.values()), options.created().getEpochSecond(), compression,
                options.threads(), ImageBuilder.describe(copy)));
    }

    /** Where ADD unpacked a local tar archive source, or null when it is not one (or --unpack=false). */
    private Path unpackedArchive(Instruction.Copy copy, ContextFiles.Source source, int line) throws IOException, ImageBuildException {
        if ("false".equalsIgnoreCase(copy.otherFlags().get("unpack")) || Files.isDirectory(source.file())) {
            return null;
        }
        Path directory = options.workDir().resolve("add").resolve(Integer.toString(++unpackedArchives));
        try {
            return AddArchives.unpackIfArchive(source.file(), directory) ? directory : null;
        } catch (AddArchives.UnsupportedArchiveException e) {
            throw new ImageBuildException(kubefile.file(), line, "ADD " + e.getMessage() + "; unpack it in init.sh, recompress it"
                    + " as .tar.gz, or write ADD --unpack=false to copy it as it is");
        } catch (LayerUnpacker.RefusedLayerException e) {
            throw new ImageBuildException(kubefile.file(), line, "ADD " + source.contextPath() + ": " + e.getMessage());
        }
    }

    /**
     * A destination with the symbolic links the stage has on its way resolved, as buildah copies into
     * the container's file system: {@code COPY x /lib/} with a base image's {@code /lib -> usr/lib} writes
     * {@code /usr/lib/x}. Absolute link targets start again at the image root; {@code ..} stops there.
     * The last component is resolved too when it is a link to a directory the stage has.
     */
    private String throughLinks(StageState state, String dest, int line) throws ImageBuildException {
        List<String> resolved = new ArrayList<>();
        java.util.Deque<String> pending = new java.util.ArrayDeque<>(List.of(dest.isEmpty() ? new String[0] : dest.split("/")));
        int links = 0;
        while (!pending.isEmpty()) {
            String part = pending.pollFirst();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!resolved.isEmpty()) {
                    resolved.remove(resolved.size() - 1);
                }
                continue;
            }
            resolved.add(part);
            FileEntry entry = state.files.get(String.join("/", resolved));
            if (entry == null || entry.type() != FileEntry.Type.SYMLINK) {
                continue;
            }
            if (pending.isEmpty()) {
                // the destination itself: followed only to a directory (else the COPY replaces the link)
                String target = linkTarget(resolved, entry.link());
                FileEntry pointed = state.files.get(target);
                if (pointed == null || pointed.type() != FileEntry.Type.DIRECTORY) {
                    continue;
                }
            }
            if (++links > 40) {
                throw new ImageBuildException(kubefile.file(), line, "the destination " + dest + " goes through too many symbolic links");
            }
            resolved.remove(resolved.size() - 1);
            List<String> rest = new ArrayList<>(pending);
            pending.clear();
            if (entry.link().startsWith("/")) {
                resolved.clear();
            }
            pending.addAll(List.of(entry.link().split("/")));
            pending.addAll(rest);
        }
        return String.join("/", resolved);
    }

    /** Where a link at {@code linkPath} points, as a path from the image root. */
    private static String linkTarget(List<String> linkPath, String link) {
        List<String> path = new ArrayList<>(link.startsWith("/") ? List.of() : linkPath.subList(0, linkPath.size() - 1));
        for (String part : link.split("/")) {
            if (part.equals("..")) {
                if (!path.isEmpty()) {
                    path.remove(path.size() - 1);
                }
            } else if (!part.isEmpty() && !part.equals(".")) {
                path.add(part);
            }
        }
        return String.join("/", path);
    }

    /** The --exclude patterns of a COPY, with .dockerignore syntax and meaning; null when there are none. */
    private IgnoreFile excludes(Instruction.Copy copy, int line) throws ImageBuildException {
        if (copy.excludes().isEmpty()) {
            return null;
        }
        try {
            return IgnoreFile.parse(copy.keyword() + " --exclude", copy.excludes());
        } catch (IgnorePatternException e) {
            throw new ImageBuildException(kubefile.file(), line, copy.keyword() + " --exclude: " + e.getMessage());
        }
    }

    /**
     * One source of a COPY, with --parents and --exclude applied. --parents keeps the source's path
     * (after a {@code /./} in what was written, if any) under the destination. --exclude patterns are
     * matched, as BuildKit does, against paths relative to the source: for a directory the paths inside
     * it, for a file its name.
     */
    private void addCopied(ContextFiles context, ContextFiles.Source source, String written, boolean parents, IgnoreFile excludes,
                           String dest, boolean intoDirectory, TreeMap<String, FileEntry> entries, StageState stage, int[] owner,
                           Integer chmod) throws IOException {
        boolean directory = Files.isDirectory(source.file());
        String target = dest;
        if (parents) {
            String kept = keptPath(written, source.contextPath());
            int slash = kept.lastIndexOf('/');
            target = directory ? (kept.equals(".") ? dest : join(dest, kept)) : slash < 0 ? dest : join(dest, kept.substring(0, slash));
        }
        if (excludes == null) {
            addSource(context, source, target, intoDirectory, entries, stage, owner, chmod);
            return;
        }
        TreeMap<String, FileEntry> added = new TreeMap<>();
        addSource(context, source, target, intoDirectory, added, stage, owner, chmod);
        String name = source.contextPath().substring(source.contextPath().lastIndexOf('/') + 1);
        mergeNotExcluded(excludes, added, directory ? target : null, name, entries);
    }

    /**
     * The part of a source's path that --parents keeps: all of it, or what follows a {@code /./} in the
     * source as written ({@code a/./b/c.txt} keeps {@code b/c.txt}).
     */
    static String keptPath(String written, String sourcePath) {
        String path = written.replaceFirst("^(\\./|/)+", "");
        int pivot = path.indexOf("/./");
        if (pivot < 0) {
            return sourcePath;
        }
        String prefix = ContextFiles.clean(path.substring(0, pivot));
        return prefix.equals(".") || !sourcePath.startsWith(prefix + "/") ? sourcePath : sourcePath.substring(prefix.length() + 1);
    }

    /**
     * Puts into {@code entries} what one source added, less what --exclude leaves out.
     *
     * @param base       for a directory source, where its contents went (paths are matched relative to it);
     *                   null for a file source, matched by {@code fileName}
     */
    private static void mergeNotExcluded(IgnoreFile excludes, TreeMap<String, FileEntry> added, String base, String fileName,
                                         TreeMap<String, FileEntry> entries) {
        java.util.Set<String> dropped = new java.util.HashSet<>();
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

    private void addSource(ContextFiles context, ContextFiles.Source source, String dest, boolean intoDirectory,
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

    private void walk(ContextFiles context, Path dir, String contextPath, String dest, TreeMap<String, FileEntry> entries,
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

    /**
     * A source named in the COPY that is a symbolic link is followed, as Docker and buildah do (links
     * inside a copied directory are kept as links); it must lead to a place inside the build context
     * that the ignore file does not exclude.
     */
    private ContextFiles.Source followLink(ContextFiles context, ContextFiles.Source source, Instruction.Copy copy, int line)
            throws IOException, ImageBuildException {
        if (!Files.isSymbolicLink(source.file()) || context.isGenerated(source.file())) {
            return source;
        }
        if (!Files.exists(source.file())) {
            throw new ImageBuildException(kubefile.file(), line, copy.keyword() + " source '" + source.contextPath()
                    + "' is a symbolic link to " + Files.readSymbolicLink(source.file()) + ", which does not exist");
        }
        ContextFiles.Source followed;
        try {
            followed = context.follow(source);
        } catch (ContextRoot.LinkEscapeException e) {
            throw leavesContext(copy, source.contextPath(), e, line);
        }
        if (context.isExcluded(followed, Files.isDirectory(followed.file()))) {
            throw new ImageBuildException(kubefile.file(), line, copy.keyword() + " source '" + source.contextPath()
                    + "' is a symbolic link to '" + followed.realPath() + "', which the ignore file excludes");
        }
        return followed;
    }

    /** A COPY or ADD source that a symbolic link on its way leads out of the build context. */
    private ImageBuildException leavesContext(Instruction.Copy copy, String written, ContextRoot.LinkEscapeException e, int line) {
        String through = written.equals(e.link()) ? "it" : "'" + e.link() + "'";
        return new ImageBuildException(kubefile.file(), line, copy.keyword() + " source '" + written
                + "' leads outside the build context: " + through + " is a symbolic link to '" + e.target()
                + "'; only files inside the context are copied: copy the target into the context instead of linking to it");
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

    private void copyFromStage(Instruction.Copy copy, StageState from, String dest, boolean intoDirectory, IgnoreFile excludes,
                               TreeMap<String, FileEntry> layer, StageState stage, int[] owner, Integer chmod,
                               int line) throws IOException, ImageBuildException {
        // a stage built FROM an image holds the image's files too, under what the stage itself added
        ContextFiles base = from.baseName == null ? null : ContextFiles.ofImage(bases.extractedImage(from.baseName, line, currentPlatform));
        for (String written : copy.sources()) {
            String path = ContextFiles.clean(written.startsWith("/") ? written.substring(1) : written);
            String prefix = path.equals(".") ? "" : path;
            FileEntry exact = from.files.get(prefix);
            boolean found = false;
            TreeMap<String, FileEntry> entries = excludes == null ? layer : new TreeMap<>();
            boolean singleFile = exact != null && exact.type() != FileEntry.Type.DIRECTORY;
            if (base != null) {
                List<ContextFiles.Source> matched = base.resolve(path);
                for (ContextFiles.Source source : matched) {
                    addSource(base, source, dest, intoDirectory || matched.size() > 1, entries, stage, owner, chmod);
                    singleFile |= matched.size() == 1 && !Files.isDirectory(source.file());
                }
                found = !matched.isEmpty();
            }
            if (exact != null && exact.type() != FileEntry.Type.DIRECTORY) {
                String target = intoDirectory ? join(dest, prefix.substring(prefix.lastIndexOf('/') + 1)) : dest;
                addParents(entries, stage, target, owner);
                entries.put(target, withOwner(exact, target, owner, chmod));
                found = true;
            } else {
                for (Map.Entry<String, FileEntry> candidate : from.files.tailMap(prefix, true).entrySet()) {
                    String key = candidate.getKey();
                    if (!prefix.isEmpty() && !key.equals(prefix) && !key.startsWith(prefix + "/")) {
                        if (key.startsWith(prefix)) {
                            continue; // a sibling such as m.txt sorts between m and m/...
                        }
                        break;
                    }
                    String rest = key.equals(prefix) ? "" : key.substring(prefix.isEmpty() ? 0 : prefix.length() + 1);
                    if (rest.isEmpty()) {
                        found = true;
                        continue;
                    }
                    String target = join(dest, rest);
                    addParents(entries, stage, target, owner);
                    entries.put(target, withOwner(candidate.getValue(), target, owner, chmod));
                    found = true;
                }
            }
            if (!found) {
                throw new ImageBuildException(kubefile.file(), line, "COPY --from=" + copy.from() + ": '" + written
                        + "' does not exist in that stage");
            }
            if (excludes != null) {
                mergeNotExcluded(excludes, entries, singleFile ? null : dest, prefix.substring(prefix.lastIndexOf('/') + 1), layer);
            }
        }
    }

    private static FileEntry withOwner(FileEntry entry, String target, int[] owner, Integer chmod) {
        int mode = entry.type() == FileEntry.Type.SYMLINK ? entry.mode() : mode(chmod, entry.mode());
        return new FileEntry(target, entry.type(), entry.source(), entry.size(), mode, owner[0], owner[1], entry.link());
    }

    /**
     * Puts the parent directories of {@code path} into the layer: as they already are in the stage
     * (a later layer must not reset their owner or mode), else new, owned by the --chown owner (as
     * buildah and BuildKit create them) — unless the stage is built FROM an image, whose directories
     * are not known here: those stay root's.
     */
    private static void addParents(TreeMap<String, FileEntry> entries, StageState stage, String path, int[] owner) {
        int slash = path.lastIndexOf('/');
        while (slash > 0) {
            String parent = path.substring(0, slash);
            FileEntry before = stage.files.get(parent);
            entries.putIfAbsent(parent, before != null && before.type() == FileEntry.Type.DIRECTORY ? before
                    : stage.fromImage ? FileEntry.directory(parent, 0755, 0, 0) : FileEntry.directory(parent, 0755, owner[0], owner[1]));
            slash = parent.lastIndexOf('/');
        }
    }

    /** {@code dir/}, {@code .}, {@code dir/.} and {@code ..} name a directory to copy into, as in Docker. */
    static boolean namesDirectory(String destination) {
        return destination.endsWith("/") || destination.equals(".") || destination.endsWith("/.")
                || destination.equals("..") || destination.endsWith("/..");
    }

    private static boolean isDirectory(StageState state, String path) {
        if (path.isEmpty()) {
            return true;
        }
        FileEntry entry = state.files.get(path);
        return entry != null && entry.type() == FileEntry.Type.DIRECTORY;
    }

    private static int mode(Integer chmod, int mode) {
        return chmod != null ? chmod : mode;
    }

    private static String join(String dir, String name) {
        return dir.isEmpty() ? name : dir + "/" + name;
    }
}
