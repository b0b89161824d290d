package io.clusterimage.testing;

import io.clusterimage.inventory.ImageInventory;
import io.clusterimage.inventory.ImageScanner;
import io.clusterimage.inventory.ScanOptions;
import io.clusterimage.layout.Layout;
import io.clusterimage.layout.LayoutOptions;
import io.clusterimage.layout.LayoutReader;

import java.io.IOException;
import java.nio.file.Path;

/** validate-layout and scan-images of the context {@code args[0]} in a child JVM: prints the images, or the error. */
public final class ScanMain {

    private ScanMain() {
    }

    public static void main(String[] args) {
        try {
            Layout layout = LayoutReader.read(LayoutOptions.of(Path.of(args[0])));
            ImageInventory inventory = ImageScanner.scan(layout, ScanOptions.defaults(Path.of(args[1])));
            System.out.println("images " + inventory.canonicalReferences().size());
        } catch (IOException e) {
            System.out.println("error " + e.getMessage());
            System.exit(2);
        }
    }
}
