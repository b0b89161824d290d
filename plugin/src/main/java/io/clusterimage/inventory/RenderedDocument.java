package io.clusterimage.inventory;

import java.util.ArrayList;
import java.util.List;

/**
 * One document of Helm's rendered output, with the template it came from
 * ({@code # Source: <chart>/templates/x.yaml}).
 *
 * @param pathInsideChart the template path without the top chart's name ({@code templates/x.yaml},
 *                        {@code charts/common/templates/y.yaml}); {@code rendered} when unknown
 * @param text            the document
 */
record RenderedDocument(String pathInsideChart, String text) {

    static List<RenderedDocument> split(String manifest) {
        List<RenderedDocument> documents = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : manifest.split("\r?\n", -1)) {
            if (line.equals("---")) {
                addIfNotEmpty(documents, current.toString());
                current.setLength(0);
            } else {
                current.append(line).append('\n');
            }
        }
        addIfNotEmpty(documents, current.toString());
        return documents;
    }

    private static void addIfNotEmpty(List<RenderedDocument> documents, String text) {
        if (text.isBlank()) {
            return;
        }
        String path = "rendered";
        for (String line : text.split("\n")) {
            if (line.startsWith("# Source: ")) {
                String source = line.substring("# Source: ".length()).strip();
                int slash = source.indexOf('/');
                path = slash < 0 ? source : source.substring(slash + 1);
                break;
            }
        }
        documents.add(new RenderedDocument(path, text));
    }
}
