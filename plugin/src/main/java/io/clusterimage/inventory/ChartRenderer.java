package io.clusterimage.inventory;

import com.marcnuri.helm.TemplateCommand;
import io.clusterimage.core.PathTrees;
import io.clusterimage.core.TarReader;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Renders a chart with Helm (helm-java, in-process) the way sealos does — release {@code dryrun},
 * chart defaults plus {@code charts/<name>.values.yaml} — and works around what helm-java's
 * {@code template()} gets wrong for an image scan. The chart is rendered from a private copy under
 * the work directory, never from the user's files, with three changes:
 * <ul>
 *   <li>{@code lookup} becomes {@code pick (dict)}, which takes the same arguments and returns the
 *       empty map that sealos's offline lookup returns — so no cluster is ever contacted (helm-java
 *       renders with dry-run option "none", so Helm's own lookup would call KUBECONFIG's cluster).
 *       In templates every call is rewritten; in every other file of the chart, in values files and
 *       in {@code --set} values — text that reaches the engine through {@code tpl} — only calls
 *       inside {@code {{ }}} actions are;</li>
 *   <li>the {@code helm.sh/hook} annotation key is renamed, so hooks (and tests) are rendered as
 *       ordinary resources and their images found — helm-java drops hooks from its output. The key
 *       is renamed in values too (files of the chart and values files), as charts often take a
 *       hook's annotations from values;</li>
 *   <li>{@code kubeVersion} constraints are removed from every Chart.yaml, so the scan works whatever
 *       Kubernetes version the chart asks for.</li>
 * </ul>
 * Vendored subchart archives are unpacked first so that the same changes reach them. Rendering is
 * given up after a time limit ({@link HelmRuntime}).
 */
final class ChartRenderer {

    /** Annotation key that marks rendered hook resources. */
    static final String HOOK_MARKER = "cluster-image.io/helm-hook";

    private static final Pattern LOOKUP_CALL = Pattern.compile("(?<![\\w.$\"'/-])lookup(?=[\\s)])");
    private static final Pattern HOOK_ANNOTATION = Pattern.compile("helm\\.sh/hook(?=[\"'\\s:-])");
    private static final Pattern ACTION = Pattern.compile("\\{\\{.*?}}", Pattern.DOTALL);
    private static final Pattern KUBE_VERSION_LINE = Pattern.compile("(?m)^kubeVersion:.*(\\r?\\n|$)");

    private ChartRenderer() {
    }

    /** A rendered chart and the copy it was rendered from (for its crds/). */
    record Rendered(String manifest, Path workingCopy) {
    }

    /**
     * @param source      the chart directory or .tgz
     * @param valuesFile  {@code charts/<name>.values.yaml}, or null
     * @param workDir     an empty directory this chart may use
     * @param timeout     how long the render may take before it is abandoned
     * @throws ChartRenderException with Helm's message when the chart does not render, or when it takes too long
     */
    static Rendered render(Path source, Path valuesFile, ChartOptions options, String namespace, String kubeVersion,
                           Path workDir, Duration timeout) throws IOException {
        Path copy = prepareCopy(source, workDir);
        TemplateCommand template = HelmRuntime.template(copy, workDir).withName("dryrun");
        if (namespace != null && !namespace.isBlank()) {
            template.withNamespace(namespace);
        }
        if (kubeVersion != null && !kubeVersion.isBlank()) {
            template.withKubeVersion(kubeVersion);
        }
        List<Path> valuesFiles = new ArrayList<>();
        if (valuesFile != null) {
            valuesFiles.add(valuesFile);
        }
        valuesFiles.addAll(options.valuesFiles());
        for (int i = 0; i < valuesFiles.size(); i++) {
            template.withValuesFile(rewritten(valuesFiles.get(i), workDir.resolve("values-" + i + ".yaml")));
        }
        options.set().forEach((key, value) -> template.set(key, rewriteActions(value)));
        String manifest = HelmRuntime.render(template, timeout, copy.getFileName().toString());
        return new Rendered(manifest == null ? "" : manifest, copy); // null, not "", when nothing renders (a CRD-only chart)
    }

    /** Copies (or unpacks) the chart into the work directory and applies the three changes. */
    static Path prepareCopy(Path source, Path workDir) throws IOException {
        Files.createDirectories(workDir);
        Path chartDir;
        if (Files.isDirectory(source)) {
            chartDir = workDir.resolve(source.getFileName().toString());
            copyTree(source, chartDir);
        } else {
            Path unpacked = workDir.resolve("unpacked");
            unpack(source, unpacked);
            chartDir = singleChild(unpacked, source);
        }
        unpackSubchartArchives(chartDir, chartDir);
        rewrite(chartDir);
        return chartDir;
    }

    private static void unpack(Path archive, Path target) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(archive))) {
            TarReader.extract(in, target);
        }
    }

    private static Path singleChild(Path unpacked, Path archive) throws IOException {
        try (Stream<Path> children = Files.list(unpacked)) {
            List<Path> dirs = children.filter(Files::isDirectory).toList();
            if (dirs.size() != 1) {
                throw new ChartRenderException(archive.getFileName() + " does not hold exactly one chart directory");
            }
            return dirs.get(0);
        }
    }

    /** Helm loads charts/<x>.tgz and charts/<x>/ alike; unpacking lets the rewrite reach them. */
    private static void unpackSubchartArchives(Path root, Path chartDir) throws IOException {
        Path subcharts = chartDir.resolve("charts");
        if (!Files.isDirectory(subcharts)) {
            return;
        }
        List<Path> archives = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(subcharts, "*.tgz")) {
            stream.forEach(archives::add);
        }
        for (Path archive : archives) {
            Path unpacked = Files.createTempDirectory(subcharts, ".unpack");
            try {
                unpack(archive, unpacked);
            } catch (IOException e) {
                // the copy's path means nothing to the user: name the archive as it is inside the chart
                throw new IOException(root.relativize(archive).toString().replace('\\', '/') + ": " + e.getMessage(), e);
            }
            Path child = singleChild(unpacked, archive);
            Path target = subcharts.resolve(child.getFileName().toString());
            if (!Files.exists(target)) {
                Files.move(child, target);
            }
            PathTrees.deleteTree(unpacked);
            Files.delete(archive);
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(subcharts, Files::isDirectory)) {
            for (Path sub : stream) {
                unpackSubchartArchives(root, sub);
            }
        }
    }

    private static void rewrite(Path chartDir) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(chartDir)) {
            files = walk.filter(Files::isRegularFile).toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        for (Path file : files) {
            if (file.getFileName().toString().equals("Chart.yaml")) {
                rewriteFile(file, text -> KUBE_VERSION_LINE.matcher(text).replaceAll(""));
            } else if (isUnderTemplates(chartDir, file)) {
                rewriteFile(file, ChartRenderer::rewriteTemplate);
            } else {
                rewriteFile(file, ChartRenderer::rewriteNonTemplate); // values.yaml, files/...
            }
        }
    }

    private static void rewriteFile(Path file, UnaryOperator<String> change) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (MalformedInputException e) {
            return; // a binary file cannot hold a template action; leave it alone
        }
        String changed = change.apply(text);
        if (!changed.equals(text)) {
            Files.writeString(file, changed, StandardCharsets.UTF_8);
        }
    }

    static String rewriteTemplate(String text) {
        String result = text;
        if (result.contains("lookup")) {
            result = LOOKUP_CALL.matcher(result).replaceAll("pick (dict)");
        }
        if (result.contains("helm.sh/hook")) {
            result = HOOK_ANNOTATION.matcher(result).replaceAll(HOOK_MARKER);
        }
        return result;
    }

    /** Values and other files of a chart: their text reaches the output through {@code toYaml}, {@code tpl}... */
    static String rewriteNonTemplate(String text) {
        String result = rewriteActions(text);
        if (result.contains("helm.sh/hook")) {
            result = HOOK_ANNOTATION.matcher(result).replaceAll(HOOK_MARKER);
        }
        return result;
    }

    /** {@code lookup} calls inside the {@code {{ }}} actions of text that is not a template but may reach {@code tpl}. */
    static String rewriteActions(String text) {
        if (!text.contains("lookup")) {
            return text;
        }
        return ACTION.matcher(text).replaceAll(action -> Matcher.quoteReplacement(
                LOOKUP_CALL.matcher(action.group()).replaceAll("pick (dict)")));
    }

    /** A values file from outside the chart, or a rewritten copy of it when it holds a lookup call or hook key. */
    private static Path rewritten(Path values, Path copy) throws IOException {
        String text;
        try {
            text = Files.readString(values, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return values.toAbsolutePath(); // missing or not text: Helm reports it as a render error
        }
        String changed = rewriteNonTemplate(text);
        if (changed.equals(text)) {
            return values.toAbsolutePath();
        }
        Files.writeString(copy, changed, StandardCharsets.UTF_8);
        return copy.toAbsolutePath();
    }

    private static boolean isUnderTemplates(Path chartDir, Path file) {
        for (Path part : chartDir.relativize(file)) {
            if (part.toString().equals("templates")) {
                return true;
            }
        }
        return false;
    }

    private static void copyTree(Path source, Path target) throws IOException {
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(target.resolve(source.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    Files.copy(file, target.resolve(source.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

}
