package io.clusterimage.inventory;

import io.clusterimage.core.ContextRoot;
import io.clusterimage.core.Finding;
import io.clusterimage.core.MemoryExhaustedException;
import io.clusterimage.core.PathTrees;
import io.clusterimage.core.Quotes;
import io.clusterimage.core.Severity;
import io.clusterimage.layout.Chart;
import io.clusterimage.layout.Layout;
import io.clusterimage.reference.ImageReference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The image-inventory stage's entry point: finds every image the application uses — in manifests/,
 * rendered charts (hooks and CRDs included), images/shim/, images/skopeo/tar.txt and the POM — minus
 * what .sealignore drops, with every place each was found.
 *
 * <p>A superset of what {@code sealos build} finds: every value its line scan takes is considered, but
 * only valid references are kept (the rest are reported with file:line), digests are kept, and a
 * YAML-aware walk finds what a line scan cannot.
 */
public final class ImageScanner {

    private final Layout layout;
    private final ScanOptions options;
    private final Map<String, Accumulator> images = new LinkedHashMap<>();
    private final List<Finding> findings = new ArrayList<>();
    private final List<WorkloadUse> workloadUses = new ArrayList<>();
    /** What the scan is reading now, for a message should the heap run out. */
    private String current = "the layout";
    /** Every file the scan reads is resolved inside the context: a link must not make it read the machine's files. */
    private final ContextRoot boundary;

    private static final class Accumulator {
        final ImageReference reference;
        final List<Occurrence> occurrences = new ArrayList<>();
        final Set<String> seen = new HashSet<>();

        Accumulator(ImageReference reference) {
            this.reference = reference;
        }
    }

    /** While a chart is scanned: what it adds, for its memo. */
    private List<ChartMemo.Found> recording;

    /** An image a container of a workload runs, for the completeness check. */
    private record WorkloadUse(String canonical, Path file, int line) {
    }

    private ImageScanner(Layout layout, ScanOptions options) {
        this.layout = layout;
        this.options = options;
        this.boundary = new ContextRoot(layout.contextDir());
    }

    /**
     * What a scan of {@code context} reads, for up-to-date checks: the Kubefile choice, manifests/, charts/, images/,
     * .sealignore (charts the fetch goal placed come on top).
     */
    public static List<Path> inputs(Path context) {
        return Stream.of("manifests", "charts", "images", ".sealignore", "Kubefile", "Sealfile", "Dockerfile", "Containerfile")
                .map(context::resolve).toList();
    }

    public static ImageInventory scan(Layout layout, ScanOptions options) throws IOException {
        return new ImageScanner(layout, options).run();
    }

    private ImageInventory run() throws IOException {
        try {
            return scanAll();
        } catch (OutOfMemoryError e) {
            String input = current;
            throw new MemoryExhaustedException(input, e);
        }
    }

    private ImageInventory scanAll() throws IOException {
        Path context = layout.contextDir();
        scanManifests(context.resolve("manifests"));
        for (Chart chart : layout.charts()) {
            scanChartOnce(chart);
        }
        scanShim(context.resolve("images/shim"));
        for (String image : options.extraImages()) {
            Optional<ImageReference> reference = References.parse(image.strip());
            if (reference.isPresent()) {
                add(reference.get(), new Occurrence(Path.of("pom.xml"), 0, SourceKind.PARAMETER, image.strip()));
            } else {
                findings.add(Finding.error("scan.parameter", Path.of("pom.xml"), 0,
                        "<images> entry '" + image + "' is not a valid image reference: " + References.whyInvalid(image.strip()),
                        "write it as [registry/]repository[:tag][@digest]"));
            }
        }
        for (DeclaredArchive archive : options.archives()) {
            add(archive.image(), new Occurrence(Path.of("pom.xml"), 0, SourceKind.BUILT, archive.written()));
        }
        List<TarImage> tarImages = TarList.read(boundary, findings);
        checkDeclaredArchives(tarImages);

        List<String> ignoreLines = readIgnoreLines(context.resolve(".sealignore"));
        List<InventoryImage> kept = new ArrayList<>();
        List<InventoryImage> ignored = new ArrayList<>();
        for (Accumulator accumulator : images.values()) {
            InventoryImage image = new InventoryImage(accumulator.reference, accumulator.occurrences);
            (SealIgnore.drops(ignoreLines, image) ? ignored : kept).add(image);
        }
        kept.sort(Comparator.comparing(InventoryImage::canonical));
        ignored.sort(Comparator.comparing(InventoryImage::canonical));
        checkCompleteness(ignored);
        return new ImageInventory(kept, tarImages, ignored, findings, options.archives());
    }

    // ---- sources ----

    private void scanManifests(Path manifests) throws IOException {
        if (!Files.isDirectory(manifests)) {
            return;
        }
        ManifestMemo memo = options.contents() == null ? null : ManifestMemo.load(options);
        for (Path file : regularFiles(manifests)) {
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            boolean yaml = name.endsWith(".yaml") || name.endsWith(".yml");
            if (yaml || name.endsWith(".tmpl")) {
                Path display = relative(file);
                current = display.toString();
                Source source = () -> YamlDocuments.forEach(file, (text, firstLine) -> scanText(display, SourceKind.MANIFEST, text, yaml,
                        firstLine - 1));
                if (memo == null) {
                    source.scan();
                    continue;
                }
                String key = memo.key(file, display);
                ChartMemo.Result kept = memo.take(key);
                if (kept != null) {
                    replay(kept, "manifest memo");
                } else {
                    memo.put(key, recorded(source));
                }
            }
        }
        if (memo != null) {
            memo.save();
        }
    }

    /**
     * A chart, rendered only when something its render depends on changed since the last scan (a manifest
     * edit does not render the charts again); otherwise what the last render found is taken as it was.
     */
    private void scanChartOnce(Chart chart) throws IOException {
        Path source = chart.location() != null ? chart.location() : layout.contextDir().resolve(chart.source());
        Path valuesFile = layout.contextDir().resolve("charts").resolve(chart.name() + ".values.yaml");
        if (Files.isSymbolicLink(source) || Files.isSymbolicLink(valuesFile)) {
            scanChart(chart); // a linked chart is checked and followed by scanChart every time
            return;
        }
        ChartOptions chartOptions = options.charts().getOrDefault(chart.name(), ChartOptions.NONE);
        ChartMemo memo = ChartMemo.of(chart, source, Files.isRegularFile(valuesFile) ? valuesFile : null, chartOptions, options);
        ChartMemo.Result kept = memo.read();
        if (kept != null) {
            replay(kept, "chart memo");
            return;
        }
        ChartMemo.Result found = recorded(() -> scanChart(chart));
        if (found.findings().stream().noneMatch(f -> f.code().equals("scan.chart-render") || f.code().equals("scan.outside-context"))) {
            memo.write(found);
        }
    }

    private interface Source {
        void scan() throws IOException;
    }

    /** Scans a source and returns what it added: images, findings, workload uses (for a memo). */
    private ChartMemo.Result recorded(Source source) throws IOException {
        int findingsBefore = findings.size();
        int usesBefore = workloadUses.size();
        List<ChartMemo.Found> found = new ArrayList<>();
        recording = found;
        try {
            source.scan();
        } finally {
            recording = null;
        }
        List<ChartMemo.Use> uses = workloadUses.subList(usesBefore, workloadUses.size()).stream()
                .map(use -> new ChartMemo.Use(use.canonical(), use.file(), use.line())).toList();
        return new ChartMemo.Result(found, new ArrayList<>(findings.subList(findingsBefore, findings.size())), uses);
    }

    /** Adds what an earlier scan of an unchanged source found, as if it had been scanned now. */
    private void replay(ChartMemo.Result kept, String memo) throws IOException {
        for (ChartMemo.Found found : kept.images()) {
            try {
                add(ImageReference.parse(found.canonical()), found.occurrence());
            } catch (RuntimeException e) {
                throw new IOException("the " + memo + " " + found.canonical() + " is damaged; delete " + options.workDir(), e);
            }
        }
        findings.addAll(kept.findings());
        kept.uses().forEach(use -> workloadUses.add(new WorkloadUse(use.canonical(), use.file(), use.line())));
    }

    private void scanChart(Chart chart) throws IOException {
        // a chart linked from inside is rendered from its target; a chart the fetch goal placed, from where it is
        Path source = chart.location() != null ? chart.location() : real(layout.contextDir().resolve(chart.source()));
        Path valuesFile = layout.contextDir().resolve("charts").resolve(chart.name() + ".values.yaml");
        if (source == null || (Files.exists(valuesFile, LinkOption.NOFOLLOW_LINKS) && real(valuesFile) == null)) {
            return;
        }
        ChartOptions chartOptions = options.charts().getOrDefault(chart.name(), ChartOptions.NONE);
        Path workDir = options.workDir().resolve("charts").resolve(chart.source().getFileName().toString());
        PathTrees.deleteTree(workDir);
        current = "chart '" + chart.name() + "' (" + chart.source() + ")";
        ChartRenderer.Rendered rendered;
        try {
            rendered = ChartRenderer.render(source, Files.isRegularFile(valuesFile) ? valuesFile : null, chartOptions,
                    options.namespace(), options.kubeVersion(), workDir, options.chartRenderTimeout());
        } catch (IOException e) {
            // say which chart: the message alone names a path in the work directory, or an archive entry
            throw new IOException(chart.source().toString().replace('\\', '/') + ": " + e.getMessage(), e);
        } catch (ChartRenderException e) {
            findings.add(Finding.error("scan.chart-render", chart.source(), 0,
                    "Helm cannot render chart '" + chart.name() + "': " + e.getMessage(),
                    "fix the chart or its values (charts/" + chart.name() + ".values.yaml, or <charts> in the POM)"));
            return;
        }
        for (RenderedDocument document : RenderedDocument.split(rendered.manifest())) {
            Path file = chart.source().resolve(document.pathInsideChart());
            SourceKind kind = document.text().contains(ChartRenderer.HOOK_MARKER) ? SourceKind.CHART_HOOK : SourceKind.CHART;
            scanText(file, kind, document.text(), true, NOT_MEANINGFUL);
        }
        scanCrds(chart, rendered.workingCopy(), rendered.workingCopy());
    }

    /** crds/ of the chart and of its subcharts, scanned as written: Helm does not template them. */
    private void scanCrds(Chart chart, Path copyRoot, Path chartDir) throws IOException {
        Path crds = chartDir.resolve("crds");
        if (Files.isDirectory(crds)) {
            for (Path file : regularFiles(crds)) {
                String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
                if (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json")) {
                    Path display = chart.source().resolve(copyRoot.relativize(file).toString());
                    scanText(display, SourceKind.CHART_CRD, read(file), true, chart.archive() ? NOT_MEANINGFUL : 0);
                }
            }
        }
        Path subcharts = chartDir.resolve("charts");
        if (Files.isDirectory(subcharts)) {
            try (Stream<Path> children = Files.list(subcharts)) {
                for (Path sub : children.filter(Files::isDirectory).sorted().toList()) {
                    scanCrds(chart, copyRoot, sub);
                }
            }
        }
    }

    private void scanShim(Path shim) throws IOException {
        if (!Files.isDirectory(shim)) {
            return;
        }
        for (Path file : regularFiles(shim)) {
            String[] lines = read(file).split("\r?\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String trimmed = lines[i].strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                String value = Quotes.unquote(trimmed);
                Optional<ImageReference> reference = References.parse(value);
                if (reference.isPresent()) {
                    add(reference.get(), new Occurrence(relative(file), i + 1, SourceKind.SHIM, value));
                } else {
                    findings.add(Finding.error("scan.shim", relative(file), i + 1,
                            "'" + value + "' is not a valid image reference: " + References.whyInvalid(value),
                            "write one image per line as [registry/]repository[:tag][@digest]"));
                }
            }
        }
    }

    // ---- one text ----

    /**
     * Scans one file or rendered document: the sealos line scan plus, for YAML, the structural walk.
     * A value the line scan takes that is not a valid reference is reported — unless the YAML walk
     * found a valid image on the same line (e.g. {@code image: nginx # comment}).
     */
    /** For {@link #scanText}: the text's lines are not lines of a file the user has (a rendered chart). */
    private static final int NOT_MEANINGFUL = -1;

    /**
     * @param lineOffset how many lines of the file come before the text (a document of a multi-document
     *                   file), or {@link #NOT_MEANINGFUL}
     */
    private void scanText(Path file, SourceKind kind, String text, boolean yaml, int lineOffset) {
        boolean linesMeaningful = lineOffset != NOT_MEANINGFUL;
        Set<Integer> linesWithImage = new HashSet<>();
        if (yaml) {
            YamlImageWalker.Result walked = YamlImageWalker.walk(text);
            for (Candidate candidate : walked.candidates()) {
                Optional<ImageReference> reference = References.parse(candidate.value());
                int line = linesMeaningful ? candidate.line() + lineOffset : 0;
                if (reference.isPresent()) {
                    linesWithImage.add(candidate.line());
                    add(reference.get(), new Occurrence(file, line, kind, candidate.value()));
                    if (candidate.workload()) {
                        workloadUses.add(new WorkloadUse(reference.get().canonical(), file, line));
                    }
                }
            }
        }
        for (Candidate candidate : ImageLineScanner.scan(text)) {
            Optional<ImageReference> reference = References.parse(candidate.value());
            int line = linesMeaningful ? candidate.line() + lineOffset : 0;
            if (reference.isPresent()) {
                linesWithImage.add(candidate.line());
                add(reference.get(), new Occurrence(file, line, kind, candidate.value()));
            } else if (!linesWithImage.contains(candidate.line())) {
                unresolved(file, line, candidate.value(), text, candidate.line());
            }
        }
    }

    private void unresolved(Path file, int line, String value, String text, int lineInText) {
        Severity severity = options.failOnUnresolved() ? Severity.ERROR : Severity.WARNING;
        String where = line == 0 ? " (rendered: " + excerpt(text, lineInText) + ")" : "";
        findings.add(new Finding(severity, "scan.unresolved", file, line,
                "'" + value + "' after image: is not a valid image reference (" + References.whyInvalid(value)
                        + "); it is not pulled" + where,
                "if a container runs this image, add its real reference to images/shim/ or <images>;"
                        + " set <failOnUnresolved>true</failOnUnresolved> to make this an error"));
    }

    private static String excerpt(String text, int line) {
        String[] lines = text.split("\r?\n", -1);
        return line >= 1 && line <= lines.length ? lines[line - 1].strip() : "";
    }

    private void add(ImageReference reference, Occurrence occurrence) {
        if (recording != null) {
            recording.add(new ChartMemo.Found(reference.canonical(), occurrence));
        }
        Accumulator accumulator = images.computeIfAbsent(reference.canonical(), key -> new Accumulator(reference));
        String key = occurrence.file() + ":" + occurrence.line() + ":" + occurrence.kind() + ":" + occurrence.written();
        if (accumulator.seen.add(key)) {
            accumulator.occurrences.add(occurrence);
        }
    }

    /**
     * A declared archive that nothing else names is most likely a typo in its {@code <image>} (the
     * manifests would then pull a different name); one that tar.txt stores under the same name would
     * be written twice under one tag.
     */
    private void checkDeclaredArchives(List<TarImage> tarImages) {
        for (DeclaredArchive archive : options.archives()) {
            String stored = archive.repository() + ":" + archive.tag();
            for (TarImage tar : tarImages) {
                if (tar.target().equals(stored)) {
                    findings.add(Finding.error("scan.image-archive", Path.of("images/skopeo/tar.txt"), tar.line(),
                            "stores " + stored + ", which " + archive.element() + " (" + archive.file()
                                    + ") declares too; one tag can hold one image",
                            "remove the tar.txt line or the " + archive.element().substring(archive.element().lastIndexOf('<'))));
                }
            }
            Accumulator accumulator = images.get(archive.canonical());
            boolean named = accumulator.occurrences.stream()
                    .anyMatch(o -> o.kind() != SourceKind.BUILT && o.kind() != SourceKind.PARAMETER);
            if (!named) {
                // an image built from a module (<appImages>) has no file: its element says where it comes from
                boolean builtByJib = archive.element().startsWith("<appImages>");
                findings.add(Finding.warning(builtByJib ? "scan.app-image-unused" : "scan.image-archive-unused", Path.of("pom.xml"), 0,
                        archive.element() + " declares " + archive.canonical()
                                + (builtByJib ? "" : " (" + archive.file() + ")")
                                + ", but no manifest, chart or images/shim file names it; it is bundled, yet nothing runs it",
                        "check that <image> is exactly the reference the manifests use"));
            }
            warnOtherTags(archive);
        }
    }

    /**
     * A manifest that names the built image's repository with another tag (an old version written by
     * hand, typically) makes the cluster pull an image that is not in the bundle: it fails air-gapped.
     */
    private void warnOtherTags(DeclaredArchive archive) {
        String name = archive.image().name();
        for (Accumulator other : images.values()) {
            if (!other.reference.name().equals(name) || other.reference.canonical().equals(archive.canonical())) {
                continue;
            }
            for (Occurrence occurrence : other.occurrences) {
                if (occurrence.kind() == SourceKind.BUILT || occurrence.kind() == SourceKind.PARAMETER) {
                    continue;
                }
                findings.add(Finding.warning("scan.built-image-other-tag", occurrence.file(), occurrence.line(),
                        "'" + occurrence.written() + "' is the repository of the image " + archive.element() + " declares ("
                                + archive.canonical() + "), with another tag: the cluster runs an image this build does not bundle",
                        "write " + archive.written() + " here (e.g. with ${project.version} as the tag), or remove that image from the POM"));
            }
        }
    }

    // ---- .sealignore and completeness ----

    private List<String> readIgnoreLines(Path file) throws IOException {
        if (!Files.isRegularFile(file) || !inside(file)) {
            return List.of();
        }
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(line -> !line.isEmpty()).toList();
    }

    private void checkCompleteness(List<InventoryImage> ignored) {
        Set<String> ignoredCanonical = new HashSet<>();
        ignored.forEach(image -> ignoredCanonical.add(image.canonical()));
        Set<String> reported = new HashSet<>();
        for (WorkloadUse use : workloadUses) {
            if (ignoredCanonical.contains(use.canonical()) && reported.add(use.canonical())) {
                findings.add(Finding.warning("scan.ignored-but-used", use.file(), use.line(),
                        "a container runs " + use.canonical() + ", but .sealignore leaves it out of the bundle;"
                                + " the cluster must be able to pull it from elsewhere",
                        "remove it from .sealignore unless the target cluster has it already"));
            }
        }
    }

    // ---- files ----

    private Path relative(Path file) {
        return layout.contextDir().relativize(file.toAbsolutePath().normalize());
    }

    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }

    /** The files under a directory, but for those a link leads outside the context (reported). */
    private List<Path> regularFiles(Path root) throws IOException {
        if (root.toAbsolutePath().normalize().startsWith(layout.contextDir())) {
            return boundary.regularFiles(root, e -> outside(Path.of(e.link()), e));
        }
        // the working copy of a chart: the plugin's own, and links are not copied into it
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Whether a file is inside the context once its links are followed; an error names the link when not. */
    private boolean inside(Path file) throws IOException {
        return real(file) != null;
    }

    /** Where a file of the context really is, its links followed; null (and an error naming the link) when outside. */
    private Path real(Path file) throws IOException {
        try {
            return boundary.resolve(file);
        } catch (ContextRoot.LinkEscapeException e) {
            outside(relative(file), e);
            return null;
        }
    }

    private void outside(Path file, ContextRoot.LinkEscapeException e) {
        findings.add(Finding.error("scan.outside-context", file, 0, e.getMessage() + "; it is not read",
                "copy the file into the build context instead of linking to it"));
    }
}
