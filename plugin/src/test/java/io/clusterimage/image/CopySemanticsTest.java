package io.clusterimage.image;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.clusterimage.image.ImageTestSupport.AMD64;
import static io.clusterimage.image.ImageTestSupport.files;
import static io.clusterimage.image.ImageTestSupport.registryTree;
import static io.clusterimage.image.ImageTestSupport.strings;
import static io.clusterimage.image.ImageTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * COPY as Docker and buildah do it (checked against buildah 1.28 by hand where they agree; where they
 * differ the test says which one it follows).
 */
class CopySemanticsTest {

    @TempDir
    Path temp;

    private Path context;

    @BeforeEach
    void layout() throws Exception {
        context = Files.createDirectories(temp.resolve("context"));
        write(context, "manifests/a.yaml", "a");
        write(context, "manifests/b.yaml", "b");
        write(context, "manifests/c.tmp", "t");
        write(context, "charts/x/Chart.yaml", "c");
        write(context, "README.md", "r");
        write(context, "NOTES.md", "n");
        write(context, "docs/guide.md", "g");
        write(context, "one.txt", "1");
        write(context, "two.txt", "2");
    }

    private BuiltImage build(String kubefile) throws Exception {
        write(context, "Kubefile", kubefile);
        return ImageTestSupport.build(kubefile, context, temp.resolve("work"));
    }

    private TreeMap<String, String> tree(String kubefile) throws Exception {
        return files(build(kubefile).platforms().get(0));
    }

    private static TreeMap<String, String> expected(String... pairs) {
        TreeMap<String, String> map = new TreeMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    private static final String DIR = "d 0755 0:0";

    private static String file(String content) {
        return "f 0644 0:0 " + content;
    }

    @Test
    void aDirectorySourceCopiesItsContentsNotTheDirectory() throws Exception {
        assertEquals(expected("dest", DIR, "dest/a.yaml", file("a"), "dest/b.yaml", file("b"), "dest/c.tmp", file("t"),
                        "x", DIR, "x/Chart.yaml", file("c")),
                tree("FROM scratch\nCOPY manifests /dest\nCOPY charts /\n"));
    }

    @Test
    void aFileGoesIntoADirectoryWhenTheDestinationEndsWithASlashOrIsADirectory() throws Exception {
        assertEquals(expected("dir", file("1"), "dir2", DIR, "dir2/two.txt", file("2"),
                        "m", DIR, "m/a.yaml", file("a"), "m/b.yaml", file("b"), "m/c.tmp", file("t"), "m/one.txt", file("1")),
                tree("""
                        FROM scratch
                        COPY one.txt dir
                        COPY two.txt dir2/
                        COPY manifests m
                        COPY one.txt m
                        """));
    }

    @Test
    void severalSourcesGoIntoTheDestinationDirectory() throws Exception {
        TreeMap<String, String> into = expected("dest", DIR, "dest/one.txt", file("1"), "dest/two.txt", file("2"));
        assertEquals(into, tree("FROM scratch\nCOPY one.txt two.txt dest/\n"));
        // without the slash Docker refuses; buildah (what sealos builds with) copies into the directory, as we do
        assertEquals(into, tree("FROM scratch\nCOPY one.txt two.txt dest\n"));
    }

    @Test
    void globsMatchFilesAndDirectoriesWhoseContentsAreCopied() throws Exception {
        assertEquals(expected("out", DIR, "out/a.yaml", file("a"), "out/b.yaml", file("b")),
                tree("FROM scratch\nCOPY manifests/*.yaml out/\n"));
        assertEquals(expected("out", DIR, "out/x", DIR, "out/x/Chart.yaml", file("c")),
                tree("FROM scratch\nCOPY ch* out/\n"));
        assertEquals(expected("single", file("a")), tree("FROM scratch\nCOPY m?nifests/[a].yaml single\n"));
        assertEquals(expected("c", DIR, "c/Chart.yaml", file("c")), tree("FROM scratch\nCOPY charts/*/Chart.yaml c/\n"));
    }

    @Test
    void relativeDestinationsAreTakenFromTheWorkdir() throws Exception {
        BuiltImage image = build("""
                FROM scratch
                WORKDIR /app/sub
                COPY one.txt .
                COPY two.txt w/
                WORKDIR ../other
                COPY manifests/a.yaml ./
                """);
        assertEquals(expected("app", DIR, "app/other", DIR, "app/other/a.yaml", file("a"), "app/sub", DIR,
                "app/sub/one.txt", file("1"), "app/sub/w", DIR, "app/sub/w/two.txt", file("2")), files(image.platforms().get(0)));
        assertEquals("/app/other", ImageTestSupport.config(image.platforms().get(0)).at("/config/WorkingDir").asText());
    }

    @Test
    void dockerignoreExcludesAndReincludes() throws Exception {
        write(context, ".dockerignore", "*.md\n!README.md\nmanifests/*.tmp\ndocs\nKubefile\n");
        assertEquals(expected(".dockerignore", file("*.md\n!README.md\nmanifests/*.tmp\ndocs\nKubefile\n"), "README.md", file("r"),
                        "charts", DIR, "charts/x", DIR, "charts/x/Chart.yaml", file("c"),
                        "manifests", DIR, "manifests/a.yaml", file("a"), "manifests/b.yaml", file("b"),
                        "one.txt", file("1"), "two.txt", file("2")),
                tree("FROM scratch\nCOPY . .\n"));
        assertEquals(expected("m", DIR, "m/a.yaml", file("a"), "m/b.yaml", file("b"), "mds", DIR, "mds/README.md", file("r")),
                tree("FROM scratch\nCOPY manifests m/\nCOPY *.md mds/\n"));
    }

    @Test
    void aDirectoryExcludedExceptForOneFileKeepsThatFile() throws Exception {
        write(context, ".dockerignore", "docs\n!docs/guide.md\nmanifests\n");
        write(context, "docs/other.md", "o");
        TreeMap<String, String> tree = tree("FROM scratch\nCOPY . /c\n");
        assertEquals(file("g"), tree.get("c/docs/guide.md"));
        assertFalse(tree.containsKey("c/docs/other.md"));
        assertFalse(tree.containsKey("c/manifests"), tree.toString());
    }

    @Test
    void excludePatternsAreMatchedRelativeToEachSourceAndMayRepeat() throws Exception {
        write(context, "manifests/sub/d.yaml", "d");
        write(context, "manifests/sub/e.tmp", "e");
        // *.tmp: only the top level of the directory; **/*.tmp everywhere; a second --exclude adds to the first
        assertEquals(expected("m", DIR, "m/a.yaml", file("a"), "m/b.yaml", file("b"), "m/sub", DIR, "m/sub/d.yaml", file("d"),
                        "m/sub/e.tmp", file("e")),
                tree("FROM scratch\nCOPY --exclude=*.tmp manifests m/\n"));
        assertEquals(expected("m", DIR, "m/b.yaml", file("b"), "m/sub", DIR, "m/sub/d.yaml", file("d")),
                tree("FROM scratch\nCOPY --exclude=**/*.tmp --exclude=a.yaml manifests m/\n"));
        // a file source is matched by its name; a glob's matches one by one
        assertEquals(expected("t", DIR, "t/two.txt", file("2")), tree("FROM scratch\nCOPY --exclude=one.txt *.txt t/\n"));
        // an excluded directory goes with its contents, unless ! brings something back
        assertEquals(expected("m", DIR, "m/a.yaml", file("a"), "m/b.yaml", file("b"), "m/c.tmp", file("t")),
                tree("FROM scratch\nCOPY --exclude=sub manifests m/\n"));
        assertEquals(expected("m", DIR, "m/a.yaml", file("a"), "m/b.yaml", file("b"), "m/c.tmp", file("t"), "m/sub", DIR,
                        "m/sub/d.yaml", file("d")),
                tree("FROM scratch\nCOPY --exclude=sub --exclude=!sub/d.yaml manifests m/\n"));
        // build args in patterns; and from a stage
        assertEquals(expected("m", DIR, "m/c.tmp", file("t"), "m/sub", DIR, "m/sub/e.tmp", file("e")),
                tree("FROM scratch AS src\nCOPY manifests /m\nFROM scratch\nARG KIND=yaml\n"
                        + "COPY --from=src --exclude=**/*.${KIND} /m /m\n"));
    }

    @Test
    void parentsKeepEachSourcesPathUnderTheDestination() throws Exception {
        write(context, "charts/y/Chart.yaml", "y");
        assertEquals(expected("out", DIR, "out/charts", DIR, "out/charts/x", DIR, "out/charts/x/Chart.yaml", file("c"),
                        "out/charts/y", DIR, "out/charts/y/Chart.yaml", file("y"), "out/docs", DIR, "out/docs/guide.md", file("g")),
                tree("FROM scratch\nCOPY --parents charts/*/Chart.yaml docs/guide.md /out/\n"));
        // a directory keeps its own name; /./ marks where the kept path starts
        assertEquals(expected("out", DIR, "out/charts", DIR, "out/charts/x", DIR, "out/charts/x/Chart.yaml", file("c"),
                        "out/charts/y", DIR, "out/charts/y/Chart.yaml", file("y"), "out/x", DIR, "out/x/Chart.yaml", file("c")),
                tree("FROM scratch\nCOPY --parents charts ./charts/./x/Chart.yaml /out/\n"));
        // --parents=false is the ordinary COPY
        assertEquals(expected("out", DIR, "out/Chart.yaml", file("c")), tree("FROM scratch\nCOPY --parents=false charts/x/Chart.yaml /out/\n"));
        assertThrows(ImageBuildException.class,
                () -> build("FROM scratch AS src\nCOPY charts /c\nFROM scratch\nCOPY --parents --from=src /c /out/\n"));
    }

    @Test
    void copyFromAStageFindsADirectoryWhoseSiblingSharesItsNamePrefix() throws Exception {
        TreeMap<String, String> tree = tree("FROM scratch AS src\nCOPY manifests /m\nCOPY one.txt /m.txt\n"
                + "FROM scratch\nCOPY --from=src /m /out\n");
        assertEquals(file("a"), tree.get("out/a.yaml"), tree.toString());
    }

    @Test
    void keptPathsFollowThePivot() {
        assertEquals("a/b/c.txt", CopyInstruction.keptPath("a/b/c.txt", "a/b/c.txt"));
        assertEquals("b/c.txt", CopyInstruction.keptPath("./a/./b/c.txt", "a/b/c.txt"));
        assertEquals("b/c.txt", CopyInstruction.keptPath("/a/./b/*.txt", "a/b/c.txt"));
        assertEquals("x/c.txt", CopyInstruction.keptPath("a/b/./*/c.txt", "a/b/x/c.txt"));
    }

    @Test
    void chownAndChmodApplyToWhatIsCopied() throws Exception {
        TreeMap<String, String> tree = tree("""
                FROM scratch
                COPY --chown=65532:65532 --chmod=0700 charts /deep/c/
                COPY --chown=65532:65532 one.txt /x/y/z.txt
                COPY --chown=7 two.txt /x/
                """);
        assertEquals("d 0700 65532:65532", tree.get("deep/c/x"));
        assertEquals("f 0700 65532:65532 c", tree.get("deep/c/x/Chart.yaml"));
        assertEquals("f 0644 65532:65532 1", tree.get("x/y/z.txt"));
        assertEquals("f 0644 7:7 2", tree.get("x/two.txt"));
        // directories the COPY creates belong to the --chown owner, as buildah and BuildKit make them
        assertEquals("d 0755 65532:65532", tree.get("deep"));
        assertEquals("d 0755 65532:65532", tree.get("x/y"));
    }

    @Test
    void laterCopiesDoNotResetTheOwnerOfExistingParentDirectories() throws Exception {
        BuiltImage image = build("""
                FROM scratch
                COPY --chown=65532:65532 one.txt /data/
                COPY two.txt /data/sub/
                COPY --chown=7:7 manifests /data/m
                """);
        TreeMap<String, String> merged = files(image.platforms().get(0));
        assertEquals("d 0755 65532:65532", merged.get("data"));
        assertEquals("d 0755 0:0", merged.get("data/sub"));
        assertEquals("d 0755 7:7", merged.get("data/m"));
        // every layer that repeats data/ repeats it as it is
        for (Layer layer : image.platforms().get(0).layers()) {
            assertEquals("d 0755 65532:65532", ImageTestSupport.entries(layer).get("data").describe());
        }
    }

    @Test
    void aSymbolicLinkNamedAsSourceIsFollowedOneInsideADirectoryIsKept() throws Exception {
        Files.createSymbolicLink(context.resolve("link.txt"), Path.of("one.txt"));
        Files.createSymbolicLink(context.resolve("mlink"), Path.of("manifests"));
        Files.createDirectories(context.resolve("withlink"));
        Files.createSymbolicLink(context.resolve("withlink/l"), Path.of("../one.txt"));
        // as buildah 1.28 and Docker do
        assertEquals(expected("a", file("1"), "m", DIR, "m/a.yaml", file("a"), "m/b.yaml", file("b"), "m/c.tmp", file("t"),
                        "w", DIR, "w/l", "l -> ../one.txt"),
                tree("FROM scratch\nCOPY link.txt /a\nCOPY mlink /m/\nCOPY withlink /w\n"));
    }

    @Test
    void copyFromAnEarlierStage() throws Exception {
        TreeMap<String, String> tree = tree("""
                FROM scratch AS base
                COPY manifests /m
                FROM base AS mid
                COPY one.txt /o/
                FROM scratch
                COPY --from=mid /m/a.yaml /o/one.txt /got/
                COPY --from=0 /m /all
                COPY --from=base --chown=5:5 m/b.yaml /b.yaml
                WORKDIR /w
                COPY --from=mid /o/one.txt .
                COPY --from=mid /o/one.txt /all
                """);
        assertEquals(expected("all", DIR, "all/a.yaml", file("a"), "all/b.yaml", file("b"), "all/c.tmp", file("t"),
                "all/one.txt", file("1"), "b.yaml", "f 0644 5:5 b", "got", DIR, "got/a.yaml", file("a"), "got/one.txt", file("1"),
                "w", DIR, "w/one.txt", file("1")), tree);
    }

    @Test
    void aStageFromAnEarlierStageInheritsItsConfigAndFiles() throws Exception {
        BuiltImage image = build("""
                FROM scratch AS base
                ENV A=1
                LABEL from=base
                WORKDIR /w
                COPY manifests m
                FROM base
                ENV B=2
                COPY one.txt .
                """);
        PlatformImage platform = image.platforms().get(0);
        JsonNode config = ImageTestSupport.config(platform).get("config");
        assertEquals(List.of(ImageBuilder.DEFAULT_PATH, "A=1", "B=2"), strings(config.get("Env")));
        assertEquals("base", config.at("/Labels/from").asText());
        assertEquals("/w", config.get("WorkingDir").asText());
        assertEquals(2, platform.layers().size());
        assertEquals(expected("w", DIR, "w/m", DIR, "w/m/a.yaml", file("a"), "w/m/b.yaml", file("b"), "w/m/c.tmp", file("t"),
                "w/one.txt", file("1")), files(platform));
    }

    @Test
    void copyDotSkipsTheBuildDirectoryAndTakesTheGeneratedRegistry() throws Exception {
        write(context, "target/classes/x.class", "x");
        write(context, "target/cluster-image/linux_amd64/registry/stale", "s");
        Path tree = registryTree(temp.resolve("save/registry"), "library/nginx", "amd64");
        write(context, "Kubefile", "FROM scratch\nCOPY . .\n");
        BuiltImage image = ImageTestSupport.build("FROM scratch\nCOPY . .\n",
                ImageTestSupport.options(context, temp.resolve("work"), platform -> tree, List.of(AMD64)));
        TreeMap<String, String> files = files(image.platforms().get(0));
        assertTrue(files.keySet().stream().noneMatch(p -> p.startsWith("target")), files.keySet().toString());
        assertEquals(DIR, files.get("registry"));
        java.util.TreeSet<String> registry = new java.util.TreeSet<>();
        files.forEach((path, entry) -> {
            if (path.startsWith("registry/")) {
                registry.add(path.substring("registry/".length()));
                assertTrue(entry.startsWith(entry.startsWith("d") ? DIR : "f 0644 0:0 "), path + " " + entry);
            }
        });
        assertEquals(ImageTestSupport.tree(tree).keySet(), registry);
    }

    @Test
    void copyDotTakesTheGeneratedRegistryEvenWhenTheContextHasARegistryDirectory() throws Exception {
        // a committed registry/ (an empty one kept with .gitkeep, say) must not hide the saved images
        write(context, "registry/.gitkeep", "");
        Path tree = registryTree(temp.resolve("save/registry"), "library/nginx", "amd64");
        String kubefile = "FROM scratch\nCOPY . .\n";
        write(context, "Kubefile", kubefile);
        BuiltImage dot = ImageTestSupport.build(kubefile,
                ImageTestSupport.options(context, temp.resolve("work"), platform -> tree, List.of(AMD64)));
        java.util.Set<String> copied = new java.util.TreeSet<>();
        files(dot.platforms().get(0)).keySet().stream().filter(p -> p.startsWith("registry/"))
                .forEach(p -> copied.add(p.substring("registry/".length())));
        // the same as COPY registry registry takes
        assertEquals(ImageTestSupport.tree(tree).keySet(), copied);
    }

    @Test
    void copyRegistryWithoutSavedImagesMakesAnEmptyDirectory() throws Exception {
        assertEquals(Map.of("registry", DIR), tree("FROM scratch\nCOPY registry registry\n"));
    }
}
