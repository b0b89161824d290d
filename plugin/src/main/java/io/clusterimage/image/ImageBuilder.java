package io.clusterimage.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterimage.core.ContextRoot;
import io.clusterimage.core.Finding;
import io.clusterimage.core.Platform;
import io.clusterimage.core.Severity;
import io.clusterimage.kubefile.BuildPlan;
import io.clusterimage.kubefile.Instruction;
import io.clusterimage.kubefile.Kubefile;
import io.clusterimage.kubefile.KubefileResolver;
import io.clusterimage.kubefile.Stage;
import io.clusterimage.layout.ignore.IgnoreFile;
import io.clusterimage.layout.ignore.IgnorePatternException;
import io.clusterimage.registry.BaseImageFetcher;
import io.clusterimage.registry.Digests;
import io.clusterimage.registry.RegistryException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The image stage's entry point: applies a Kubefile to the build context, without executing
 * anything, and produces one OCI image per platform (layers, config, manifest).
 *
 * <p>Reproducible by construction: entries sorted, owners 0 unless --chown says otherwise, modes
 * normalized (0644, or 0755 for executables and directories, unless --chmod), every time set to
 * {@link ImageBuildOptions#created()}, no host data in the config.
 */
public final class ImageBuilder {

    /** What buildah puts in Env even for FROM scratch. */
    static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Kubefile kubefile;
    private final ImageBuildOptions options;
    private final BaseImageFetcher baseImages;
    private final Map<String, Path> extractedImages = new java.util.HashMap<>();
    private Platform currentPlatform;
    /** ADD archives unpacked so far in this build (each gets its own directory under the work directory). */
    private int unpackedArchives;

    private ImageBuilder(Kubefile kubefile, ImageBuildOptions options, BaseImageFetcher baseImages) {
        this.kubefile = kubefile;
        this.options = options;
        this.baseImages = baseImages;
    }

    /** Builds images that do not need a registry (FROM scratch, FROM earlier stages); layers go to the work directory. */
    public static BuiltImage build(Kubefile kubefile, ImageBuildOptions options) throws IOException, ImageBuildException {
        return build(kubefile, options, null);
    }

    /**
     * Builds with the layers written as files into the work directory ({@code blobs/}), for
     * {@link OciArchiveWriter}'s formats.
     *
     * @param baseImages fetches FROM and COPY --from images through the registry cache; null when
     *                   no registry may be used (then such instructions are an error)
     */
    public static BuiltImage build(Kubefile kubefile, ImageBuildOptions options, BaseImageFetcher baseImages)
            throws IOException, ImageBuildException {
        return build(kubefile, options, baseImages, new DirectoryBlobSink(options.workDir().resolve("blobs")));
    }

    /**
     * Builds the image, writing its layers into {@code sink} as they are assembled — platform after
     * platform, each one's layers bottom first. With an {@link OciArchive} as the sink every layer is
     * written once, straight into the archive; {@link OciArchive#finish} then completes it.
     */
    public static BuiltImage build(Kubefile kubefile, ImageBuildOptions options, BaseImageFetcher baseImages, BlobSink sink)
            throws IOException, ImageBuildException {
        ImageBuilder builder = new ImageBuilder(kubefile, options, baseImages);
        List<PlatformImage> images = new ArrayList<>();
        for (Platform platform : options.platforms()) {
            images.add(builder.buildPlatform(platform, sink));
        }
        if (images.size() == 1) {
            return new BuiltImage(images.get(0).manifestDigest(), null, images);
        }
        byte[] index = builder.index(images);
        return new BuiltImage(Digests.of(index), index, images);
    }

    // ---- one platform ----

    private PlatformImage buildPlatform(Platform platform, BlobSink sink) throws IOException, ImageBuildException {
        currentPlatform = platform;
        BuildPlan plan = KubefileResolver.resolve(kubefile, options.buildArgs(), platform, Platform.host());
        for (Finding finding : plan.findings()) {
            if (finding.severity() == Severity.ERROR) {
                throw new ImageBuildException(kubefile.file(), finding.line(), finding.message());
            }
        }
        if (kubefile.hasErrors()) {
            Finding first = kubefile.findings().stream().filter(f -> f.severity() == Severity.ERROR).findFirst().orElseThrow();
            throw new ImageBuildException(kubefile.file(), first.line(), first.message());
        }
        Path registry = options.registryTree().apply(platform);
        ContextFiles context = new ContextFiles(options.contextDir(), options.excludedFromContext(), registry,
                options.generatedContext().apply(platform));
        Map<Integer, StageState> done = new LinkedHashMap<>();
        for (Stage stage : plan.stages()) {
            done.put(stage.index(), runStage(stage, plan, done, context));
        }
        StageState last = done.get(plan.finalStage().index());
        List<Layer> layers = new ArrayList<>();
        for (StageLayer layer : last.layers) {
            layers.add(layer.writeTo(sink));
        }
        byte[] config = config(last, layers, platform);
        String configDigest = Digests.of(config);
        byte[] manifest = manifest(config, configDigest, layers, platform, last);
        return new PlatformImage(platform, manifest, Digests.of(manifest), config, configDigest, layers);
    }

    private StageState runStage(Stage stage, BuildPlan plan, Map<Integer, StageState> done, ContextFiles context)
            throws IOException, ImageBuildException {
        Instruction.From from = stage.from();
        StageState state;
        Optional<Stage> previous = plan.stage(from.image()).filter(s -> s.index() < stage.index());
        if (from.isScratch()) {
            state = new StageState();
            state.env.put("PATH", DEFAULT_PATH.substring("PATH=".length()));
        } else if (previous.isPresent()) {
            state = done.get(previous.get().index()).copy();
        } else {
            state = fromBaseImage(from);
        }
        for (Instruction instruction : stage.instructions()) {
            apply(instruction, state, plan, done, context);
        }
        return state;
    }

    private void apply(Instruction instruction, StageState state, BuildPlan plan, Map<Integer, StageState> done,
                       ContextFiles context) throws IOException, ImageBuildException {
        int line = instruction.lines().first();
        boolean emptyLayer = true;
        String createdBy = describe(instruction);
        if (instruction instanceof Instruction.Copy copy) {
            copy(copy, state, plan, done, context);
            emptyLayer = false;
        } else if (instruction instanceof Instruction.Env env) {
            env.pairs().forEach(p -> state.env.put(p.key(), p.value()));
        } else if (instruction instanceof Instruction.Label label) {
            label.pairs().forEach(p -> state.labels.put(p.key(), p.value()));
        } else if (instruction instanceof Instruction.Arg) {
            // no trace in the config, but a history entry (as buildah and BuildKit record one)
        } else if (instruction instanceof Instruction.Maintainer maintainer) {
            state.author = maintainer.maintainer();
        } else if (instruction instanceof Instruction.Cmd cmd) {
            state.cmd = cmd.command().toArgv(state.shell);
            state.cmdSetHere = true;
        } else if (instruction instanceof Instruction.Entrypoint entrypoint) {
            state.entrypoint = entrypoint.command().toArgv(state.shell);
            if (!state.cmdSetHere) {
                state.cmd = null; // as Docker: a new ENTRYPOINT drops the CMD inherited from the base image
            }
        } else if (instruction instanceof Instruction.Shell shell) {
            state.shell = shell.shell();
        } else if (instruction instanceof Instruction.Workdir workdir) {
            state.workdir = absolute(state.workdir, workdir.path());
        } else if (instruction instanceof Instruction.User user) {
            state.user = user.user();
        } else if (instruction instanceof Instruction.Expose expose) {
            for (String port : expose.ports()) {
                state.exposedPorts.add(port.contains("/") ? port.toLowerCase(java.util.Locale.ROOT) : port + "/tcp");
            }
        } else if (instruction instanceof Instruction.Volume volume) {
            state.volumes.addAll(volume.paths());
        } else if (instruction instanceof Instruction.StopSignal signal) {
            state.stopSignal = signal.signal();
        } else if (instruction instanceof Instruction.Healthcheck healthcheck) {
            state.healthcheck = healthcheck(healthcheck, state.shell);
        } else if (instruction instanceof Instruction.Onbuild onbuild) {
            state.onbuild.add(onbuild.triggerText());
        } else if (instruction instanceof Instruction.Run) {
            throw new ImageBuildException(kubefile.file(), line,
                    "RUN cannot work in a cluster image: it is assembled from files, not executed");
        }
        Map<String, Object> history = new LinkedHashMap<>();
        history.put("created", timestamp());
        history.put("created_by", createdBy);
        if (emptyLayer) {
            history.put("empty_layer", true);
        }
        state.history.add(history);
    }

    // ---- COPY / ADD ----

    private void copy(Instruction.Copy copy, StageState state, BuildPlan plan, Map<Integer, StageState> done, ContextFiles context)
            throws IOException, ImageBuildException {
        int line = copy.lines().first();
        if (copy.add()) {
            for (String source : copy.sources()) {
                if (source.contains("://") || source.startsWith("git@")) {
                    throw new ImageBuildException(kubefile.file(), line, "ADD " + source + ": remote sources are not fetched;"
                            + " download the file in init.sh and COPY it");
                }
            }
        }
        int[] owner = owner(copy, state, line);
        Integer chmod = chmod(copy, line);
        String destination = absolute(state.workdir, copy.destination());
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
            ContextFiles image = ContextFiles.ofImage(extractedImage(copy.from(), line));
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
                options.threads(), describe(copy)));
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
        ContextFiles base = from.baseName == null ? null : ContextFiles.ofImage(extractedImage(from.baseName, line));
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

    /**
     * --chown as uid and gid. Names are looked up, as buildah does, in the {@code /etc/passwd} and
     * {@code /etc/group} of the image the stage is built FROM; a user without a group gets the
     * user's primary group (a numeric user: the same number).
     */
    private int[] owner(Instruction.Copy copy, StageState state, int line) throws IOException, ImageBuildException {
        if (copy.chown() == null || copy.chown().isBlank()) {
            return new int[] {0, 0};
        }
        String[] parts = copy.chown().split(":", 2);
        int[] user = lookup(parts[0], "passwd", copy, state, line);
        int gid = parts.length > 1 ? lookup(parts[1], "group", copy, state, line)[0] : user[1];
        return new int[] {user[0], gid};
    }

    /** A numeric id, or a name's id (and for a user, its primary group) from the base image's file. */
    private int[] lookup(String value, String file, Instruction.Copy copy, StageState state, int line)
            throws IOException, ImageBuildException {
        if (value.matches("\\d+")) {
            int id = Integer.parseInt(value);
            return new int[] {id, id};
        }
        if (value.equals("root")) {
            return new int[] {0, 0};
        }
        if (state.baseName == null) {
            throw new ImageBuildException(kubefile.file(), line, copy.keyword() + " --chown=" + copy.chown() + ": names need the"
                    + " /etc/" + file + " of a base image, and this stage has none; write numeric ids (e.g. --chown=65532:65532)");
        }
        List<ContextFiles.Source> found = ContextFiles.ofImage(extractedImage(state.baseName, line)).resolve("etc/" + file);
        if (!found.isEmpty() && Files.isRegularFile(found.get(0).file())) {
            for (String entry : Files.readAllLines(found.get(0).file(), java.nio.charset.StandardCharsets.UTF_8)) {
                String[] fields = entry.split(":");
                if (fields.length >= 3 && fields[0].equals(value) && fields[2].matches("\\d+")) {
                    int id = Integer.parseInt(fields[2]);
                    return new int[] {id, fields.length >= 4 && fields[3].matches("\\d+") ? Integer.parseInt(fields[3]) : id};
                }
            }
        }
        throw new ImageBuildException(kubefile.file(), line, copy.keyword() + " --chown=" + copy.chown() + ": '" + value
                + "' is not in /etc/" + file + " of " + state.baseName + "; write numeric ids or a name the image has");
    }

    private Integer chmod(Instruction.Copy copy, int line) throws ImageBuildException {
        if (copy.chmod() == null || copy.chmod().isBlank()) {
            return null;
        }
        if (!copy.chmod().matches("[0-7]{3,4}")) {
            throw new ImageBuildException(kubefile.file(), line, copy.keyword() + " --chmod=" + copy.chmod()
                    + " is not an octal mode; write e.g. --chmod=0755");
        }
        return Integer.parseInt(copy.chmod(), 8);
    }

    // ---- base images ----

    private io.clusterimage.reference.ImageReference reference(String image, int line) throws ImageBuildException {
        try {
            return io.clusterimage.reference.ImageReference.parse(image);
        } catch (io.clusterimage.reference.InvalidReferenceException e) {
            throw new ImageBuildException(kubefile.file(), line, "'" + image + "' is neither an earlier stage nor a valid image reference: "
                    + e.reason());
        }
    }

    private BaseImageFetcher.Fetched fetch(String image, int line) throws IOException, ImageBuildException {
        io.clusterimage.reference.ImageReference reference = reference(image, line);
        if (baseImages == null) {
            throw new ImageBuildException(kubefile.file(), line, image + ": base images need registry access, which this build has not");
        }
        try {
            return baseImages.fetch(reference, currentPlatform);
        } catch (RegistryException e) {
            throw new ImageBuildException(kubefile.file(), line, "cannot fetch " + reference.canonical() + ": " + e.getMessage());
        }
    }

    /** FROM an image: its layers are reused as they are, its config is inherited as buildah does. */
    private StageState fromBaseImage(Instruction.From from) throws IOException, ImageBuildException {
        BaseImageFetcher.Fetched base = fetch(from.image(), from.lines().first());
        com.fasterxml.jackson.databind.JsonNode root = JSON.readTree(base.config());
        com.fasterxml.jackson.databind.JsonNode config = root.path("config");
        StageState state = new StageState();
        state.fromImage = true;
        // the OCI annotations a registry client can use to mount the base layers instead of uploading them
        state.baseName = reference(from.image(), from.lines().first()).canonical();
        state.baseDigest = base.manifestDigest();
        for (com.fasterxml.jackson.databind.JsonNode env : config.path("Env")) {
            String pair = env.asText();
            int eq = pair.indexOf('=');
            state.env.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
        }
        if (!state.env.containsKey("PATH")) {
            state.env.put("PATH", DEFAULT_PATH.substring("PATH=".length()));
        }
        config.path("Labels").fields().forEachRemaining(e -> state.labels.put(e.getKey(), e.getValue().asText()));
        state.cmd = strings(config.path("Cmd"));
        state.entrypoint = strings(config.path("Entrypoint"));
        state.workdir = config.path("WorkingDir").asText("");
        state.user = config.path("User").asText("");
        config.path("ExposedPorts").fieldNames().forEachRemaining(state.exposedPorts::add);
        config.path("Volumes").fieldNames().forEachRemaining(state.volumes::add);
        if (config.hasNonNull("StopSignal")) {
            state.stopSignal = config.path("StopSignal").asText();
        }
        for (com.fasterxml.jackson.databind.JsonNode onbuild : config.path("OnBuild")) {
            state.onbuild.add(onbuild.asText());
        }
        for (com.fasterxml.jackson.databind.JsonNode history : root.path("history")) {
            state.history.add(JSON.convertValue(history, Map.class));
        }
        com.fasterxml.jackson.databind.JsonNode diffIds = root.path("rootfs").path("diff_ids");
        if (diffIds.size() != base.layers().size()) {
            throw new ImageBuildException(kubefile.file(), from.lines().first(), from.image() + " has " + base.layers().size()
                    + " layers but its config lists " + diffIds.size() + " diff_ids");
        }
        for (int i = 0; i < base.layers().size(); i++) {
            BaseImageFetcher.FetchedLayer layer = base.layers().get(i);
            state.layers.add(new StageLayer.Inherited(new Layer(layer.file(), layer.digest(), layer.size(), diffIds.get(i).asText(),
                    layer.mediaType(), "FROM " + from.image())));
            recordBaseDirectories(layer.file(), state);
        }
        return state;
    }

    /**
     * The directories of a base layer (its directory entries and the parents of every entry), so
     * that COPY into one of them copies into it, as buildah does, instead of replacing it with a
     * file; a whiteout of a later layer forgets what it deletes. Reads tar headers only.
     */
    private static void recordBaseDirectories(Path layer, StageState state) throws IOException {
        try (java.io.InputStream raw = new java.io.BufferedInputStream(Files.newInputStream(layer))) {
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            java.io.InputStream in = gzip ? new java.util.zip.GZIPInputStream(raw, 1 << 16) : raw;
            io.clusterimage.core.TarReader reader = new io.clusterimage.core.TarReader(in);
            io.clusterimage.core.TarReader.Entry entry;
            while ((entry = reader.next()) != null) {
                String path = entry.name().replaceFirst("^\\./", "").replaceFirst("^/+", "").replaceFirst("/+$", "");
                String base = path.substring(path.lastIndexOf('/') + 1);
                if (base.startsWith(".wh.") && !base.equals(".wh..wh..opq")) {
                    String hidden = path.substring(0, path.length() - base.length()) + base.substring(".wh.".length());
                    state.files.remove(hidden);
                    state.files.subMap(hidden + "/", hidden + "/\uffff").clear();
                } else if (entry.isDirectory() && !path.isEmpty()) {
                    FileEntry before = state.files.get(path);
                    if (before == null || before.type() == FileEntry.Type.SYMLINK) {
                        state.files.put(path, FileEntry.directory(path, 0755, 0, 0));
                    }
                } else if (entry.isSymbolicLink() && !path.isEmpty()) {
                    // recorded so that a COPY destination through it lands where the link points (see throughLinks)
                    state.files.put(path, new FileEntry(path, FileEntry.Type.SYMLINK, null, 0, 0777, 0, 0, entry.linkName()));
                } else if (!path.isEmpty() && state.files.containsKey(path)
                        && state.files.get(path).type() == FileEntry.Type.SYMLINK) {
                    state.files.remove(path); // a later layer put a file where the link was
                }
                for (int slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
                    String dir = path.substring(0, slash);
                    if (state.files.putIfAbsent(dir, FileEntry.directory(dir, 0755, 0, 0)) != null) {
                        break; // its parents are recorded already
                    }
                }
            }
        }
    }

    private static List<String> strings(com.fasterxml.jackson.databind.JsonNode array) {
        if (!array.isArray()) {
            return null;
        }
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    /** The file system of an image (COPY --from=<image>), unpacked once per image and platform. */
    private Path extractedImage(String image, int line) throws IOException, ImageBuildException {
        String key = image + " " + currentPlatform;
        Path existing = extractedImages.get(key);
        if (existing != null) {
            return existing;
        }
        BaseImageFetcher.Fetched fetched = fetch(image, line);
        // "-2": the unpacker's format; a tree an older unpacker left (links and whiteouts ignored) is not reused
        Path rootfs = options.workDir().resolve("from").resolve(Digests.hex(fetched.manifestDigest())).resolve("rootfs-2");
        try {
            LayerUnpacker.unpack(fetched.layers(), rootfs);
        } catch (LayerUnpacker.RefusedLayerException e) {
            throw new ImageBuildException(kubefile.file(), line, "COPY --from=" + image + ": " + e.getMessage());
        }
        extractedImages.put(key, rootfs);
        return rootfs;
    }

    // ---- config, manifest, index ----

    private byte[] config(StageState state, List<Layer> layers, Platform platform) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("created", timestamp());
        if (state.author != null) {
            root.put("author", state.author);
        }
        root.put("architecture", platform.architecture());
        root.put("os", platform.os());
        if (!platform.variant().isEmpty()) {
            root.put("variant", platform.variant());
        }
        ObjectNode config = root.putObject("config");
        if (!state.user.isEmpty()) {
            config.put("User", state.user);
        }
        if (!state.exposedPorts.isEmpty()) {
            ObjectNode ports = config.putObject("ExposedPorts");
            state.exposedPorts.forEach(port -> ports.putObject(port));
        }
        ArrayNode env = config.putArray("Env");
        state.env.forEach((k, v) -> env.add(k + "=" + v));
        if (state.entrypoint != null) {
            ArrayNode entrypoint = config.putArray("Entrypoint");
            state.entrypoint.forEach(entrypoint::add);
        }
        if (state.cmd != null) {
            ArrayNode cmd = config.putArray("Cmd");
            state.cmd.forEach(cmd::add);
        }
        if (!state.volumes.isEmpty()) {
            ObjectNode volumes = config.putObject("Volumes");
            state.volumes.forEach(volumes::putObject);
        }
        if (!state.workdir.isEmpty()) {
            config.put("WorkingDir", state.workdir);
        }
        if (!state.labels.isEmpty()) {
            ObjectNode labels = config.putObject("Labels");
            new TreeMap<>(state.labels).forEach(labels::put);
        }
        if (state.stopSignal != null) {
            config.put("StopSignal", state.stopSignal);
        }
        if (state.healthcheck != null) {
            config.set("Healthcheck", JSON.valueToTree(state.healthcheck));
        }
        if (!state.onbuild.isEmpty()) {
            ArrayNode onbuild = config.putArray("OnBuild");
            state.onbuild.forEach(onbuild::add);
        }
        ObjectNode rootfs = root.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode diffIds = rootfs.putArray("diff_ids");
        layers.forEach(layer -> diffIds.add(layer.diffId()));
        ArrayNode history = root.putArray("history");
        state.history.forEach(entry -> history.add(JSON.valueToTree(entry)));
        return JSON.writeValueAsBytes(root);
    }

    private byte[] manifest(byte[] config, String configDigest, List<Layer> layers, Platform platform, StageState state)
            throws IOException {
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        ObjectNode configDescriptor = manifest.putObject("config");
        configDescriptor.put("mediaType", "application/vnd.oci.image.config.v1+json");
        configDescriptor.put("digest", configDigest);
        configDescriptor.put("size", config.length);
        ArrayNode layerArray = manifest.putArray("layers");
        for (Layer layer : layers) {
            ObjectNode descriptor = layerArray.addObject();
            descriptor.put("mediaType", layer.mediaType());
            descriptor.put("digest", layer.digest());
            descriptor.put("size", layer.size());
        }
        Map<String, String> annotations = new TreeMap<>(options.annotations());
        annotations.put("org.opencontainers.image.created", timestamp());
        if (state.baseName != null) {
            annotations.put("org.opencontainers.image.base.name", state.baseName);
            annotations.put("org.opencontainers.image.base.digest", state.baseDigest);
        }
        String lock = options.imagesLock().get(platform);
        if (lock != null && !lock.isEmpty()) {
            annotations.put("io.clusterimage.images.lock", lock);
        }
        ObjectNode annotationNode = manifest.putObject("annotations");
        annotations.forEach(annotationNode::put);
        return JSON.writeValueAsBytes(manifest);
    }

    private byte[] index(List<PlatformImage> images) throws IOException {
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", "application/vnd.oci.image.index.v1+json");
        ArrayNode manifests = index.putArray("manifests");
        for (PlatformImage image : images) {
            image.describeManifest(manifests.addObject());
        }
        ObjectNode annotations = index.putObject("annotations");
        new TreeMap<>(options.annotations()).forEach(annotations::put);
        annotations.put("org.opencontainers.image.created", timestamp());
        return JSON.writeValueAsBytes(index);
    }

    private Map<String, Object> healthcheck(Instruction.Healthcheck healthcheck, List<String> shell) {
        Map<String, Object> result = new LinkedHashMap<>();
        if (healthcheck.isNone()) {
            result.put("Test", List.of("NONE"));
            return result;
        }
        List<String> test = new ArrayList<>();
        if (healthcheck.command().isExecForm()) {
            test.add("CMD");
            test.addAll(healthcheck.command().execForm());
        } else {
            test.add("CMD-SHELL");
            test.add(healthcheck.command().shellForm());
        }
        result.put("Test", test);
        healthcheck.options().forEach((k, v) -> {
            switch (k) {
                case "interval" -> result.put("Interval", durationNanos(v));
                case "timeout" -> result.put("Timeout", durationNanos(v));
                case "start-period" -> result.put("StartPeriod", durationNanos(v));
                case "start-interval" -> result.put("StartInterval", durationNanos(v));
                case "retries" -> result.put("Retries", Integer.parseInt(v));
                default -> { }
            }
        });
        return result;
    }

    private static long durationNanos(String value) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)").matcher(value);
        double nanos = 0;
        while (m.find()) {
            double amount = Double.parseDouble(m.group(1));
            nanos += switch (m.group(2)) {
                case "ms" -> amount * 1e6;
                case "s" -> amount * 1e9;
                case "m" -> amount * 60e9;
                default -> amount * 3600e9;
            };
        }
        return (long) nanos;
    }

    // ---- helpers ----

    private String timestamp() {
        return DateTimeFormatter.ISO_INSTANT.format(options.created().atOffset(ZoneOffset.UTC).toInstant());
    }

    /** An absolute, cleaned image path: relative paths are taken from the working directory. */
    static String absolute(String workdir, String path) {
        String base = path.startsWith("/") ? path : (workdir.isEmpty() ? "/" : workdir) + "/" + path;
        List<String> parts = new ArrayList<>();
        for (String part : base.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.remove(parts.size() - 1);
                }
            } else {
                parts.add(part);
            }
        }
        return "/" + String.join("/", parts);
    }

    private static String join(String dir, String name) {
        return dir.isEmpty() ? name : dir + "/" + name;
    }

    private static String describe(Instruction instruction) {
        String text;
        if (instruction instanceof Instruction.Copy copy) {
            text = copy.keyword() + (copy.from() != null ? " --from=" + copy.from() : "") + " "
                    + String.join(" ", copy.sources()) + " " + copy.destination();
        } else if (instruction instanceof Instruction.Env env) {
            text = "ENV " + String.join(" ", env.pairs().stream().map(p -> p.key() + "=" + p.value()).toList());
        } else if (instruction instanceof Instruction.Label label) {
            text = "LABEL " + String.join(" ", label.pairs().stream().map(p -> p.key() + "=" + p.value()).toList());
        } else if (instruction instanceof Instruction.Cmd cmd) {
            text = "CMD " + cmd.command().toArgv(List.of("/bin/sh", "-c"));
        } else if (instruction instanceof Instruction.Entrypoint entrypoint) {
            text = "ENTRYPOINT " + entrypoint.command().toArgv(List.of("/bin/sh", "-c"));
        } else if (instruction instanceof Instruction.Workdir workdir) {
            text = "WORKDIR " + workdir.path();
        } else if (instruction instanceof Instruction.User user) {
            text = "USER " + user.user();
        } else if (instruction instanceof Instruction.Arg arg) {
            text = "ARG " + String.join(" ", arg.args().stream().map(a -> a.value() == null ? a.key() : a.key() + "=" + a.value()).toList());
        } else {
            text = instruction.keyword();
        }
        return "/bin/sh -c #(nop) " + text;
    }

    static String iso(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant);
    }
}
