package io.clusterimage.inventory;

import io.clusterimage.core.Finding;
import io.clusterimage.core.Severity;

import java.util.List;

/**
 * Every image the application uses: what save-registry pulls and package-image ships.
 *
 * @param images    registry images, sorted by canonical reference
 * @param tarImages images read from archives (images/skopeo/tar.txt)
 * @param ignored   images found but dropped because .sealignore lists them
 * @param findings  unresolved references, images a workload runs that are not in the bundle, ...
 * @param built     images the POM declares as archives of other tools of the build; each is in
 *                  {@code images} too (source {@code built}), and is saved from its file, not pulled
 */
public record ImageInventory(List<InventoryImage> images, List<TarImage> tarImages, List<InventoryImage> ignored,
                             List<Finding> findings, List<DeclaredArchive> built) {

    public ImageInventory {
        images = List.copyOf(images);
        tarImages = List.copyOf(tarImages);
        ignored = List.copyOf(ignored);
        findings = List.copyOf(findings);
        built = List.copyOf(built);
    }

    /** Without declared archives. */
    public ImageInventory(List<InventoryImage> images, List<TarImage> tarImages, List<InventoryImage> ignored,
                          List<Finding> findings) {
        this(images, tarImages, ignored, findings, List.of());
    }

    public List<String> canonicalReferences() {
        return images.stream().map(InventoryImage::canonical).toList();
    }

    public List<Finding> errors() {
        return findings.stream().filter(f -> f.severity() == Severity.ERROR).toList();
    }
}
