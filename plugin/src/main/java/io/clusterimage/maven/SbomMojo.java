package io.clusterimage.maven;

import io.clusterimage.core.Platform;
import io.clusterimage.fetch.GeneratedContext;
import io.clusterimage.fetch.LockedChart;
import io.clusterimage.kubefile.KubefileLocator;
import io.clusterimage.kubefile.Stage;
import io.clusterimage.layout.Chart;
import io.clusterimage.layout.Layout;
import io.clusterimage.layout.LayoutOptions;
import io.clusterimage.layout.LayoutReader;
import io.clusterimage.sbom.BuildRecords;
import io.clusterimage.sbom.CycloneDxWriter;
import io.clusterimage.sbom.SbomInput;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProjectHelper;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes the cluster image's SBOM, CycloneDX 1.6 JSON, to {@code target/cluster-image/sbom.cdx.json}
 * and attaches it to the project (classifier {@code cyclonedx}, type {@code json}): the cluster image
 * with its digest per platform, every saved image per platform (pkg:oci purl and digest), every
 * chart, the files under opt/ and bin/ with their sha256, and the base images.
 */
@Mojo(name = "sbom", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class SbomMojo extends AbstractClusterImageMojo {

    public static final String FILE_NAME = "sbom.cdx.json";

    /** Skips this goal only. */
    @Parameter(property = "cluster-image.skipSbom", defaultValue = "false")
    protected boolean skipSbom;

    /** {@code project.build.outputTimestamp}: the SBOM's timestamp, so that it is reproducible. */
    @Parameter(defaultValue = "${project.build.outputTimestamp}")
    protected String outputTimestamp;

    @Component
    protected MavenProjectHelper projectHelper;

    @Override
    public void execute() throws MojoExecutionException {
        if (skip || skipSbom) {
            getLog().info("cluster-image: sbom skipped");
            return;
        }
        if ((kubefile == null || kubefile.isBlank()) && KubefileLocator.locate(contextDirectory.toPath(), null).isEmpty()) {
            return; // nothing was packaged
        }
        Path output = outputDirectory.toPath();
        List<Platform> platforms = effectivePlatforms();
        Path sbom = output.resolve(FILE_NAME);
        try {
            Layout layout = LayoutReader.read(layoutOptions());
            Map<String, Path> generated = new TreeMap<>();
            platforms.forEach(p -> generated.put(p.toString(), GeneratedContext.root(output, p)));
            String group = project != null ? project.getGroupId() : "unknown";
            String artifact = project != null ? project.getArtifactId() : contextDirectory.getName();
            String version = project != null ? project.getVersion() : "unknown";
            SbomInput input = new SbomInput(BuildRecords.root(output, group, artifact, version), BuildRecords.images(output),
                    charts(layout), BuildRecords.files(contextDirectory.toPath(), generated), bases(layout),
                    plugin != null ? plugin.getVersion() : "unknown", timestamp());
            boolean written = CycloneDxWriter.write(input, sbom);
            getLog().info("cluster-image: SBOM (CycloneDX 1.6) " + (written ? "" : "up to date, ") + "of " + input.images().size() + " image(s), " + input.charts().size()
                    + " chart(s), " + input.files().size() + " file(s) -> " + sbom);
        } catch (IOException e) {
            throw new MojoExecutionException("sbom: " + e.getMessage(), e);
        }
        if (project != null && projectHelper != null) {
            projectHelper.attachArtifact(project, "json", "cyclonedx", sbom.toFile());
        }
    }

    /** Every chart of the layout; one the fetch goal placed has its archive's digest and repository from the fetch's record. */
    private List<SbomInput.ChartEntry> charts(Layout layout) throws MojoExecutionException {
        List<LockedChart> fetched;
        try {
            fetched = layout.charts().stream().anyMatch(chart -> chart.location() != null)
                    ? io.clusterimage.fetch.GeneratedContext.charts(outputDirectory.toPath()) : List.of();
        } catch (IOException e) {
            throw new MojoExecutionException("cannot read what fetch recorded in " + outputDirectory + ": " + e.getMessage(), e);
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
                if (!stage.from().isScratch() && !stageNames.contains(image.toLowerCase(java.util.Locale.ROOT))) {
                    bases.add(image);
                }
                stage.name().ifPresent(name -> stageNames.add(name.toLowerCase(java.util.Locale.ROOT)));
            }
        });
        return bases;
    }

    private String timestamp() throws MojoExecutionException {
        return outputTimestamp(outputTimestamp).toString();
    }
}
