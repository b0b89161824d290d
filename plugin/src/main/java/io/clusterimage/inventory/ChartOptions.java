package io.clusterimage.inventory;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the POM says about rendering one chart, on top of what sealos does (chart defaults plus
 * {@code charts/<name>.values.yaml}).
 *
 * @param valuesFiles extra values files, applied in order after {@code <name>.values.yaml}
 * @param set         {@code --set} values, applied last
 */
public record ChartOptions(List<Path> valuesFiles, Map<String, String> set) {

    public static final ChartOptions NONE = new ChartOptions(List.of(), Map.of());

    public ChartOptions {
        valuesFiles = List.copyOf(valuesFiles);
        set = Map.copyOf(set);
    }
}
