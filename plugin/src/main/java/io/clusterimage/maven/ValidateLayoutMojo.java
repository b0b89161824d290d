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
import java.util.List;

/**
 * Checks the cluster-image layout — Kubefile, charts/, manifests/, images/, registry/ — and stops the
 * build with file:line errors when it is wrong. Writes {@code validation.json} to the output directory.
 */
@Mojo(name = "validate-layout", defaultPhase = LifecyclePhase.VALIDATE, threadSafe = true)
public class ValidateLayoutMojo extends AbstractGoalMojo {

    /** Context key under which the layout read by this goal is kept for the later goals of the build. */
    public static final String LAYOUT_CONTEXT_KEY = "cluster-image.layout";

    /** Skips this goal only. */
    @Parameter(property = "cluster-image.skipValidate", defaultValue = "false")
    protected boolean skipValidate;

    /** Fails the build on warnings too. */
    @Parameter(property = "cluster-image.failOnWarning", defaultValue = "false")
    protected boolean failOnWarning;

    /**
     * Run the cluster-image convention {@code bash init.sh ARCH NAME VERSION} in the build context
     * before validating (it downloads charts, manifests, binaries). Off by default: it writes into
     * the source tree and usually needs the network.
     */
    @Parameter(property = "cluster-image.runInitScript", defaultValue = "false")
    protected boolean runInitScript;

    /** The script {@code runInitScript} runs, relative to the context. */
    @Parameter(property = "cluster-image.initScript", defaultValue = "init.sh")
    protected String initScript;

    public ValidateLayoutMojo() {
        super("validate-layout");
    }

    @Override
    protected boolean skipped() {
        return skipValidate;
    }

    @Override
    protected void run() throws MojoExecutionException, MojoFailureException {
        if (project != null && "pom".equals(project.getPackaging()) && kubefile == null && !hasKubefile()) {
            getLog().info("cluster-image: skipping pom module without a Kubefile");
            return;
        }
        if ((kubefile == null || kubefile.isBlank()) && !hasKubefile()) {
            getLog().info("cluster-image: no Kubefile, Sealfile, Dockerfile or Containerfile in " + inputs().contextDescription()
                    + "; nothing to validate");
            return;
        }
        IdeFeedback ide = ide();
        if (ide.unchanged(inputs().outputRoots())) {
            getLog().debug("cluster-image: nothing in " + inputs().contextDescription() + " changed since the IDE's last build");
            return;
        }
        if (runInitScript) {
            runInitScript(); // only in modules that have a Kubefile: a parent may enable it for all modules
        }
        LayoutOptions options = inputs().layoutOptions();
        Path report = new File(outputDirectory, "validation.json").toPath();
        Path stamp = outputDirectory.toPath().resolve("validate-layout.fingerprint");
        Path shown = outputDirectory.toPath().resolve("validate-layout.findings");
        io.clusterimage.core.Fingerprint fingerprint;
        try {
            // the whole context, as COPY may name any file of it; an unchanged layout is not read again
            fingerprint = inputs().fingerprint("validate-layout").add("failOnWarning", failOnWarning).add("generated", String.valueOf(options.generated()))
                    .addTree(contextDirectory.toPath(), inputs().notBuildOutput());
            if (options.generated() != null) {
                fingerprint.addTree(options.generated(), p -> false);
            }
            // (not in an IDE: its markers come from a validation; its incremental builds skip above instead)
            if (!runInitScript && !ide.inIde() && fingerprint.matches(stamp, List.of(report, shown))) {
                // the findings as they were shown, so a warning does not vanish from the log of a rebuild
                List<String> lines = java.nio.file.Files.readAllLines(shown, java.nio.charset.StandardCharsets.UTF_8);
                long warnings = 0;
                for (String line : lines) {
                    int tab = line.indexOf('\t');
                    String severity = tab < 0 ? "INFO" : line.substring(0, tab);
                    String text = line.substring(tab + 1);
                    if (severity.equals("WARNING")) {
                        warnings++;
                        getLog().warn(text);
                    } else {
                        getLog().info(text);
                    }
                }
                getLog().info("cluster-image: layout " + inputs().contextDescription() + " unchanged since it was validated — 0 error(s), "
                        + warnings + " warning(s); report: " + report);
                return;
            }
        } catch (IOException e) {
            throw new MojoExecutionException("cannot check " + stamp + ": " + e.getMessage(), e);
        }
        Layout layout;
        try {
            layout = LayoutReader.read(options);
        } catch (IOException e) {
            throw new MojoExecutionException("cannot read the layout in " + contextDirectory + ": " + e.getMessage(), e);
        }
        ide.show(layout.findings());
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
        getLog().info("cluster-image: layout " + inputs().contextDescription() + " — " + errors + " error(s), " + warnings
                + " warning(s); report: " + report);
        if (errors > 0) {
            throw new MojoFailureException("The cluster-image layout in " + inputs().contextDescription() + " has " + errors
                    + " error(s), listed above as [ERROR] file:line lines (also in " + report + ").");
        }
        if (failOnWarning && warnings > 0) {
            throw new MojoFailureException("The cluster-image layout in " + inputs().contextDescription() + " has " + warnings
                    + " warning(s) and <failOnWarning> is true.");
        }
        try {
            StringBuilder lines = new StringBuilder();
            for (Finding finding : layout.findings()) {
                lines.append(finding.severity()).append('\t').append(finding.describe().replace('\n', ' ')).append('\n');
            }
            io.clusterimage.core.AtomicFiles.write(shown, lines.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            fingerprint.record(stamp); // only a layout that passed may be skipped next time
        } catch (IOException e) {
            getLog().warn("cannot write " + stamp + ": " + e.getMessage());
        }
    }

    private void runInitScript() throws MojoExecutionException, MojoFailureException {
        java.util.List<io.clusterimage.core.Platform> targets = effectivePlatforms();
        if (targets.size() > 1) {
            // every run writes into the same source tree: the last platform's downloads would win for all
            throw new MojoExecutionException("<runInitScript> works with one platform at a time (init.sh downloads per-arch files"
                    + " into the source tree); build once per platform with -Dcluster-image.platforms=linux/<arch>");
        }
        String arch = targets.get(0).architecture();
        String name = project != null ? project.getArtifactId() : contextDirectory.getName();
        String version = project != null ? project.getVersion() : "latest";
        getLog().info("cluster-image: bash " + initScript + " " + arch + " " + name + " " + version);
        int exit;
        try {
            exit = io.clusterimage.layout.InitScript.run(contextDirectory.toPath(), initScript, arch, name, version,
                    line -> getLog().info("[" + initScript + "] " + line));
        } catch (IOException e) {
            throw new MojoExecutionException("<initScript> " + initScript + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MojoExecutionException("interrupted while running " + initScript);
        }
        if (exit != 0) {
            throw new MojoFailureException(initScript + " failed with exit code " + exit + " (its output is above)");
        }
    }

    private boolean hasKubefile() {
        return KubefileLocator.locate(contextDirectory.toPath(), null).isPresent();
    }
}
