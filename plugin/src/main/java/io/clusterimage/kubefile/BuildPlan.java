package io.clusterimage.kubefile;

import io.clusterimage.core.Finding;
import io.clusterimage.core.Platform;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A Kubefile resolved for one target platform and a set of build arguments: the stages with every
 * variable expanded, ready for the image builder.
 */
public record BuildPlan(Kubefile kubefile, Platform platform, List<Stage> stages, List<Finding> findings) {

    public BuildPlan {
        stages = List.copyOf(stages);
        findings = List.copyOf(findings);
    }

    /** The stage that becomes the image (the last one). */
    public Stage finalStage() {
        return stages.get(stages.size() - 1);
    }

    /** A stage by name (case-insensitive) or by index, as {@code COPY --from} refers to it. */
    public Optional<Stage> stage(String nameOrIndex) {
        String wanted = nameOrIndex.toLowerCase(Locale.ROOT);
        for (Stage stage : stages) {
            if (stage.name().filter(wanted::equals).isPresent() || Integer.toString(stage.index()).equals(wanted)) {
                return Optional.of(stage);
            }
        }
        return Optional.empty();
    }
}
