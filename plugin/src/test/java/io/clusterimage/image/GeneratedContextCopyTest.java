package io.clusterimage.image;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.clusterimage.image.ImageTestSupport.AMD64;
import static io.clusterimage.image.ImageTestSupport.ARM64;
import static io.clusterimage.image.ImageTestSupport.files;
import static io.clusterimage.image.ImageTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * COPY over the build context with the fetch goal's generated context laid over it, per platform: a
 * generated directory is merged into the context's, a generated file replaces the context's, and what
 * only the generated context has is found by name and by glob; the ignore file does not apply to it.
 */
class GeneratedContextCopyTest {

    @TempDir
    Path temp;

    private Path context;
    private final Map<String, Path> generated = new TreeMap<>();

    @BeforeEach
    void layout() throws Exception {
        context = Files.createDirectories(temp.resolve("context"));
        write(context, "charts/vendored/Chart.yaml", "vendored");
        write(context, "opt/readme.txt", "context");
        write(context, "opt/tool", "context tool");
        write(context, ".dockerignore", "opt/fetched-only\n");
        for (String arch : List.of("amd64", "arm64")) {
            Path root = Files.createDirectories(temp.resolve("fetched-" + arch));
            write(root, "charts/demo/Chart.yaml", "demo");
            write(root, "opt/tool", arch + " tool");
            write(root, "opt/fetched-only", arch);
            generated.put(arch, root);
        }
    }

    private TreeMap<String, String> tree(String kubefile, int platform) throws Exception {
        write(context, "Kubefile", kubefile);
        ImageBuildOptions base = ImageTestSupport.options(context, temp.resolve("work"), p -> null, List.of(AMD64, ARM64));
        ImageBuildOptions options = base.withGeneratedContext(p -> generated.get(p.architecture()));
        return files(ImageTestSupport.build(kubefile, options).platforms().get(platform));
    }

    @Test
    void aDirectoryIsMergedAndAGeneratedFileWinsPerPlatform() throws Exception {
        TreeMap<String, String> amd64 = tree("FROM scratch\nCOPY charts charts\nCOPY opt opt\n", 0);
        assertEquals("f 0644 0:0 vendored", amd64.get("charts/vendored/Chart.yaml"));
        assertEquals("f 0644 0:0 demo", amd64.get("charts/demo/Chart.yaml"));
        assertEquals("f 0644 0:0 amd64 tool", amd64.get("opt/tool"));
        assertEquals("f 0644 0:0 context", amd64.get("opt/readme.txt"));
        assertEquals("f 0644 0:0 amd64", amd64.get("opt/fetched-only"), "the ignore file is about the repository, not the POM");
        assertEquals("f 0644 0:0 arm64 tool", tree("FROM scratch\nCOPY opt opt\n", 1).get("opt/tool"));
    }

    @Test
    void copyDotTakesTheGeneratedContextToo() throws Exception {
        TreeMap<String, String> tree = tree("FROM scratch\nCOPY . .\n", 1);
        assertEquals("f 0644 0:0 demo", tree.get("charts/demo/Chart.yaml"));
        assertEquals("f 0644 0:0 arm64 tool", tree.get("opt/tool"));
        assertEquals("f 0644 0:0 vendored", tree.get("charts/vendored/Chart.yaml"));
    }

    @Test
    void aPathOnlyTheGeneratedContextHasIsFoundByNameAndByGlob() throws Exception {
        TreeMap<String, String> tree = tree("FROM scratch\nCOPY charts/demo /demo\nCOPY opt/t* /bin/\n", 0);
        assertEquals("f 0644 0:0 demo", tree.get("demo/Chart.yaml"));
        assertEquals("f 0644 0:0 amd64 tool", tree.get("bin/tool"));
        assertFalse(tree.containsKey("charts/vendored/Chart.yaml"));
    }
}
