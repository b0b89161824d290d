package io.clusterimage.inventory;

import io.clusterimage.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A manifest too big for the heap ends in an error that names the file and says how to give Maven more
 * memory — not Maven's bare "Java heap space". The scan runs in a child JVM with a small heap.
 */
class ScanMemoryTest {

    @TempDir
    Path temp;

    @Test
    void runningOutOfHeapNamesTheFileAndTheRemedy() throws Exception {
        Path context = ScanFixtures.context(Files.createDirectories(temp.resolve("context")));
        Files.createDirectories(context.resolve("manifests"));
        try (BufferedWriter out = Files.newBufferedWriter(context.resolve("manifests/huge.yaml"), StandardCharsets.UTF_8)) {
            out.write("apiVersion: v1\nkind: List\nitems:\n");
            for (int i = 0; i < 400_000; i++) { // ~30 MB in one document
                out.write("- {kind: Pod, spec: {containers: [{name: c" + i + ", image: \"registry.example.com/app/c" + i + ":1.0\"}]}}\n");
            }
        }
        Process child = ChildJvm.command(ScanMain.class, List.of("60000", context.toString(), temp.resolve("work").toString()), "48m")
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(120, TimeUnit.SECONDS));

        assertEquals(2, child.exitValue(), output);
        assertTrue(output.startsWith("ERROR ran out of memory (a Java heap of "), output);
        assertTrue(output.contains("while reading manifests/huge.yaml; give Maven more with MAVEN_OPTS=-Xmx4g"), output);
    }
}
