package io.clusterimage.maven;

import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.codehaus.plexus.util.Scanner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sonatype.plexus.build.incremental.BuildContext;
import org.sonatype.plexus.build.incremental.DefaultBuildContext;

import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * validate-layout and scan-images in an IDE build, through a test implementation of the build-context API
 * m2e implements: every finding becomes a marker on its file and line, a fixed file loses its markers, an
 * incremental build in which nothing of the layout changed does nothing, and on the command line (Maven's
 * own build context, which only logs) no marker call is made at all.
 */
class IdeFeedbackTest {

    @TempDir
    Path dir;

    /** What m2e's build context does, recorded: deltas answered from a set, markers kept per file. */
    static class RecordingContext implements BuildContext {
        boolean incremental;
        final Set<File> changed = new HashSet<>();
        final List<File> askedForDelta = new ArrayList<>();
        final Map<File, List<String>> markers = new HashMap<>();
        final List<File> removed = new ArrayList<>();
        final Map<String, Object> values = new HashMap<>();

        public boolean hasDelta(String relpath) {
            throw new UnsupportedOperationException("asked by relative path: " + relpath);
        }

        public boolean hasDelta(File file) {
            askedForDelta.add(file);
            return changed.stream().anyMatch(c -> c.toPath().startsWith(file.toPath()));
        }

        public boolean hasDelta(List relpaths) {
            throw new UnsupportedOperationException();
        }

        public void refresh(File file) {
        }

        public OutputStream newFileOutputStream(File file) {
            throw new UnsupportedOperationException();
        }

        public Scanner newScanner(File basedir) {
            throw new UnsupportedOperationException();
        }

        public Scanner newDeleteScanner(File basedir) {
            throw new UnsupportedOperationException();
        }

        public Scanner newScanner(File basedir, boolean ignoreDelta) {
            throw new UnsupportedOperationException();
        }

        public boolean isIncremental() {
            return incremental;
        }

        public void setValue(String key, Object value) {
            values.put(key, value);
        }

        public Object getValue(String key) {
            return values.get(key);
        }

        public void addWarning(File file, int line, int column, String message, Throwable cause) {
            addMessage(file, line, column, message, SEVERITY_WARNING, cause);
        }

        public void addError(File file, int line, int column, String message, Throwable cause) {
            addMessage(file, line, column, message, SEVERITY_ERROR, cause);
        }

        public void addMessage(File file, int line, int column, String message, int severity, Throwable cause) {
            markers.computeIfAbsent(file, f -> new ArrayList<>()).add((severity == SEVERITY_ERROR ? "error" : "warning") + " " + line + " "
                    + message);
        }

        public void removeMessages(File file) {
            removed.add(file);
            markers.remove(file);
        }

        public boolean isUptodate(File target, File source) {
            return false;
        }
    }

    private Path layout(String kubefile) throws Exception {
        Path context = Files.createDirectories(dir.resolve("app"));
        Files.writeString(context.resolve("Kubefile"), kubefile);
        Files.createDirectories(context.resolve("manifests"));
        Files.writeString(context.resolve("manifests/app.yaml"), "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n"
                + "  containers:\n    - name: app\n      image: docker.io/library/nginx:1.25\n");
        return context;
    }

    /** What Maven would inject into either goal. */
    private <M extends AbstractClusterImageMojo> M configured(M mojo, Path context, BuildContext buildContext) {
        mojo.setLog(new SystemStreamLog());
        mojo.contextDirectory = context.toFile();
        mojo.outputDirectory = dir.resolve("target/cluster-image").toFile();
        mojo.platforms = List.of("linux/amd64");
        mojo.lockFile = dir.resolve("cluster-image.lock").toFile();
        mojo.buildContext = buildContext;
        return mojo;
    }

    private ValidateLayoutMojo validate(Path context, BuildContext buildContext) {
        ValidateLayoutMojo mojo = configured(new ValidateLayoutMojo(), context, buildContext);
        mojo.initScript = "init.sh";
        return mojo;
    }

    @Test
    void findingsBecomeMarkersOnTheirFileAndLineAndAFixedFileLosesThem() throws Exception {
        Path context = layout("FROM scratch\nCOPY manifests manifests\nCOPY nowhere nowhere\nCOPY registry registry\n"
                + "CMD [\"kubectl apply -f manifests\"]\n");
        RecordingContext ide = new RecordingContext();
        assertThrows(MojoFailureException.class, validate(context, ide)::execute, "the layout has an error");
        File kubefile = context.resolve("Kubefile").toFile();
        List<String> onKubefile = ide.markers.getOrDefault(kubefile, List.of());
        assertEquals(1, onKubefile.size(), ide.markers.toString());
        assertTrue(onKubefile.get(0).startsWith("error 3 "), onKubefile.toString());
        assertTrue(onKubefile.get(0).contains("nowhere"), onKubefile.toString());

        // fixed: the Kubefile's marker goes
        Files.writeString(context.resolve("Kubefile"), "FROM scratch\nCOPY manifests manifests\nCOPY registry registry\n"
                + "CMD [\"kubectl apply -f manifests\"]\n");
        ide.changed.add(kubefile);
        ide.incremental = true;
        validate(context, ide).execute();
        assertTrue(ide.removed.contains(kubefile), "the markers of the last run are removed: " + ide.removed);
        assertFalse(ide.markers.containsKey(kubefile), ide.markers.toString());
    }

    @Test
    void anIncrementalBuildWithoutAChangeInTheLayoutDoesNothing() throws Exception {
        Path context = layout("FROM scratch\nCOPY manifests manifests\nCMD [\"kubectl apply -f manifests\"]\n");
        RecordingContext ide = new RecordingContext();
        ide.incremental = true;
        ide.changed.add(dir.resolve("target/cluster-image/validation.json").toFile()); // its own output: not a change
        Path report = dir.resolve("target/cluster-image/validation.json");
        validate(context, ide).execute();
        assertFalse(Files.exists(report), "nothing was validated");
        assertTrue(ide.askedForDelta.contains(context.resolve("Kubefile").toFile()), ide.askedForDelta.toString());

        ide.changed.add(context.resolve("manifests/app.yaml").toFile());
        validate(context, ide).execute();
        assertTrue(Files.exists(report), "a changed manifest is validated");

        ide.changed.clear();
        ide.incremental = false; // a full build always runs
        Files.delete(report);
        validate(context, ide).execute();
        assertTrue(Files.exists(report));
    }

    @Test
    void scanFindingsAreMarkedOnTheManifestLine() throws Exception {
        Path context = layout("FROM scratch\nCOPY manifests manifests\nCOPY registry registry\n");
        Files.writeString(context.resolve("manifests/app.yaml"), "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n"
                + "  containers:\n    - name: app\n      image: \"Not A Valid Reference!\"\n");
        RecordingContext ide = new RecordingContext();
        ScanImagesMojo mojo = configured(new ScanImagesMojo(), context, ide);
        mojo.namespace = "";
        mojo.kubeVersion = io.clusterimage.inventory.ScanOptions.DEFAULT_KUBE_VERSION;
        mojo.chartRenderTimeoutSeconds = 60;
        mojo.execute();
        List<String> marked = ide.markers.getOrDefault(context.resolve("manifests/app.yaml").toFile(), List.of());
        assertEquals(1, marked.size(), ide.markers.toString());
        assertTrue(marked.get(0).startsWith("warning 8 "), marked.toString());
    }

    @Test
    void onTheCommandLineNoMarkerIsMadeAndNothingIsSkipped() throws Exception {
        Path context = layout("FROM scratch\nCOPY manifests manifests\nCOPY nowhere nowhere\n");
        List<String> calls = new ArrayList<>();
        DefaultBuildContext commandLine = new DefaultBuildContext() {
            @Override
            public void addMessage(File file, int line, int column, String message, int severity, Throwable cause) {
                calls.add("addMessage " + file);
            }

            @Override
            public boolean hasDelta(File file) {
                calls.add("hasDelta " + file);
                return false;
            }
        };
        assertThrows(MojoFailureException.class, validate(context, commandLine)::execute);
        assertEquals(List.of(), calls, "Maven's build context logs a message it is given: the goal logs its findings itself");
    }
}
