package io.clusterimage.image;

import io.clusterimage.core.Finding;
import io.clusterimage.core.Platform;
import io.clusterimage.core.Severity;
import io.clusterimage.kubefile.BuildPlan;
import io.clusterimage.kubefile.Instruction;
import io.clusterimage.kubefile.Kubefile;
import io.clusterimage.kubefile.KubefileResolver;
import io.clusterimage.kubefile.Stage;
import io.clusterimage.registry.BaseImageFetcher;
import io.clusterimage.registry.Digests;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

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

    private final Kubefile kubefile;
    private final ImageBuildOptions options;
    /** FROM and COPY --from images. */
    private final BaseImages bases;
    private final CopyInstruction copies;
    private Platform currentPlatform;

    private ImageBuilder(Kubefile kubefile, ImageBuildOptions options, BaseImageFetcher baseImages) {
        this.kubefile = kubefile;
        this.options = options;
        this.bases = new BaseImages(kubefile.file(), baseImages, options.workDir());
        this.copies = new CopyInstruction(kubefile, options, bases);
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
     * Builds the image, writing its layers into {@code sink} once every platform's stages have run — the
     * largest first, each layer once. With an {@link OciArchive} as the sink every layer is written once,
     * straight into the archive; {@link OciArchive#finish} then completes it.
     */
    public static BuiltImage build(Kubefile kubefile, ImageBuildOptions options, BaseImageFetcher baseImages, BlobSink sink)
            throws IOException, ImageBuildException {
        ImageBuilder builder = new ImageBuilder(kubefile, options, baseImages);
        List<StageState> finals = new ArrayList<>();
        for (Platform platform : options.platforms()) {
            finals.add(builder.runPlatform(platform));
        }
        // every platform's layers known: written largest first (base image layers and the registry, what
        // changes least, lead the archive), so that a rebuild keeps the unchanged ones where they are
        List<Layer[]> written = new ArrayList<>();
        List<int[]> order = new ArrayList<>();
        for (int p = 0; p < finals.size(); p++) {
            written.add(new Layer[finals.get(p).layers.size()]);
            for (int l = 0; l < finals.get(p).layers.size(); l++) {
                order.add(new int[] {p, l});
            }
        }
        order.sort(Comparator.comparingLong((int[] at) -> -finals.get(at[0]).layers.get(at[1]).weight()));
        List<String> keys = new ArrayList<>();
        for (int[] at : order) {
            keys.add(finals.get(at[0]).layers.get(at[1]).key());
        }
        sink.plan(keys);
        List<String> blobOrder = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            int[] at = order.get(i);
            Layer layer = finals.get(at[0]).layers.get(at[1]).writeTo(sink, keys.get(i));
            written.get(at[0])[at[1]] = layer;
            if (!blobOrder.contains(layer.digest())) {
                blobOrder.add(layer.digest());
            }
        }
        List<PlatformImage> images = new ArrayList<>();
        for (int p = 0; p < finals.size(); p++) {
            images.add(builder.assemble(options.platforms().get(p), finals.get(p), List.of(written.get(p))));
        }
        if (images.size() == 1) {
            return new BuiltImage(images.get(0).manifestDigest(), null, images, blobOrder);
        }
        byte[] index = OciDocuments.index(images, options);
        return new BuiltImage(Digests.of(index), index, images, blobOrder);
    }

    // ---- one platform ----

    private PlatformImage assemble(Platform platform, StageState last, List<Layer> layers) throws IOException {
        byte[] config = OciDocuments.config(last, layers, platform, options.created());
        String configDigest = Digests.of(config);
        byte[] manifest = OciDocuments.manifest(config, configDigest, layers, platform, last, options);
        return new PlatformImage(platform, manifest, Digests.of(manifest), config, configDigest, layers);
    }

    /** Runs the platform's stages; its final stage's layers are written later, with every platform's. */
    private StageState runPlatform(Platform platform) throws IOException, ImageBuildException {
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
        return done.get(plan.finalStage().index());
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
            state = bases.fromBaseImage(from, currentPlatform);
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
            copies.copy(copy, state, plan, done, context, currentPlatform);
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
                state.exposedPorts.add(port.contains("/") ? port.toLowerCase(Locale.ROOT) : port + "/tcp");
            }
        } else if (instruction instanceof Instruction.Volume volume) {
            state.volumes.addAll(volume.paths());
        } else if (instruction instanceof Instruction.StopSignal signal) {
            state.stopSignal = signal.signal();
        } else if (instruction instanceof Instruction.Healthcheck healthcheck) {
            state.healthcheck = OciDocuments.healthcheck(healthcheck);
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

    // ---- helpers ----

    private String timestamp() {
        return OciDocuments.timestamp(options.created());
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

    static String describe(Instruction instruction) {
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
