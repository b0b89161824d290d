package io.clusterimage.inventory;

/**
 * A value found where an image is expected, not yet validated.
 *
 * @param value    the text (quotes stripped)
 * @param line     1-based line in the scanned text
 * @param workload whether a container of a workload runs it (containers, initContainers, ...)
 */
record Candidate(String value, int line, boolean workload) {
}
