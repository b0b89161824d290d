package io.clusterimage.layout;

import io.clusterimage.core.Finding;
import io.clusterimage.core.Severity;
import io.clusterimage.kubefile.BuildPlan;
import io.clusterimage.kubefile.Kubefile;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The application layout as read once by validate-layout and reused by every later goal.
 *
 * @param contextDir   the build context (absolute)
 * @param kubefilePath the Kubefile chosen, absolute; empty when there is none
 * @param kubefile     the parsed Kubefile; empty when there is none
 * @param plan         the Kubefile resolved for the first platform; empty when there is no Kubefile
 * @param charts       the charts under charts/ that could be read
 * @param findings     everything wrong with the layout, errors first, then by file and line
 */
public record Layout(Path contextDir, Optional<Path> kubefilePath, Optional<Kubefile> kubefile, Optional<BuildPlan> plan,
                     List<Chart> charts, List<Finding> findings) {

    public Layout {
        charts = List.copyOf(charts);
        findings = List.copyOf(findings);
    }

    public List<Finding> errors() {
        return findings.stream().filter(f -> f.severity() == Severity.ERROR).toList();
    }

    public List<Finding> warnings() {
        return findings.stream().filter(f -> f.severity() == Severity.WARNING).toList();
    }
}
