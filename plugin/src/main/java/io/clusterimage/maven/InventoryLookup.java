package io.clusterimage.maven;

import io.clusterimage.inventory.ImageInventory;
import io.clusterimage.inventory.ImageScanner;
import io.clusterimage.inventory.InventoryReport;
import io.clusterimage.inventory.ScanOptions;
import io.clusterimage.layout.Layout;
import org.apache.maven.plugin.MojoExecutionException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The inventory scan-images made earlier in this build, or a fresh scan when the goal runs alone.
 */
final class InventoryLookup {

    static final String INVENTORY_CONTEXT_KEY = "cluster-image.inventory";

    private InventoryLookup() {
    }

    /** Keeps the inventory for the later goals of this build. */
    static void remember(AbstractClusterImageMojo mojo, ImageInventory inventory) {
        if (mojo.project != null) {
            mojo.project.setContextValue(INVENTORY_CONTEXT_KEY, inventory);
        }
    }

    static Optional<ImageInventory> inventory(AbstractClusterImageMojo mojo) throws MojoExecutionException {
        if (mojo.project != null && mojo.project.getContextValue(INVENTORY_CONTEXT_KEY) instanceof ImageInventory inventory) {
            return Optional.of(inventory);
        }
        Path written = mojo.outputDirectory.toPath().resolve(InventoryReport.IMAGES_JSON);
        if (Files.isRegularFile(written)) {
            // scan-images did not run in this build (skipped, or this goal runs alone): use its last
            // result, made with the POM's <images>, <charts>, namespace and kubeVersion
            try {
                mojo.getLog().info("cluster-image: using the image list of the last scan, " + written);
                return Optional.of(InventoryReport.read(mojo.outputDirectory.toPath()));
            } catch (IOException | RuntimeException e) {
                mojo.getLog().warn("cannot read " + written + " (" + e.getMessage() + "); scanning again");
            }
        }
        if (mojo.inputs().noKubefile()) {
            mojo.getLog().info("cluster-image: no Kubefile in " + mojo.inputs().contextDescription() + "; nothing to do");
            return Optional.empty();
        }
        try {
            Layout layout = mojo.inputs().layout();
            // no earlier scan at all: scan with defaults (run scan-images for <images>, <charts>, ...)
            ImageInventory inventory = ImageScanner.scan(layout, ScanOptions.defaults(mojo.outputDirectory.toPath().resolve("work")));
            if (!inventory.errors().isEmpty()) {
                throw new MojoExecutionException("the image scan found errors; run scan-images to see them");
            }
            return Optional.of(inventory);
        } catch (IOException e) {
            throw new MojoExecutionException("cannot scan " + mojo.contextDirectory + ": " + e.getMessage(), e);
        }
    }
}
