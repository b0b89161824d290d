package io.clusterimage.inventory;

import io.clusterimage.core.ContextRoot;
import io.clusterimage.core.Finding;
import io.clusterimage.layout.TarTxtEntry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code images/skopeo/tar.txt}: {@code docker-archive:|oci-archive:<path>@<repository[:tag]>} lines. */
final class TarList {

    private TarList() {
    }

    static List<TarImage> read(ContextRoot boundary, List<Finding> findings) throws IOException {
        Path context = boundary.root();
        Path file = context.resolve(TarTxtEntry.FILE);
        List<TarImage> images = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return images;
        }
        Path display = Path.of(TarTxtEntry.FILE);
        try {
            boundary.resolve(file);
        } catch (ContextRoot.LinkEscapeException e) {
            findings.add(Finding.error("scan.outside-context", display, 0, e.getMessage() + "; it is not read",
                    "copy the file into the build context instead of linking to it"));
            return images;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            Optional<TarTxtEntry> parsed;
            try {
                parsed = TarTxtEntry.parse(lines.get(i));
            } catch (TarTxtEntry.Malformed e) {
                findings.add(Finding.error("scan.tar", display, i + 1, e.getMessage(), "see validate-layout's finding for this line"));
                continue;
            }
            if (parsed.isEmpty()) {
                continue;
            }
            Optional<String> inContext = parsed.get().contextPath();
            if (inContext.isEmpty()) {
                findings.add(Finding.error("scan.tar", display, i + 1, "archive path points outside images/skopeo/",
                        "put the archive under images/skopeo/"));
                continue;
            }
            Path archive = context.resolve(inContext.get());
            try {
                boundary.resolve(archive); // saved into the image's registry: a link must not bring a file of the machine
            } catch (ContextRoot.LinkEscapeException e) {
                findings.add(Finding.error("scan.tar", display, i + 1, "archive " + e.getMessage(),
                        "copy the archive into images/skopeo/ instead of linking to it"));
                continue;
            }
            images.add(new TarImage(parsed.get().transport(), Path.of(inContext.get()), parsed.get().taggedTarget(), i + 1));
        }
        return images;
    }
}
