package io.clusterimage.maven;

import io.clusterimage.core.Fingerprint;
import io.clusterimage.core.IoErrors;
import io.clusterimage.core.OutputLock;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The one {@link #execute()} of every goal, a template method. In order: skip; {@link #applies()}; an IDE build without
 * changes; the output lock; {@link #prepare()}; the {@link #fingerprint} against the fingerprint of the last run, with the
 * {@link #outputs()} there ({@link #upToDate()}); {@link #run()}. A goal names itself and its optional steps in its constructor.
 */
public abstract class AbstractGoalMojo extends AbstractClusterImageMojo {

    /** The steps a goal may take besides skip, applies, prepare and run. */
    protected enum Option {
        /** In an IDE, findings become markers: an incremental build without changes skips the goal, any other runs it. */
        IDE_FEEDBACK,
        /** The goal holds the output directory's lock from {@link #prepare()} to the end of {@link #run()}. */
        LOCK_OUTPUT,
        /** The goal checks its {@link #fingerprint} against the fingerprint its last run recorded ({@link #record()}). */
        UP_TO_DATE
    }

    /** Where an I/O failure happened: checking up to date, the work, releasing the output directory's lock. */
    protected enum Step { CHECK, RUN, RELEASE }

    private final String goal;
    private final Set<Option> options;
    private Fingerprint checked;

    protected AbstractGoalMojo(String goal, Option... options) {
        this.goal = goal;
        this.options = Set.of(options);
    }

    @Override
    public final void execute() throws MojoExecutionException, MojoFailureException {
        if (skip || skipped()) {
            getLog().info("cluster-image: " + goal + " skipped");
            return;
        }
        if (!applies()) {
            return;
        }
        if (options.contains(Option.IDE_FEEDBACK) && ide().unchanged(inputs().outputRoots())) {
            getLog().debug("cluster-image: nothing in " + inputs().contextDescription() + " changed since the IDE's last build");
            return;
        }
        try (OutputLock lock = options.contains(Option.LOCK_OUTPUT) ? OutputLocks.acquire(outputDirectory, getLog()) : null) {
            prepareAndRun();
        } catch (IOException e) {
            throw failure(Step.RELEASE, e);
        }
    }

    private void prepareAndRun() throws MojoExecutionException, MojoFailureException {
        prepare();
        Step step = Step.CHECK;
        try {
            if (checksUpToDate()) {
                checked = fingerprint(inputs().fingerprint(goal));
                contentMemo().save();
                if (mayBeUpToDate() && !(options.contains(Option.IDE_FEEDBACK) && ide().inIde()) && checked.matches(stamp(), outputs())) {
                    upToDate();
                    return;
                }
                String changes = checked.changesSince(stamp(), inputs().baseDirectory().toPath());
                if (!changes.isEmpty()) {
                    getLog().info("cluster-image: " + goal + " runs again; changed since its last run: " + changes);
                }
            }
            step = Step.RUN;
            run();
        } catch (IOException e) {
            throw failure(step, e);
        }
    }

    /** The goal's name, as the log and its fingerprint name it. */
    protected final String goal() {
        return goal;
    }

    /** The goal's own skip parameter (besides {@code skip}, which skips every goal). */
    protected boolean skipped() {
        return false;
    }

    /** Whether the goal has anything to do in this project; when not, it says why (or stays silent). */
    protected boolean applies() throws MojoExecutionException {
        return true;
    }

    /** What the goal resolves before it checks whether it is up to date: parameters, declarations. */
    protected void prepare() throws MojoExecutionException, MojoFailureException {
    }

    /** Whether the up-to-date check is made this time: with {@link Option#UP_TO_DATE}. */
    protected boolean checksUpToDate() {
        return options.contains(Option.UP_TO_DATE);
    }

    /** What the goal depends on, added to a fingerprint seeded with what every goal depends on. */
    protected Fingerprint fingerprint(Fingerprint seeded) throws MojoExecutionException, IOException {
        return seeded;
    }

    /** What must exist for the goal to be up to date. */
    protected List<Path> outputs() {
        return List.of();
    }

    /** Whether an unchanged fingerprint may skip the work this time (it is computed for {@link #record()} anyway). */
    protected boolean mayBeUpToDate() {
        return true;
    }

    /** What an up-to-date goal does instead of its work: at least say so. */
    protected void upToDate() throws MojoExecutionException, IOException {
    }

    /** The goal's work. */
    protected abstract void run() throws MojoExecutionException, MojoFailureException, IOException;

    /** The error an I/O failure of a step ends the build with. */
    protected MojoExecutionException failure(Step step, IOException e) {
        String what = switch (step) {
            case CHECK -> "cannot check " + stamp();
            case RUN -> goal + " failed";
            case RELEASE -> "cannot release the lock of " + outputDirectory;
        };
        return new MojoExecutionException(what + ": " + IoErrors.describe(e), e);
    }

    /** Where the goal's fingerprint is recorded. */
    protected final Path stamp() {
        return outputDirectory.toPath().resolve(goal + ".fingerprint");
    }

    /** Records the fingerprint checked before {@link #run()}: the next build with the same inputs is up to date. */
    protected final void record() throws IOException {
        checked.record(stamp());
    }

    /** What an IDE build gets from this goal: skipping when nothing changed, findings as markers (and in the log). */
    protected IdeFeedback ide() {
        return new IdeFeedback(buildContext, goal, getLog(), contextDirectory.toPath(), project == null ? null : project.getFile());
    }
}
