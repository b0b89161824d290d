package io.clusterimage.maven;

import io.clusterimage.core.Platform;
import io.clusterimage.fetch.GeneratedContext;
import io.clusterimage.fetch.LockedChart;
import io.clusterimage.image.ImageReports;
import io.clusterimage.kubefile.Stage;
import io.clusterimage.layout.Chart;
import io.clusterimage.layout.Layout;
import io.clusterimage.sbom.BuildRecords;
import io.clusterimage.sbom.SbomInput;
import org.apache.maven.plugin.MojoExecutionException;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the SBOM lists, gathered from the project and what the earlier goals recorded: package-image (which
 * stores the SBOM in the archive) and the sbom goal (which writes it when package-image did not) use this one
 * gathering, so both give the same bytes.
 */
final class SbomInputs {

    private SbomInputs() {
    }

    /** The cluster image of {@code name} (its repository part is the SBOM's name) with its digest per platform. */
    static SbomInput.Root root(AbstractClusterImageMojo mojo, String name, String digest, Map<String, String> platforms) {
        return new SbomInput.Root(ImageReports.repositoryOf(name), version(mojo), mojo.project != null ? mojo.project.getGroupId() : "unknown",
                mojo.project != null ? mojo.project.getArtifactId() : mojo.contextDirectory.getName(), digest, platforms);
    }

    static String version(AbstractClusterImageMojo mojo) {
        return mojo.project != null ? mojo.project.getVersion() : "unknown";
    }

    static SbomInput collect(AbstractClusterImageMojo mojo, SbomInput.Root root, String timestamp) throws MojoExecutionException, IOException {
        Path output = mojo.outputDirectory.toPath();
        Layout layout = mojo.inputs().layout(); // validate-layout's of this build when it ran: not read (and checked) twice
        Map<String, Path> generated = new TreeMap<>();
        for (Platform platform : mojo.effectivePlatforms()) {
            generated.put(platform.toString(), GeneratedContext.root(output, platform));
        }
        return new SbomInput(root, BuildRecords.images(output), charts(mojo, layout),
                BuildRecords.files(mojo.contextDirectory.toPath(), generated), bases(layout),
                mojo.plugin != null ? mojo.plugin.getVersion() : "unknown", timestamp);
    }

    /** Every chart of the layout; one the fetch goal placed has its archive's digest and repository from the fetch's record. */
    private static List<SbomInput.ChartEntry> charts(AbstractClusterImageMojo mojo, Layout layout) throws MojoExecutionException {
        List<LockedChart> fetched;
        try {
            fetched = layout.charts().stream().anyMatch(chart -> chart.location() != null)
                    ? GeneratedContext.charts(mojo.outputDirectory.toPath()) : List.of();
        } catch (IOException e) {
            throw new MojoExecutionException("cannot read what fetch recorded in " + mojo.outputDirectory + ": " + e.getMessage(), e);
        }
        List<SbomInput.ChartEntry> entries = new ArrayList<>();
        for (Chart chart : layout.charts()) {
            Optional<LockedChart> locked = chart.location() == null ? Optional.empty() : fetched.stream()
                    .filter(c -> c.name().equals(chart.name()) && c.version().equals(chart.version())).findFirst();
            String path = chart.source().isAbsolute() ? "charts/" + chart.source().getFileName() : chart.source().toString();
            entries.add(new SbomInput.ChartEntry(chart.name(), chart.version(), locked.map(LockedChart::digest),
                    locked.map(LockedChart::repository), path.replace(File.separatorChar, '/')));
        }
        return entries;
    }

    /** The images the Kubefile builds FROM (not scratch, not an earlier stage). */
    private static List<String> bases(Layout layout) {
        List<String> bases = new ArrayList<>();
        Set<String> stageNames = new HashSet<>();
        layout.plan().ifPresent(plan -> {
            for (Stage stage : plan.stages()) {
                String image = stage.from().image();
                if (!stage.from().isScratch() && !stageNames.contains(image.toLowerCase(Locale.ROOT))) {
                    bases.add(image);
                }
                stage.name().ifPresent(name -> stageNames.add(name.toLowerCase(Locale.ROOT)));
            }
        });
        return bases;
    }
}
