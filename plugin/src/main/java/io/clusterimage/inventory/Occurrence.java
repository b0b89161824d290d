package io.clusterimage.inventory;

import java.nio.file.Path;

/**
 * One place an image was found.
 *
 * @param file    relative to the build context (for charts: the template inside the chart)
 * @param line    1-based line in that file, 0 when not known (rendered chart output)
 * @param kind    what kind of source it is
 * @param written the reference exactly as written there
 */
public record Occurrence(Path file, int line, SourceKind kind, String written) {
}
