package io.clusterimage.maven;

import io.clusterimage.core.Finding;
import io.clusterimage.kubefile.KubefileLocator;
import io.clusterimage.layout.Layout;
import io.clusterimage.layout.LayoutOptions;
import io.clusterimage.layout.LayoutReader;
import io.clusterimage.layout.ValidationReport;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Checks the cluster-image layout — Kubefile, charts/, manifests/, images/, registry/ — and stops the
 * build with file:line errors when it is wrong. Writes {@code validation.json} to the output directory.
 */
@Mojo(name = "validate-layout", defaultPhase = LifecyclePhase.VALIDATE, threadSafe = true)
public class ValidateLayoutMojo extends AbstractClusterImageMojo {

    /** Context key under which the layout read by this goal is kept for the later goals of the build. */
    public static final String LAYOUT_CONTEXT_KEY = "cluster-image.layout";

    /** Skips this goal only. */
    @Parameter(property = "cluster-image.skipValidate", defaultValue = "false")
    protected boolean skipValidate;

    /** Fails the build on warnings too. */
    @Parameter(property = "cluster-image.failOnWarning", defaultValue = "false")
    protected boolean failOnWarning;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip || skipValidate) {
            getLog().info("cluster-image: validate-layout skipped");
            return;
        }
        if (project != null && "pom".equals(project.getPackaging()) && kubefile == null && !hasKubefile()) {
            getLog().info("cluster-image: skipping pom module without a Kubefile");
            return;
        }
        if ((kubefile == null || kubefile.isBlank()) && !hasKubefile()) {
            getLog().info("cluster-image: no Kubefile, Sealfile, Dockerfile or Containerfile in " + contextDescription()
                    + "; nothing to validate");
            return;
        }
        LayoutOptions options = new LayoutOptions(contextDirectory.toPath(), kubefile == null || kubefile.isBlank() ? null : Path.of(kubefile),
                effectiveBuildArgs(), effectivePlatforms());
        Layout layout;
        try {
            layout = LayoutReader.read(options);
        } catch (IOException e) {
            throw new MojoExecutionException("cannot read the layout in " + contextDirectory + ": " + e.getMessage(), e);
        }
        for (Finding finding : layout.findings()) {
            switch (finding.severity()) {
                case ERROR -> getLog().error(finding.describe());
                case WARNING -> getLog().warn(finding.describe());
                default -> getLog().info(finding.describe());
            }
        }
        Path report = new File(outputDirectory, "validation.json").toPath();
        try {
            ValidationReport.write(layout, report);
        } catch (IOException e) {
            throw new MojoExecutionException("cannot write " + report + ": " + e.getMessage(), e);
        }
        if (project != null) {
            project.setContextValue(LAYOUT_CONTEXT_KEY, layout);
        }
        int errors = layout.errors().size();
        int warnings = layout.warnings().size();
        getLog().info("cluster-image: layout " + contextDescription() + " — " + errors + " error(s), " + warnings
                + " warning(s); report: " + report);
        if (errors > 0) {
            throw new MojoFailureException("The cluster-image layout in " + contextDescription() + " has " + errors
                    + " error(s), listed above as [ERROR] file:line lines (also in " + report + ").");
        }
        if (failOnWarning && warnings > 0) {
            throw new MojoFailureException("The cluster-image layout in " + contextDescription() + " has " + warnings
                    + " warning(s) and <failOnWarning> is true.");
        }
    }

    private boolean hasKubefile() {
        return KubefileLocator.locate(contextDirectory.toPath(), null).isPresent();
    }
}
