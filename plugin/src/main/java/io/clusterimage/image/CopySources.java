package io.clusterimage.image;

import io.clusterimage.core.GoPath;
import io.clusterimage.core.Platform;
import io.clusterimage.kubefile.BuildPlan;
import io.clusterimage.kubefile.Instruction;
import io.clusterimage.kubefile.Kubefile;
import io.clusterimage.kubefile.KubefileResolver;
import io.clusterimage.kubefile.Stage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an image is made of in the build context, for the up-to-date check: the Kubefile, the ignore files
 * and every context path a COPY/ADD reads — the fixed part of a glob ({@code manifests/*.yaml} reads
 * {@code manifests}), the whole context for {@code COPY . .} — so that files nothing copies do not cause a rebuild.
 */
public final class CopySources {

    private CopySources() {
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
