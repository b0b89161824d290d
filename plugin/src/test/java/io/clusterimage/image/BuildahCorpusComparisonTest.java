package io.clusterimage.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterimage.core.Platform;
import io.clusterimage.kubefile.BuildPlan;
import io.clusterimage.kubefile.Instruction;
import io.clusterimage.kubefile.Kubefile;
import io.clusterimage.kubefile.KubefileLocator;
import io.clusterimage.kubefile.KubefileParser;
import io.clusterimage.kubefile.KubefileResolver;
import io.clusterimage.kubefile.Stage;
import io.clusterimage.registry.Digests;
import io.clusterimage.testing.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static io.clusterimage.image.ImageTestSupport.AMD64;
import static io.clusterimage.image.ImageTestSupport.JSON;
import static io.clusterimage.image.ImageTestSupport.run;
import static io.clusterimage.image.ImageTestSupport.runAllowingFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every layout of the shared corpus (when it is present, see {@code CorpusAcceptanceTest}), built by
 * buildah (what {@code sealos build} uses) and by {@link ImageBuilder}: the config fields sealos reads
 * and the file trees (paths and contents) must be the same. File modes are not compared (we normalize
 * them, buildah keeps the checkout's); their differences are reported.
 *
 * <p>The corpus is read-only: each layout is copied first. COPY sources the corpus lacks (scripts its
 * authors' init.sh would have downloaded) are stubbed as empty files or directories, and registry/ is
 * a small fake tree (what save-registry would write), the same for both builders. Files get the modes
 * a git checkout gives them (0644, 0755 when executable). Takes about a minute;
 * {@code -Dcluster-image.skipBuildahCorpus=true} leaves it out. The summary is printed and written to
 * {@code target/buildah-corpus-comparison.txt}.
 */
@Tag("tools")
@Tag("corpus")
class BuildahCorpusComparisonTest {

    private static final List<String> CONFIG_FIELDS = List.of("Env", "Labels", "Cmd", "Entrypoint", "WorkingDir", "User", "ExposedPorts");

    @TempDir
    static Path work;

    private static String[] storage;
    private static final ConcurrentLinkedQueue<String> SUMMARY = new ConcurrentLinkedQueue<>();
    private static int matched;
    private static int notComparable;

    @BeforeAll
    static void buildahWorks() throws Exception {
        // about a minute on two cores: it can be left out of a quick run
        Assumptions.assumeFalse(Boolean.getBoolean("cluster-image.skipBuildahCorpus"), "-Dcluster-image.skipBuildahCorpus=true");
        Path layouts = corpus().resolve("layouts");
        Assumptions.assumeTrue(Files.isDirectory(layouts), "shared corpus not present at " + layouts);
        Tools.require("buildah");
        storage = new String[] {"--storage-driver", "vfs", "--root", work.resolve("buildah/root").toString(),
                "--runroot", work.resolve("buildah/runroot").toString()};
        Path probe = Files.createDirectories(work.resolve("probe"));
        Files.writeString(probe.resolve("a"), "a");
        Files.writeString(probe.resolve("Kubefile"), "FROM scratch\nCOPY a a\n");
        ImageTestSupport.Result result = runAllowingFailure(work, buildah("bud", "--isolation", "chroot", "-f",
                probe.resolve("Kubefile").toString(), "-t", "probe", probe.toString()));
        Assumptions.assumeTrue(result.exitCode() == 0, "buildah does not work here (vfs, chroot): " + result.stderr());
    }

    @AfterAll
    static void summary() throws IOException {
        if (SUMMARY.isEmpty()) {
            return;
        }
        StringBuilder text = new StringBuilder();
        text.append(String.format("buildah corpus comparison: %d layouts, %d match buildah, %d not comparable, %d differ%n",
                SUMMARY.size(), matched, notComparable, SUMMARY.size() - matched - notComparable));
        SUMMARY.stream().sorted().forEach(line -> text.append(line).append('\n'));
        System.out.print(text);
        Path report = Path.of("target/buildah-corpus-comparison.txt");
        if (Files.isDirectory(report.getParent())) {
            Files.writeString(report, text, StandardCharsets.UTF_8);
        }
    }

    /** As CorpusAcceptanceTest finds it: system property cluster-image.corpus, default ../../shared/corpus. */
    static Path corpus() {
        return Path.of(System.getProperty("cluster-image.corpus", "../../shared/corpus")).toAbsolutePath().normalize();
    }

    private static String[] buildah(String... args) {
        List<String> all = new ArrayList<>();
        all.add("buildah");
        all.addAll(List.of(storage));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    @TestFactory
    Stream<DynamicTest> everyLayoutBuildsTheSameImageAsBuildah() throws IOException {
        Path layouts = corpus().resolve("layouts");
        List<Path> cases;
        try (Stream<Path> list = Files.list(layouts)) {
            cases = list.filter(Files::isDirectory).sorted().toList();
        }
        return cases.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> compare(dir)));
    }

    private void compare(Path original) throws Exception {
        String name = original.getFileName().toString();
        Path caseDir = Files.createDirectories(work.resolve("cases").resolve(name));
        Path context = caseDir.resolve("context");
        copyTree(original, context);
        Path kubefilePath = KubefileLocator.locate(context, null).orElseThrow().file();
        Path display = context.relativize(kubefilePath);
        Kubefile kubefile = KubefileParser.parse(kubefilePath, display);
        BuildPlan plan = KubefileResolver.resolve(kubefile, Map.of(), AMD64, Platform.host());

        for (Stage stage : plan.stages()) {
            if (!stage.from().isScratch() && plan.stage(stage.from().image()).filter(s -> s.index() < stage.index()).isEmpty()) {
                // both builders would pull the base image (no network in tests): only check the error is clear
                ImageBuildException e = assertThrows(ImageBuildException.class,
                        () -> ImageBuilder.build(kubefile, ImageTestSupport.options(context, caseDir.resolve("work"))));
                assertTrue(e.getMessage().contains(stage.from().image()), e.describe());
                SUMMARY.add(name + ": not comparable (FROM " + stage.from().image() + " needs a registry; without one: " + e.describe() + ")");
                synchronized (BuildahCorpusComparisonTest.class) {
                    notComparable++;
                }
                return;
            }
        }
        List<String> stubs = stubMissingSources(plan, context);
        Path registry = context.resolve("registry");
        if (!Files.exists(registry)) {
            ImageTestSupport.registryTree(registry, "library/nginx", "amd64");
        }

        // ours
        BuiltImage ours = ImageBuilder.build(kubefile,
                ImageTestSupport.options(context, caseDir.resolve("work"), platform -> registry, List.of(AMD64)));
        PlatformImage image = ours.platforms().get(0);
        JsonNode ourConfig = ImageTestSupport.config(image).get("config");
        TreeMap<String, String[]> ourTree = new TreeMap<>();
        for (Layer layer : image.layers()) {
            try (InputStream raw = Files.newInputStream(layer.file());
                 InputStream in = layer.mediaType().endsWith("+gzip") ? new GZIPInputStream(raw) : raw) {
                apply(ourTree, in);
            }
        }

        // buildah
        String tag = "corpus-" + Integer.toHexString(name.hashCode());
        run(caseDir, buildah("bud", "--isolation", "chroot", "--timestamp", "0", "--platform", "linux/amd64",
                "-f", kubefilePath.toString(), "-t", tag, context.toString()));
        Path archive = caseDir.resolve("buildah.tar");
        run(caseDir, buildah("push", tag, "oci-archive:" + archive));
        run(caseDir, buildah("rmi", tag));
        Path layout = ImageTestSupport.extract(archive, caseDir.resolve("buildah-layout"));
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        JsonNode manifest = JSON.readTree(blob(layout, index.at("/manifests/0/digest").asText()).toFile());
        JsonNode theirConfig = JSON.readTree(blob(layout, manifest.at("/config/digest").asText()).toFile()).get("config");
        TreeMap<String, String[]> theirTree = new TreeMap<>();
        for (JsonNode layer : manifest.get("layers")) {
            Path file = blob(layout, layer.get("digest").asText());
            try (InputStream raw = Files.newInputStream(file);
                 InputStream in = layer.get("mediaType").asText().endsWith("gzip") ? new GZIPInputStream(raw) : raw) {
                apply(theirTree, in);
            }
        }

        // compare
        List<String> differences = new ArrayList<>();
        for (String field : CONFIG_FIELDS) {
            JsonNode mine = normalize(field, ourConfig.get(field));
            JsonNode theirs = normalize(field, theirConfig.get(field));
            if (!java.util.Objects.equals(mine, theirs)) {
                differences.add(field + ": ours " + mine + " buildah " + theirs);
            }
        }
        List<String> modes = new ArrayList<>();
        for (String path : union(ourTree, theirTree)) {
            String[] mine = ourTree.get(path);
            String[] theirs = theirTree.get(path);
            if (mine == null || theirs == null) {
                differences.add(path + (mine == null ? ": only in buildah's image" : ": only in ours"));
            } else if (!mine[0].equals(theirs[0]) || !mine[2].equals(theirs[2])) {
                differences.add(path + ": ours " + mine[0] + " " + mine[2] + ", buildah " + theirs[0] + " " + theirs[2]);
            } else if (!mine[1].equals(theirs[1])) {
                modes.add(path + " " + mine[1] + "/" + theirs[1]);
            }
        }
        String note = (stubs.isEmpty() ? "" : "; stubbed " + stubs) + (modes.isEmpty() ? ""
                : "; " + modes.size() + " mode differences (ours/buildah), e.g. " + modes.subList(0, Math.min(3, modes.size())));
        if (differences.isEmpty()) {
            synchronized (BuildahCorpusComparisonTest.class) {
                matched++;
            }
            SUMMARY.add(name + ": same config and files (" + ourTree.size() + " entries)" + note);
        } else {
            SUMMARY.add(name + ": DIFFERS " + differences.subList(0, Math.min(5, differences.size()))
                    + (differences.size() > 5 ? " and " + (differences.size() - 5) + " more" : "") + note);
        }
        assertEquals(List.of(), differences, name);
    }

    /** Labels without buildah's own; an empty list or object is the same as none. */
    private static JsonNode normalize(String field, JsonNode value) {
        if (value == null || value.isNull() || (value.isContainerNode() && value.isEmpty())) {
            return null;
        }
        if (field.equals("Labels")) {
            ObjectNode copy = ((ObjectNode) value).deepCopy();
            copy.remove("io.buildah.version");
            return copy.isEmpty() ? null : copy;
        }
        if (value.isTextual() && value.asText().isEmpty()) {
            return null;
        }
        return value;
    }

    private static java.util.SortedSet<String> union(Map<String, ?> a, Map<String, ?> b) {
        java.util.TreeSet<String> all = new java.util.TreeSet<>(a.keySet());
        all.addAll(b.keySet());
        return all;
    }

    /** Applies a layer to a tree: path → {type, mode, content digest}; whiteouts remove. */
    private static void apply(TreeMap<String, String[]> tree, InputStream layer) throws IOException {
        for (ImageTestSupport.TarEntry entry : ImageTestSupport.readTar(layer).values()) {
            String path = entry.path().startsWith("./") ? entry.path().substring(2) : entry.path();
            String base = path.substring(path.lastIndexOf('/') + 1);
            if (base.startsWith(".wh.")) {
                String parent = path.contains("/") ? path.substring(0, path.lastIndexOf('/') + 1) : "";
                String removed = parent + base.substring(4);
                tree.keySet().removeIf(p -> p.equals(removed) || p.startsWith(removed + "/"));
                continue;
            }
            if (path.isEmpty() || path.equals(".")) {
                continue;
            }
            String content = switch (entry.type()) {
                case '5' -> "";
                case '2' -> "-> " + entry.link();
                default -> Digests.of(entry.content());
            };
            String type = entry.type() == '5' ? "dir" : entry.type() == '2' ? "symlink" : "file";
            tree.put(path, new String[] {type, String.format("%04o", entry.mode() & 07777), content});
        }
    }

    /** COPY sources (without --from, not registry) the corpus lacks: empty files, or directories when the name has no dot. */
    private static List<String> stubMissingSources(BuildPlan plan, Path context) throws IOException {
        List<String> stubs = new ArrayList<>();
        for (Stage stage : plan.stages()) {
            for (Instruction.Copy copy : stage.all(Instruction.Copy.class)) {
                if (copy.from() != null) {
                    continue;
                }
                for (String source : copy.sources()) {
                    String clean = ContextFiles.clean(source);
                    if (io.clusterimage.core.GoGlob.hasGlob(clean) || clean.equals(".") || clean.equals("registry") || clean.startsWith("registry/")
                            || Files.exists(context.resolve(clean), LinkOption.NOFOLLOW_LINKS)) {
                        continue;
                    }
                    Path stub = context.resolve(clean);
                    Files.createDirectories(stub.getParent());
                    if (stub.getFileName().toString().contains(".")) {
                        Files.createFile(stub);
                    } else {
                        Files.createDirectories(stub);
                    }
                    stubs.add(clean);
                }
            }
        }
        return stubs;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Iterator<Path> it = walk.iterator(); it.hasNext(); ) {
                Path source = it.next();
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, LinkOption.NOFOLLOW_LINKS);
                    // the modes a git checkout gives (the corpus itself is read-only)
                    if (!Files.isSymbolicLink(target)) {
                        ImageTestSupport.chmod(target, Files.isExecutable(source) ? "rwxr-xr-x" : "rw-r--r--");
                    }
                }
            }
        }
    }

    private static Path blob(Path layout, String digest) {
        return layout.resolve("blobs/sha256").resolve(Digests.hex(digest));
    }
}
