package io.clusterimage.inventory;

import io.clusterimage.core.ContextRoot;
import io.clusterimage.core.Finding;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code images/skopeo/tar.txt}: {@code docker-archive:|oci-archive:<path>@<repository[:tag]>} lines. */
final class TarList {

    private TarList() {
    }

    static List<TarImage> read(ContextRoot boundary, List<Finding> findings) throws IOException {
        Path context = boundary.root();
        Path file = context.resolve("images/skopeo/tar.txt");
        List<TarImage> images = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return images;
        }
        Path display = Path.of("images/skopeo/tar.txt");
        try {
            boundary.resolve(file);
        } catch (ContextRoot.LinkEscapeException e) {
            findings.add(Finding.error("scan.outside-context", display, 0, e.getMessage() + "; it is not read",
                    "copy the file into the build context instead of linking to it"));
            return images;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Path base = context.resolve("images/skopeo").toAbsolutePath().normalize();
        for (int i = 0; i < lines.size(); i++) {
            String entry = lines.get(i).strip();
            if (entry.isEmpty() || entry.startsWith("#")) {
                continue;
            }
            int colon = entry.indexOf(':');
            int at = entry.indexOf('@');
            String transport = colon < 0 ? "" : entry.substring(0, colon);
            if (!(transport.equals("docker-archive") || transport.equals("oci-archive")) || at < colon) {
                findings.add(Finding.error("scan.tar", display, i + 1, "'" + entry + "' is not of the form"
                        + " docker-archive:<path>@<repository[:tag]>", "see validate-layout's finding for this line"));
                continue;
            }
            // sealos joins with Go's path.Join, so "/x.tar" is images/skopeo/x.tar too (as validate-layout reads it)
            Path archive = Path.of(base + "/" + entry.substring(colon + 1, at)).normalize();
            if (!archive.startsWith(base)) {
                findings.add(Finding.error("scan.tar", display, i + 1, "archive path points outside images/skopeo/",
                        "put the archive under images/skopeo/"));
                continue;
            }
            try {
                boundary.resolve(archive); // saved into the image's registry: a link must not bring a file of the machine
            } catch (ContextRoot.LinkEscapeException e) {
                findings.add(Finding.error("scan.tar", display, i + 1, "archive " + e.getMessage(),
                        "copy the archive into images/skopeo/ instead of linking to it"));
                continue;
            }
            String target = entry.substring(at + 1);
            if (!target.contains(":") || target.lastIndexOf(':') < target.lastIndexOf('/')) {
                target = target + ":latest";
            }
            images.add(new TarImage(transport, context.toAbsolutePath().normalize().relativize(archive), target, i + 1));
        }
        return images;
    }
}
