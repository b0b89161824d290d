package io.clusterimage.image;

import io.clusterimage.core.Fingerprint;
import io.clusterimage.core.GoPath;
import io.clusterimage.core.Platform;
import io.clusterimage.kubefile.BuildPlan;
import io.clusterimage.kubefile.Instruction;
import io.clusterimage.kubefile.Kubefile;
import io.clusterimage.kubefile.KubefileResolver;
import io.clusterimage.kubefile.Stage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an image is made of in the build context, for the up-to-date check: the Kubefile, the ignore files
 * and every context path a COPY/ADD reads — the fixed part of a glob ({@code manifests/*.yaml} reads
 * {@code manifests}), the whole context for {@code COPY . .} — so that files nothing copies do not cause a rebuild.
 */
public final class CopySources {

    /** The key of the memo's lines that list the inputs. */
    private static final String INPUT = "input";

    private CopySources() {
    }

    /** Parses the Kubefile only when the memo cannot answer. */
    @FunctionalInterface
    public interface KubefileSupplier<E extends Exception> {
        Kubefile get() throws E;
    }

    /**
     * As {@link #inputs(Kubefile, Path, Map, Platform, Path)}, answered from {@code memo} when the Kubefile's content
     * (its SHA-256), the build arguments, the platforms and the context are those the memo was written for: the
     * inputs are a function of these alone (a glob's fixed part, not its matches), and a build that changed nothing
     * then neither parses nor resolves the Kubefile (5–7 ms of a no-op, timed). Otherwise computed and remembered.
     */
    public static <E extends Exception> List<Path> inputs(KubefileSupplier<E> kubefile, String kubefileSha256, Path kubefilePath,
                                                          Map<String, String> buildArgs, Platform platform, Path context, Path memo)
            throws E, IOException {
        Fingerprint memoKey = new Fingerprint("copy-sources").add("kubefile", kubefileSha256).add("kubefilePath", kubefilePath)
                .add("buildArgs", new TreeMap<>(buildArgs)).add("platform", platform).add("host", Platform.host()).add("context", context);
        String key = memoKey.text();
        try {
            String text = Files.readString(memo, StandardCharsets.UTF_8);
            if (text.startsWith(key)) {
                List<Path> inputs = new ArrayList<>();
                for (String input : Fingerprint.values(text.substring(key.length()), INPUT)) {
                    inputs.add(Path.of(input));
                }
                return inputs;
            }
        } catch (IOException | InvalidPathException e) {
            // none yet (the first build), or unreadable: computed below and written again
        }
        List<Path> inputs = inputs(kubefile.get(), kubefilePath, buildArgs, platform, context);
        for (Path input : inputs) {
            memoKey.add(INPUT, input);
        }
        memoKey.record(memo);
        return inputs;
    }

    public static List<Path> inputs(Kubefile kubefile, Path kubefilePath, Map<String, String> buildArgs, Platform platform, Path context) {
        List<Path> inputs = new ArrayList<>(List.of(kubefilePath, context.resolve(".dockerignore"), context.resolve(".containerignore")));
        BuildPlan plan = KubefileResolver.resolve(kubefile, buildArgs, platform, Platform.host());
        for (Stage stage : plan.stages()) {
            for (Instruction.Copy copy : stage.all(Instruction.Copy.class)) {
                if (copy.from() != null) {
                    continue; // another stage or image: not the context
                }
                for (String source : copy.sources()) {
                    inputs.add(context.resolve(GoPath.cleanWithin(fixedPart(source)).orElse(".")).normalize());
                }
            }
        }
        return inputs;
    }

    /** The directory part of a source before its first glob character; the source itself when it has none. */
    static String fixedPart(String source) {
        int glob = indexOfGlob(source);
        if (glob < 0) {
            return source;
        }
        int slash = source.lastIndexOf('/', glob);
        return slash < 0 ? "." : source.substring(0, slash);
    }

    private static int indexOfGlob(String source) {
        for (int i = 0; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '*' || c == '?' || c == '[') {
                return i;
            }
        }
        return -1;
    }
}
