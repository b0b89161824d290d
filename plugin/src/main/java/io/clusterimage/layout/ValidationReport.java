package io.clusterimage.layout;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterimage.core.AtomicFiles;
import io.clusterimage.core.Finding;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes {@code validation.json}: the findings of validate-layout for tools, IDEs and CI.
 */
public final class ValidationReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ValidationReport() {
    }

    /** Writes the report atomically (temp file + rename), so a reader never sees half a file. */
    public static void write(Layout layout, Path target) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("contextDirectory", layout.contextDir().toString());
        root.put("kubefile", layout.kubefilePath().map(p -> layout.contextDir().relativize(p).toString()).orElse(null));
        root.put("errors", layout.errors().size());
        root.put("warnings", layout.warnings().size());
        ArrayNode findings = root.putArray("findings");
        for (Finding finding : layout.findings()) {
            finding.writeTo(findings.addObject());
        }
        AtomicFiles.write(target, out -> JSON.writeValue(out, root));
    }
}
