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
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * COPY and ADD: sources from the build context (with the generated registry/ and fetched trees laid
 * over it), from an earlier stage or from an image; globs, --parents, --exclude, --chown, --chmod,
 * symbolic links (followed only inside the context), destinations through links of the image, and ADD of
 * local tar archives. Each instruction becomes one layer of the stage. The sources are found and checked
 * here; the entries each one becomes are {@link CopyEntries}'s.
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
                    String target = copy.parents() ? CopyEntries.join(dest, keptPath(writtenSources.get(i), "registry")) : dest;
                    CopyEntries.addParents(entries, state, target, owner);
                    entries.put(target, FileEntry.directory(target, CopyEntries.mode(chmod, 0755), owner[0], owner[1]));
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
        Deque<String> pending = new ArrayDeque<>(List.of(dest.isEmpty() ? new String[0] : dest.split("/")));
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
            target = directory ? (kept.equals(".") ? dest : CopyEntries.join(dest, kept))
                    : slash < 0 ? dest : CopyEntries.join(dest, kept.substring(0, slash));
        }
        if (excludes == null) {
            CopyEntries.addSource(context, source, target, intoDirectory, entries, stage, owner, chmod);
            return;
        }
        TreeMap<String, FileEntry> added = new TreeMap<>();
        CopyEntries.addSource(context, source, target, intoDirectory, added, stage, owner, chmod);
        String name = source.contextPath().substring(source.contextPath().lastIndexOf('/') + 1);
        CopyEntries.mergeNotExcluded(excludes, added, directory ? target : null, name, entries);
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
                    CopyEntries.addSource(base, source, dest, intoDirectory || matched.size() > 1, entries, stage, owner, chmod);
                    singleFile |= matched.size() == 1 && !Files.isDirectory(source.file());
                }
                found = !matched.isEmpty();
            }
            if (exact != null && exact.type() != FileEntry.Type.DIRECTORY) {
                String target = intoDirectory ? CopyEntries.join(dest, prefix.substring(prefix.lastIndexOf('/') + 1)) : dest;
                CopyEntries.addParents(entries, stage, target, owner);
                entries.put(target, CopyEntries.withOwner(exact, target, owner, chmod));
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
                    String target = CopyEntries.join(dest, rest);
                    CopyEntries.addParents(entries, stage, target, owner);
                    entries.put(target, CopyEntries.withOwner(candidate.getValue(), target, owner, chmod));
                    found = true;
                }
            }
            if (!found) {
                throw new ImageBuildException(kubefile.file(), line, "COPY --from=" + copy.from() + ": '" + written
                        + "' does not exist in that stage");
            }
            if (excludes != null) {
                CopyEntries.mergeNotExcluded(excludes, entries, singleFile ? null : dest, prefix.substring(prefix.lastIndexOf('/') + 1),
                        layer);
            }
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
}
