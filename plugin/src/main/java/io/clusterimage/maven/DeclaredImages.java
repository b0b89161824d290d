package io.clusterimage.maven;

import io.clusterimage.inventory.DeclaredArchive;
import org.apache.maven.plugin.MojoExecutionException;

import java.util.ArrayList;
import java.util.List;

/**
 * The images the POM declares that other tools of the build (or Jib, here) make: the {@code <imageArchives>}, then
 * the {@code <appImages>}, checked. scan-images lists them as built, save-registry stores them from their files.
 *
 * @param all              the {@code <imageArchives>}, then the {@code <appImages>}
 * @param fromImageArchives how many of them the {@code <imageArchives>} declare
 */
record DeclaredImages(List<DeclaredArchive> all, int fromImageArchives) {

    static DeclaredImages of(AbstractClusterImageMojo mojo) throws MojoExecutionException {
        List<DeclaredArchive> all = new ArrayList<>(ImageArchiveConfig.resolve(mojo.imageArchives, mojo));
        int fromImageArchives = all.size();
        all.addAll(AppImageConfig.declared(mojo.appImages, all, mojo.outputDirectory));
        return new DeclaredImages(List.copyOf(all), fromImageArchives);
    }

    List<DeclaredArchive> imageArchives() {
        return all.subList(0, fromImageArchives);
    }

    List<DeclaredArchive> appImages() {
        return all.subList(fromImageArchives, all.size());
    }

    /** How scan-images' summary counts them: {@code " (1 from <imageArchives>, 2 from <appImages>)"}, or nothing. */
    String counts() {
        List<String> parts = new ArrayList<>();
        if (fromImageArchives > 0) {
            parts.add(fromImageArchives + " from <imageArchives>");
        }
        if (!appImages().isEmpty()) {
            parts.add(appImages().size() + " from <appImages>");
        }
        return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
    }
}
