package io.clusterimage;

import io.clusterimage.image.BuiltImage;
import io.clusterimage.image.ImageBuildOptions;
import io.clusterimage.image.ImageBuilder;
import io.clusterimage.image.ImageReports;
import io.clusterimage.image.OciArchiveWriter;
import io.clusterimage.inventory.ImageInventory;
import io.clusterimage.inventory.ImageScanner;
import io.clusterimage.inventory.InventoryReport;
import io.clusterimage.inventory.ScanOptions;
import io.clusterimage.layout.Layout;
import io.clusterimage.layout.LayoutOptions;
import io.clusterimage.layout.LayoutReader;
import io.clusterimage.layout.ValidationReport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * What a build after a manifest edit runs, in engine calls: check the layout, write its report; scan, write
 * images.json; build the image and write the archive and image.json. {@link EditPathClassesTest} runs it in a class
 * loader without Jackson.
 */
public final class EditPathDriver {

    private EditPathDriver() {
    }

    /** Called reflectively, through the isolated loader. */
    public static String run(Path context, Path out) throws Exception {
        Layout layout = LayoutReader.read(LayoutOptions.of(context));
        ValidationReport.write(layout, out.resolve("validation.json"));
        ImageInventory inventory = ImageScanner.scan(layout, ScanOptions.defaults(out.resolve("scan-work")));
        InventoryReport.write(inventory, out);
        InventoryReport.read(out);
        BuiltImage image = ImageBuilder.build(layout.kubefile().orElseThrow(), ImageBuildOptions.of(context, out.resolve("image-work")));
        Path archive = out.resolve("image.tar");
        OciArchiveWriter.write(image, "edit-path:1", Instant.EPOCH, archive);
        ImageReports.write(out, image, "edit-path:1", archive, null);
        return Files.readString(out.resolve("images.txt")) + image.digest();
    }
}
