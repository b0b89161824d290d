package io.clusterimage.layout;

import java.nio.file.Path;
import java.util.List;

/**
 * A chart found under {@code charts/}: a directory or a {@code .tgz} archive.
 *
 * @param source       the directory or archive, relative to the build context
 * @param archive      whether it is a {@code .tgz}
 * @param name         {@code name} from Chart.yaml (what {@code <name>.values.yaml} refers to)
 * @param version      {@code version} from Chart.yaml
 * @param dependencies the dependencies Chart.yaml declares
 * @param location     where a chart the fetch goal placed is (absolute; its {@code source} is the path it has in
 *                     the image, {@code charts/<name>}); null for a chart of the build context
 */
public record Chart(Path source, boolean archive, String name, String version, List<Dependency> dependencies, Path location) {

    /** A chart of the build context. */
    public Chart(Path source, boolean archive, String name, String version, List<Dependency> dependencies) {
        this(source, archive, name, version, dependencies, null);
    }

    public Chart {
        dependencies = List.copyOf(dependencies);
    }

    /** A Chart.yaml dependency; {@code vendored} tells whether it is present under the chart's charts/. */
    public record Dependency(String name, String alias, String version, String condition, boolean vendored) {
    }
}
