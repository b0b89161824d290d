package io.clusterimage.inventory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a YAML file one document at a time, so that a manifest of thousands of documents is never held
 * in memory whole (nor its lines, nor the nodes of more than one document). A document starts at a line
 * that is {@code ---} alone or followed by a blank — a directives-end marker, which YAML recognises only
 * at the start of a line, also inside block scalars — and the marker stays in the document it starts.
 * Invalid UTF-8 becomes U+FFFD, as when the whole file is decoded at once.
 */
final class YamlDocuments {

    /** Receives each document's text and the file's line number of its first line. */
    @FunctionalInterface
    interface Consumer {
        void document(String text, int firstLine);
    }

    private YamlDocuments() {
    }

    static void forEach(Path file, Consumer consumer) throws IOException {
        StringBuilder current = new StringBuilder();
        int firstLine = 1;
        int number = 0;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8),
                1 << 16)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                number++;
                if (isDocumentStart(line) && current.length() > 0) {
                    consumer.document(current.toString(), firstLine);
                    current.setLength(0);
                    firstLine = number;
                }
                current.append(line).append('\n');
            }
        }
        if (current.length() > 0) {
            consumer.document(current.toString(), firstLine);
        }
    }

    static boolean isDocumentStart(String line) {
        return line.startsWith("---") && (line.length() == 3 || line.charAt(3) == ' ' || line.charAt(3) == '\t');
    }
}
