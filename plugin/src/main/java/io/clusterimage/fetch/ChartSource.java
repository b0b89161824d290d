package io.clusterimage.fetch;

/**
 * A chart the POM declares from a repository.
 *
 * @param name       the chart's name in the repository (it becomes {@code charts/<name>/})
 * @param repository {@code https://host/path} (a Helm repository, where index.yaml is) or {@code oci://host/path}
 *                   (the chart is {@code oci://host/path/<name>:<version>})
 * @param version    an exact version or a range
 * @param element    the POM element, for messages
 */
public record ChartSource(String name, String repository, String version, String element) {

    public boolean isOci() {
        return repository.startsWith("oci://");
    }
}
