package io.clusterimage.inventory;

import io.clusterimage.core.AtomicFiles;
import io.clusterimage.core.ContentMemo;
import io.clusterimage.core.Fingerprint;
import io.clusterimage.core.JsonObject;
import io.clusterimage.core.JsonTree;
import io.clusterimage.core.JsonWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the scan found in each file under {@code manifests/}, kept by the file's path and content (its SHA-256 from
 * the goal's {@link ContentMemo}), whether an unresolved {@code image:} is an error, and the plugin build: a scan
 * after an edit reads only the files that changed, the others' images, findings and workload uses come from here.
 * One file, {@code manifest-memo.json} under the scan's work directory, rewritten after each scan with the files
 * of that scan only; a damaged one is ignored (every file is read).
 */
final class ManifestMemo {

    /** Bump when what is kept, or how a manifest is scanned, changes. */
    private static final String FORMAT = "manifest-memo-1";

    private final Path file;
    private final ContentMemo contents;
    private final String seed;
    private final Map<String, ChartMemo.Result> previous = new TreeMap<>();
    private final Map<String, ChartMemo.Result> kept = new TreeMap<>();

    private ManifestMemo(Path file, ContentMemo contents, String seed) {
        this.file = file;
        this.contents = contents;
        this.seed = seed;
    }

    static ManifestMemo load(ScanOptions options) {
        ManifestMemo memo = new ManifestMemo(options.workDir().resolve("manifest-memo.json"), options.contents(),
                FORMAT + "\n" + ChartMemo.pluginBuild() + "\n" + options.failOnUnresolved());
        if (Files.isRegularFile(memo.file)) {
            try {
                for (Map.Entry<String, JsonTree> entry : JsonTree.read(memo.file).fields().entrySet()) {
                    memo.previous.put(entry.getKey(), ChartMemo.read(entry.getValue()));
                }
            } catch (IOException | IllegalArgumentException e) {
                memo.previous.clear(); // damaged: every file is scanned again
            }
        }
        return memo;
    }

    /** The key of {@code file} (shown as {@code display}) as it is now. */
    String key(Path file, Path display) throws IOException {
        String content = contents.sha256(file, Files.readAttributes(file, BasicFileAttributes.class));
        return new Fingerprint(seed).add("file", display).add("content", content).value();
    }

    /** What a scan of the same file with the same content found, or null; kept for the next scan when found. */
    ChartMemo.Result take(String key) {
        ChartMemo.Result result = previous.get(key);
        if (result != null) {
            kept.put(key, result);
        }
        return result;
    }

    void put(String key, ChartMemo.Result result) {
        kept.put(key, result);
    }

    /** Writes what this scan kept (when it differs from what was read); the files no longer there drop out. */
    void save() throws IOException {
        if (kept.keySet().equals(previous.keySet())) {
            return;
        }
        JsonObject root = new JsonObject();
        kept.forEach((key, result) -> ChartMemo.write(result, root.putObject(key)));
        Files.createDirectories(file.getParent());
        AtomicFiles.write(file, JsonWriter.compact(root));
    }
}
