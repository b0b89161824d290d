package io.clusterimage.maven;

import io.clusterimage.core.Fingerprint;
import io.clusterimage.layout.Layout;
import io.clusterimage.layout.LayoutOptions;
import io.clusterimage.layout.LayoutReader;
import io.clusterimage.layout.ValidationReport;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

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

    private LayoutOptions options;
    private Path report;
    private Path shown;

    public ValidateLayoutMojo() {
        super("validate-layout", Option.IDE_FEEDBACK, Option.UP_TO_DATE);
    }

    @Override
    protected boolean skipped() {
        return skipValidate;
    }

    @Override
    protected boolean applies() {
        if (project != null && "pom".equals(project.getPackaging()) && kubefile == null && !inputs().foundKubefile()) {
            getLog().info("cluster-image: skipping pom module without a Kubefile");
            return false;
        }
        if (inputs().noKubefile()) {
            getLog().info("cluster-image: no Kubefile, Sealfile, Dockerfile or Containerfile in " + inputs().contextDescription()
                    + "; nothing to validate");
            return false;
        }
        return true;
    }

    @Override
    protected void prepare() throws MojoExecutionException, MojoFailureException {
        if (runInitScript) {
            InitScripts.run(this, initScript); // only in modules that have a Kubefile: a parent may enable it for all modules
        }
        options = inputs().layoutOptions();
        report = outputDirectory.toPath().resolve("validation.json");
        shown = outputDirectory.toPath().resolve("validate-layout.findings"); // the findings as the log showed them
    }

    /** The whole context, as COPY may name any file of it; an unchanged layout is not read again. */
    @Override
    protected Fingerprint fingerprint(Fingerprint seeded) throws IOException {
        Fingerprint fingerprint = seeded.add("failOnWarning", failOnWarning).add("generated", String.valueOf(options.generated()))
                .addTree(contextDirectory.toPath(), inputs().notBuildOutput());
        return options.generated() == null ? fingerprint : fingerprint.addTree(options.generated(), p -> false);
    }

    @Override
    protected List<Path> outputs() {
        return List.of(report, shown);
    }

    /** Not after the init script. */
    @Override
    protected boolean mayBeUpToDate() {
        return !runInitScript;
    }

    /** The findings as they were shown, so a warning does not vanish from the log of a rebuild. */
    @Override
    protected void upToDate() throws IOException {
        long warnings = ValidationReport.replayShown(shown, getLog()::info, getLog()::warn);
        getLog().info("cluster-image: layout " + inputs().contextDescription() + " unchanged since it was validated — 0 error(s), "
                + warnings + " warning(s); report: " + report);
    }

    @Override
    protected void run() throws MojoExecutionException, MojoFailureException {
        Layout layout;
        try {
            layout = LayoutReader.read(options);
        } catch (IOException e) {
            throw new MojoExecutionException("cannot read the layout in " + contextDirectory + ": " + e.getMessage(), e);
        }
        ide().show(layout.findings());
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
        String context = inputs().contextDescription();
        getLog().info("cluster-image: layout " + context + " — " + errors + " error(s), " + warnings + " warning(s); report: " + report);
        if (errors > 0) {
            throw new MojoFailureException("The cluster-image layout in " + context + " has " + errors
                    + " error(s), listed above as [ERROR] file:line lines (also in " + report + ").");
        }
        if (failOnWarning && warnings > 0) {
            throw new MojoFailureException("The cluster-image layout in " + context + " has " + warnings
                    + " warning(s) and <failOnWarning> is true.");
        }
        try {
            ValidationReport.writeShown(layout.findings(), shown);
            record(); // only a layout that passed may be skipped next time
        } catch (IOException e) {
            getLog().warn("cannot write " + stamp() + ": " + e.getMessage());
        }
    }
}
