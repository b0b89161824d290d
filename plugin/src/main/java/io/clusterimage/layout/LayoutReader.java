package io.clusterimage.layout;

import io.clusterimage.core.Finding;
import io.clusterimage.core.Platform;
import io.clusterimage.core.Severity;
import io.clusterimage.kubefile.BuildPlan;
import io.clusterimage.kubefile.Kubefile;
import io.clusterimage.kubefile.KubefileLocator;
import io.clusterimage.kubefile.KubefileParser;
import io.clusterimage.kubefile.KubefileResolver;
import io.clusterimage.layout.ignore.IgnoreFile;
import io.clusterimage.layout.ignore.IgnorePatternException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Optional;

/**
 * The layout stage's entry point: reads the build context once — Kubefile, charts/, manifests/,
 * images/, registry/, ignore files — and reports everything that is wrong with it.
 */
public final class LayoutReader {

    private LayoutReader() {
    }

    /**
     * @throws IOException when a file cannot be read at all (not for files with bad content: those
     *                     are findings)
     */
    public static Layout read(LayoutOptions options) throws IOException {
        Path context = options.contextDir().toAbsolutePath().normalize();
        List<Finding> findings = new ArrayList<>();
        if (!Files.isDirectory(context)) {
            findings.add(Finding.error("layout.no-context", context, 0, "the build context directory does not exist",
                    "set <contextDirectory> to the directory that holds the Kubefile"));
            return new Layout(context, Optional.empty(), Optional.empty(), Optional.empty(), List.of(), findings);
        }
        ContextPaths paths = new ContextPaths(context);
        Set<String> linksOut = new HashSet<>();
        IgnoreRules ignore = IgnoreRules.NONE;
        try {
            Optional<IgnoreFile> ignoreFile = IgnoreFile.load(context);
            if (ignoreFile.isPresent()) {
                ignore = IgnoreRules.of(ignoreFile.get(), context);
            }
        } catch (IgnorePatternException e) {
            findings.add(Finding.error("ignore.pattern", displayPath(context, context.resolve(e.fileName())), e.lineNumber(),
                    "invalid pattern '" + e.line() + "': " + e.reason(), "fix the pattern (Go filepath.Match syntax, ** for any depth)"));
        }

        Optional<KubefileLocator.Located> located = KubefileLocator.locate(context, options.kubefile());
        Optional<Kubefile> kubefile = Optional.empty();
        Optional<BuildPlan> plan = Optional.empty();
        if (located.isEmpty()) {
            findings.add(options.kubefile() != null
                    ? Finding.error("layout.no-kubefile", options.kubefile(), 0, "the Kubefile set in <kubefile> does not exist",
                    "point <kubefile> at an existing file, relative to " + context)
                    : Finding.error("layout.no-kubefile", Path.of("."), 0,
                    "no Kubefile, Sealfile, Dockerfile or Containerfile in " + context,
                    "add a Kubefile (e.g. FROM scratch / COPY manifests manifests / COPY registry registry / CMD [...])"
                            + " or set <kubefile>"));
        } else {
            Path file = located.get().file();
            Path display = displayPath(context, file);
            for (Path other : located.get().ignoredCandidates()) {
                findings.add(Finding.warning("layout.several-kubefiles", displayPath(context, other), 0,
                        "both " + display + " and " + other.getFileName() + " exist; this build reads " + display
                                + " only, while sealos build without -f concatenates them all",
                        "delete the one you do not use, or set <kubefile> to say which"));
            }
            Kubefile parsed = KubefileParser.parse(file, display);
            kubefile = Optional.of(parsed);
            findings.addAll(parsed.findings());
            if (!parsed.instructions().isEmpty()) {
                Platform target = options.platforms().get(0);
                BuildPlan resolved = KubefileResolver.resolve(parsed, options.buildArgs(), target, Platform.host());
                findings.addAll(resolved.findings());
                if (!resolved.stages().isEmpty()) {
                    plan = Optional.of(resolved);
                    new KubefileChecks(paths, ignore, display, findings, linksOut, options.generated()).check(resolved);
                }
            }
        }
        if (Files.isRegularFile(context.resolve("init.sh"), LinkOption.NOFOLLOW_LINKS)) {
            findings.add(Finding.info("layout.init-script", Path.of("init.sh"), 0,
                    "init.sh downloads at build time, unpinned, with bash; the plugin runs it only with <runInitScript>",
                    "declare the charts and files it fetches in the POM (<charts><chart> with <repository>, <files>), pinned by"
                            + " cluster-image.lock and cached for -o: see charts-and-files.html for each init.sh pattern"));
        }
        new LinkChecks(paths, findings, linksOut).check();
        new RegistryChecks(paths, findings).check();
        List<Chart> charts = new ChartChecks(paths, findings, options.generated()).check();
        new ManifestChecks(paths, findings).check();
        new ImageListChecks(paths, findings).check();

        findings.sort(Comparator.comparing((Finding f) -> f.severity() != Severity.ERROR)
                .thenComparing(f -> f.file() == null ? "" : f.file().toString())
                .thenComparingInt(Finding::line));
        return new Layout(context, located.map(KubefileLocator.Located::file), kubefile, plan, charts, findings);
    }

    private static Path displayPath(Path context, Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        return absolute.startsWith(context) ? context.relativize(absolute) : absolute;
    }
}
