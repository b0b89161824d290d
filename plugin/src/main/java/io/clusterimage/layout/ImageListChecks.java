package io.clusterimage.layout;

import io.clusterimage.core.Quotes;
import io.clusterimage.core.Finding;
import io.clusterimage.reference.ImageReference;
import io.clusterimage.reference.InvalidReferenceException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The hand-written image lists: {@code images/shim/*}, {@code images/skopeo/tar.txt} and
 * {@code .sealignore}. Each bad line is reported with its own line number.
 */
final class ImageListChecks {

    private static final Pattern TAR_TARGET = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\\w][\\w.-]{0,127})?");

    private final ContextPaths paths;
    private final List<Finding> findings;

    ImageListChecks(ContextPaths paths, List<Finding> findings) {
        this.paths = paths;
        this.findings = findings;
    }

    void check() throws IOException {
        Path shim = paths.root().resolve("images/shim");
        if (Files.isDirectory(shim)) {
            for (Path file : paths.regularFiles(shim)) {
                checkShimFile(file);
            }
        }
        Path tarTxt = paths.root().resolve("images/skopeo/tar.txt");
        if (Files.isRegularFile(tarTxt) && paths.staysInside(tarTxt)) {
            checkTarList(tarTxt);
        }
        Path sealignore = paths.root().resolve(".sealignore");
        if (Files.isRegularFile(sealignore) && paths.staysInside(sealignore)) {
            checkSealignore(sealignore);
        }
    }

    /** Strips surrounding blanks and one pair of matching quotes, as sealos does. */

    private void checkShimFile(Path file) throws IOException {
        List<String> lines = readLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String trimmed = lines.get(i).strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String value = Quotes.unquote(trimmed);
            if (value.startsWith("containers-storage:") || value.startsWith("docker-daemon:")) {
                findings.add(Finding.error("shim.local-transport", rel(file), i + 1,
                        "'" + value + "' reads from a local container engine, which this build does not use",
                        "push the image to a registry and list its reference, or save it to an archive and list it in images/skopeo/tar.txt"));
                continue;
            }
            if (value.startsWith("docker-archive:") || value.startsWith("oci-archive:")) {
                // parses as repository 'docker-archive' with a tag, but sealos reads it as a transport and fails
                findings.add(Finding.error("shim.invalid-reference", rel(file), i + 1,
                        "'" + value + "' is an image archive, not an image reference; images/shim lists only registry images",
                        "list the archive in images/skopeo/tar.txt as " + value.substring(0, value.indexOf(':') + 1)
                                + "<path>@<repository[:tag]>"));
                continue;
            }
            try {
                ImageReference.parse(value);
            } catch (InvalidReferenceException e) {
                findings.add(Finding.error("shim.invalid-reference", rel(file), i + 1,
                        "'" + value + "' is not a valid image reference: " + e.reason(),
                        "write one image per line as [registry/]repository[:tag][@digest], e.g. docker.io/library/nginx:1.25"));
            }
        }
    }

    private void checkTarList(Path file) throws IOException {
        List<String> lines = readLines(file);
        for (int i = 0; i < lines.size(); i++) {
            Optional<TarTxtEntry> parsed;
            try {
                parsed = TarTxtEntry.parse(lines.get(i));
            } catch (TarTxtEntry.Malformed e) {
                findings.add(Finding.error("tar.format", rel(file), i + 1, e.getMessage(),
                        "write e.g. docker-archive:calico.tar@calico/cni:v3.20.0 (the path is relative to images/skopeo/)"));
                continue;
            }
            if (parsed.isEmpty()) {
                continue;
            }
            String entry = lines.get(i).strip();
            String archive = parsed.get().archive();
            String target = parsed.get().target();
            Optional<String> inContext = parsed.get().contextPath();
            if (parsed.get().namesNoFile()) {
                findings.add(Finding.error("tar.format", rel(file), i + 1,
                        "'" + entry + "' names no archive file before the '@'",
                        "write e.g. docker-archive:calico.tar@calico/cni:v3.20.0 (the path is relative to images/skopeo/)"));
            } else if (inContext.isEmpty()) {
                findings.add(Finding.error("tar.outside-context", rel(file), i + 1,
                        "archive path '" + archive + "' points outside images/skopeo/",
                        "put the archive under images/skopeo/ and name it relative to that directory"));
            } else if (!paths.staysInside(paths.root().resolve(inContext.get()))) {
                findings.add(Finding.error("tar.outside-context", rel(file), i + 1,
                        "archive '" + inContext.get() + "' leads outside the build context through a symbolic link",
                        "copy the archive into images/skopeo/ instead of linking to it"));
            } else if (!Files.isRegularFile(paths.root().resolve(inContext.get()))) {
                findings.add(Finding.error("tar.missing-archive", rel(file), i + 1,
                        "archive '" + inContext.get() + "' does not exist",
                        "create it (e.g. skopeo copy docker://<image> docker-archive:images/skopeo/" + archive + ") or remove the line"));
            }
            if (!TAR_TARGET.matcher(target).matches()) {
                findings.add(Finding.error("tar.target", rel(file), i + 1,
                        "target '" + target + "' is not a repository path with an optional tag",
                        "write the repository without registry domain, e.g. calico/cni:v3.20.0"));
            }
        }
    }

    private void checkSealignore(Path file) throws IOException {
        List<String> lines = readLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty()) {
                continue;
            }
            if (!line.equals(line.strip())) {
                findings.add(Finding.warning("sealignore.blanks", rel(file), i + 1,
                        "the line has leading or trailing blanks; sealos matches lines exactly, so it can never match",
                        "remove the blanks"));
                continue;
            }
            if (line.startsWith("#")) {
                findings.add(Finding.warning("sealignore.comment", rel(file), i + 1,
                        ".sealignore has no comments; this line is compared with image names and can never match",
                        "remove the line"));
                continue;
            }
            try {
                ImageReference.parse(line);
            } catch (InvalidReferenceException e) {
                findings.add(Finding.warning("sealignore.never-matches", rel(file), i + 1,
                        "'" + line + "' is not an image reference (" + e.reason() + "), so it can never match an image",
                        "write the image as it is found, e.g. docker.io/library/nginx:1.25"));
            }
        }
    }

    private static List<String> readLines(Path file) throws IOException {
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(List.of(text.split("\r?\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    private Path rel(Path path) {
        return Path.of(paths.relativize(path));
    }
}
