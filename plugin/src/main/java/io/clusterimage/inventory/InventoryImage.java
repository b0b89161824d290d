package io.clusterimage.inventory;

import io.clusterimage.reference.ImageReference;

import java.util.List;

/**
 * One image of the inventory, de-duplicated by its canonical form, with every place it was found.
 *
 * @param reference   the parsed reference (of the first occurrence)
 * @param occurrences where it was found, in scan order
 */
public record InventoryImage(ImageReference reference, List<Occurrence> occurrences) {

    public InventoryImage {
        occurrences = List.copyOf(occurrences);
    }

    public String canonical() {
        return reference.canonical();
    }

    /** The path the image is stored under in registry/: the reference minus its registry domain. */
    public String repositoryPath() {
        return reference.repositoryPath();
    }
}
