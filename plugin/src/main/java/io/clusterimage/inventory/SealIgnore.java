package io.clusterimage.inventory;

import io.clusterimage.reference.ImageReference;

import java.util.List;
import java.util.Optional;

/** The rule by which {@code .sealignore} leaves an image out of the bundle, as sealos applies it. */
final class SealIgnore {

    private SealIgnore() {
    }

    /**
     * sealos drops an image when a .sealignore line equals it exactly (in its normalized form for
     * manifests and charts, as written for shim lines); a line is also matched by canonical form, so
     * {@code nginx} drops {@code docker.io/library/nginx:latest}.
     */
    static boolean drops(List<String> ignoreLines, InventoryImage image) {
        if (image.occurrences().stream().anyMatch(o -> o.kind() == SourceKind.BUILT)) {
            return false; // the POM declares its archive explicitly, and save-registry stores it: it is in the bundle
        }
        for (String line : ignoreLines) {
            if (line.equals(image.reference().sealosForm()) || line.equals(image.canonical())
                    || image.occurrences().stream().anyMatch(o -> o.written().equals(line))) {
                return true;
            }
            Optional<ImageReference> parsed = References.parse(line);
            if (parsed.isPresent() && parsed.get().canonical().equals(image.canonical())) {
                return true;
            }
        }
        return false;
    }
}
