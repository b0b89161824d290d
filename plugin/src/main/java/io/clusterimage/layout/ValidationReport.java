package io.clusterimage.layout;

import io.clusterimage.core.AtomicFiles;
import io.clusterimage.core.Finding;
import io.clusterimage.core.JsonArray;
import io.clusterimage.core.JsonObject;
import io.clusterimage.core.JsonWriter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Writes {@code validation.json}: the findings of validate-layout for tools, IDEs and CI; and the findings as
 * the log showed them, so that a rebuild of an unchanged layout shows its warnings again.
 */
public final class ValidationReport {

    private ValidationReport() {
    }

    /** Writes the report atomically (temp file + rename), so a reader never sees half a file. */
    public static void write(Layout layout, Path target) throws IOException {
        JsonObject root = new JsonObject();
        root.put("contextDirectory", layout.contextDir().toString());
        root.put("kubefile", layout.kubefilePath().map(p -> layout.contextDir().relativize(p).toString()).orElse(null));
        root.put("errors", layout.errors().size());
        root.put("warnings", layout.warnings().size());
        JsonArray findings = root.putArray("findings");
        for (Finding finding : layout.findings()) {
            finding.writeTo(findings.addObject());
        }
        AtomicFiles.write(target, JsonWriter.pretty(root));
    }

    /** The findings as the log shows them, one {@code SEVERITY<tab>text} line each, written atomically. */
    public static void writeShown(List<Finding> findings, Path file) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (Finding finding : findings) {
            lines.append(finding.severity()).append('\t').append(finding.describe().replace('\n', ' ')).append('\n');
        }
        AtomicFiles.write(file, lines.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Shows again what {@link #writeShown} wrote, each warning to {@code warn} and every other line to {@code info}.
     *
     * @return how many warnings there were
     */
    public static long replayShown(Path file, Consumer<String> info, Consumer<String> warn) throws IOException {
        long warnings = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int tab = line.indexOf('\t');
            String severity = tab < 0 ? "INFO" : line.substring(0, tab);
            if (severity.equals("WARNING")) {
                warnings++;
                warn.accept(line.substring(tab + 1));
            } else {
                info.accept(line.substring(tab + 1));
            }
        }
        return warnings;
    }
}
