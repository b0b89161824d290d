package io.clusterimage.inventory;

import io.clusterimage.core.ContentMemo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;

import static io.clusterimage.inventory.ScanFixtures.context;
import static io.clusterimage.inventory.ScanFixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A scan after an edit reads only the manifest files whose content changed: the others' images, findings and
 * workload uses come from the last scan, and the inventory is the one a scan from scratch makes.
 */
class ManifestMemoTest {

    @TempDir
    Path ctx;

    @TempDir
    Path work;

    @TempDir
    Path out;

    private static String pod(String name, String image) {
        return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name + "\nspec:\n  containers:\n    - name: c\n      image: " + image + "\n";
    }

    private ImageInventory scan(boolean failOnUnresolved) throws Exception {
        ScanOptions options = new ScanOptions(List.of(), Map.of(), "", null, failOnUnresolved, work);
        ContentMemo contents = ContentMemo.load(out);
        ImageInventory inventory = ScanFixtures.scan(ctx, options.withContents(contents));
        contents.save();
        return inventory;
    }

    private ImageInventory fromScratch(boolean failOnUnresolved) throws Exception {
        return ScanFixtures.scan(ctx, new ScanOptions(List.of(), Map.of(), "", null, failOnUnresolved, work.resolve("scratch")));
    }

    /** Images with every place, findings and the completeness check: the same as a scan that reads every file. */
    private void assertSameAsFromScratch(ImageInventory scanned, boolean failOnUnresolved) throws Exception {
        ImageInventory expected = fromScratch(failOnUnresolved);
        assertEquals(expected.images(), scanned.images());
        assertEquals(expected.findings(), scanned.findings());
    }

    @Test
    void onlyTheChangedFileIsReadAgain() throws Exception {
        context(ctx);
        Path a = write(ctx, "manifests/a.yaml", pod("a", "example.com/a:1") + "---\n" + pod("a2", "example.com/shared:1"));
        write(ctx, "manifests/b.yaml", pod("b", "example.com/b:1") + "---\n" + pod("bad", "not a reference!"));
        write(ctx, "manifests/c.yaml.tmpl", "image: example.com/c:{{ .Tag }}\nimage: example.com/t:1\n");
        assertSameAsFromScratch(scan(false), false);

        // a's bytes change with its size, time and inode kept (nothing but a deliberate `touch -r` does this): the
        // content memo knows its old hash, so the scan takes a's old images without reading it — the proof it is not read
        FileTime time = Files.getLastModifiedTime(a);
        Files.writeString(a, pod("a", "example.com/x:1") + "---\n" + pod("a2", "example.com/shared:1"));
        Files.setLastModifiedTime(a, time);
        write(ctx, "manifests/b.yaml", pod("b", "example.com/b:2") + "---\n" + pod("bad", "not a reference!"));
        ImageInventory second = scan(false);
        assertEquals(List.of("example.com/a:1", "example.com/b:2", "example.com/shared:1", "example.com/t:1"),
                second.canonicalReferences(), "b read again, a not");

        Files.setLastModifiedTime(a, FileTime.fromMillis(time.toMillis() + 1_000)); // now its identity changed
        ImageInventory third = scan(false);
        assertEquals(List.of("example.com/b:2", "example.com/shared:1", "example.com/t:1", "example.com/x:1"), third.canonicalReferences());
        assertSameAsFromScratch(third, false);

        // an unresolved image: a warning, or an error with failOnUnresolved; the memo of one is not the other's
        assertSameAsFromScratch(scan(true), true);
        assertSameAsFromScratch(scan(false), false);

        Files.delete(ctx.resolve("manifests/b.yaml"));
        assertSameAsFromScratch(scan(false), false);
        assertEquals(List.of("example.com/shared:1", "example.com/t:1", "example.com/x:1"), scan(false).canonicalReferences());
    }

    @Test
    void aDamagedMemoOnlyCostsReadingEveryFile() throws Exception {
        context(ctx);
        write(ctx, "manifests/a.yaml", pod("a", "example.com/a:1"));
        scan(false);
        Files.writeString(work.resolve("manifest-memo.json"), "{\"x\": {\"images\": [{\"kind\": \"NO_SUCH_KIND\"}]}, broken");
        assertSameAsFromScratch(scan(false), false);
        Files.writeString(work.resolve("manifest-memo.json"), "{\"x\": {\"images\": [{\"kind\": \"NO_SUCH_KIND\"}]}}");
        assertSameAsFromScratch(scan(false), false);
    }
}
