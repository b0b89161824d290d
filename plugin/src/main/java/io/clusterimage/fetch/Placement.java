package io.clusterimage.fetch;

import io.clusterimage.core.GoGlob;
import io.clusterimage.core.GoPath;
import io.clusterimage.core.TarReader;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Puts a downloaded chart or file into a platform's generated context. Archives are streamed, never
 * held in memory; an entry that would land outside its destination ({@code ..}, an absolute path) is
 * refused, and so are links, devices and anything but files and directories: a download can never write
 * or point outside the generated context. What is extracted is bounded in size and number, against an
 * archive made to fill the disk.
 */
final class Placement {

    static final long MAX_EXTRACTED_BYTES = 16L * 1024 * 1024 * 1024;
    static final int MAX_ENTRIES = 200_000;

    private Placement() {
    }

    /** A context-relative destination, cleaned; refuses {@code ..}, absolute paths and the generated {@code registry/}. */
    static String destination(String written, String element) throws FetchException {
        if (written == null || written.isBlank()) {
            throw new FetchException(element + " needs a <destination>: a path inside the build context, e.g. opt/helm");
        }
        String text = written.replace('\\', '/');
        if (text.startsWith("/") || text.matches("[A-Za-z]:.*") || TarReader.escapes(text)) {
            throw new FetchException(element + ": <destination> '" + written + "' leaves the build context; write a relative path"
                    + " such as opt/helm");
        }
        String cleaned = GoPath.clean(text); // cannot leave the context: escapes() said so
        if (cleaned.equals(".")) {
            throw new FetchException(element + ": <destination> '" + written + "' is the build context itself; name a directory"
                    + " or file inside it, such as opt/");
        }
        if (cleaned.equals("registry") || cleaned.startsWith("registry/")) {
            throw new FetchException(element + ": <destination> '" + written + "' is under registry/, which save-registry"
                    + " generates; put files elsewhere (opt/, bin/, manifests/)");
        }
        return cleaned + (text.endsWith("/") ? "/" : "");
    }

    /** Unpacks a chart archive ({@code <name>/...} inside a .tgz) into {@code charts/<name>/} of the generated root. */
    static void unpackChart(Path archive, String name, Path root, String element) throws FetchException, IOException {
        Path target = root.resolve("charts").resolve(name);
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(archive)))) {
            int placed = untar(in, target, List.of(), 1, null, element + " (chart " + name + ")");
            if (placed == 0) {
                throw new FetchException(element + ": the archive of chart " + name + " holds no files; it is not a chart");
            }
        } catch (ZipException e) {
            throw new FetchException(element + ": the archive of chart " + name + " is not a gzip file (" + e.getMessage() + ")");
        }
        if (!Files.isRegularFile(target.resolve("Chart.yaml"))) {
            throw new FetchException(element + ": the archive of chart " + name + " has no Chart.yaml under its top directory;"
                    + " it is not a Helm chart");
        }
    }

    /**
     * Places a downloaded file: extracted into the destination directory, or copied to the destination
     * (a path ending in {@code /} is a directory that receives the URL's file name).
     */
    static void placeFile(Path download, FileSource file, String url, Path root) throws FetchException, IOException {
        if (url.startsWith(Fetcher.MAVEN_PREFIX)) {
            url = download.getFileName().toString(); // the artifact's file name says what it is (…-linux-x86_64.zip)
        }
        String destination = destination(file.destination(), file.element());
        String format = format(file, url);
        if (format.equals("none")) {
            if (!file.include().isEmpty() || file.stripComponents() != 0) {
                throw new FetchException(file.element() + ": <includes> and <stripComponents> apply to archives, and " + url
                        + " is not extracted; set <extract>tar.gz</extract> or <extract>zip</extract>, or remove them");
            }
            String name = url.substring(url.lastIndexOf('/') + 1).replaceAll("[?#].*", "");
            Path target = destination.endsWith("/") ? root.resolve(destination).resolve(name) : root.resolve(destination);
            if (Files.isDirectory(target)) {
                throw new FetchException(file.element() + ": <destination> '" + destination + "' is already a directory (another"
                        + " declaration's); write " + destination + "/ to put the file into it");
            }
            Files.createDirectories(target.getParent());
            Files.copy(download, target, StandardCopyOption.REPLACE_EXISTING);
            setMode(target, file.mode() != null ? file.mode() : 0644);
            return;
        }
        Path target = root.resolve(destination);
        int placed;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(download))) {
            placed = format.equals("zip") ? unzip(raw, target, file.include(), file.stripComponents(), file.mode(), file.element())
                    : untar(new GZIPInputStream(raw), target, file.include(), file.stripComponents(), file.mode(), file.element());
        } catch (ZipException e) {
            throw new FetchException(file.element() + ": " + url + " is not a " + format + " archive (" + e.getMessage()
                    + "); set <extract>none</extract> to keep the file as it is");
        }
        if (placed == 0) {
            throw new FetchException(file.element() + ": nothing of " + url + " was placed" + (file.include().isEmpty() ? ""
                    : ": <includes> " + file.include() + " match no file in the archive") + "; list its paths with tar -tzf or unzip -l");
        }
    }

    private static String format(FileSource file, String url) throws FetchException {
        String extract = file.extract() == null ? "auto" : file.extract().strip().toLowerCase(Locale.ROOT);
        String path = url.replaceAll("[?#].*", "").toLowerCase(Locale.ROOT);
        return switch (extract) {
            case "auto" -> path.endsWith(".tar.gz") || path.endsWith(".tgz") ? "tar.gz" : path.endsWith(".zip") ? "zip" : "none";
            case "none", "zip" -> extract;
            case "tar.gz", "tgz" -> "tar.gz";
            default -> throw new FetchException(file.element() + ": <extract> '" + file.extract() + "' is none of auto, none, tar.gz, zip");
        };
    }

    private static int untar(InputStream in, Path target, List<String> include, int strip, Integer mode, String element)
            throws FetchException, IOException {
        TarReader reader = new TarReader(in);
        Selection selection = new Selection(include, strip, target, element);
        for (TarReader.Entry entry; (entry = reader.next()) != null; ) {
            if (entry.isDirectory()) {
                continue; // directories are made for the files they hold
            }
            Path file = selection.place(entry.name(), entry.isFile(), entry.isSymbolicLink() || entry.isHardLink() ? "a link to '"
                    + entry.linkName() + "'" : "an entry of type '" + entry.type() + "'", entry.size());
            if (file != null) {
                try (OutputStream out = Files.newOutputStream(file)) {
                    reader.copyContent(out);
                }
                setMode(file, mode != null ? mode : (entry.mode() & 0111) != 0 ? 0755 : 0644);
            }
        }
        return selection.finish();
    }

    private static int unzip(InputStream in, Path target, List<String> include, int strip, Integer mode, String element)
            throws FetchException, IOException {
        Selection selection = new Selection(include, strip, target, element);
        try (ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                if (entry.isDirectory()) {
                    continue;
                }
                Path file = selection.place(entry.getName(), true, "", Math.max(entry.getSize(), 0));
                if (file == null) {
                    continue;
                }
                long written = 0;
                byte[] buffer = new byte[64 * 1024];
                try (OutputStream out = Files.newOutputStream(file)) {
                    for (int n; (n = zip.read(buffer)) > 0; ) {
                        written += n;
                        selection.count(n);
                        out.write(buffer, 0, n);
                    }
                }
                // zip keeps Unix modes in the external attributes, which ZipInputStream does not expose: 0755 for
                // what has no <mode> would make every file executable, so it is 0644 unless <mode> says otherwise
                setMode(file, mode != null ? mode : 0644);
            }
        }
        return selection.finish();
    }

    /** Which archive entries are taken and where they go: includes, stripComponents, bounds, no escapes. */
    private static final class Selection {
        private final List<Pattern[]> include;
        private final int strip;
        private final Path target;
        private final String element;
        private final Set<String> placed = new HashSet<>();
        private long bytes;
        private int entries;

        Selection(List<String> include, int strip, Path target, String element) throws FetchException {
            if (strip < 0) {
                throw new FetchException(element + ": <stripComponents> is " + strip + "; it counts leading directories, 0 or more");
            }
            this.include = new ArrayList<>();
            for (String pattern : include) {
                String[] parts = pattern.replaceAll("^/+|/+$", "").split("/");
                Pattern[] compiled = new Pattern[parts.length];
                for (int i = 0; i < parts.length; i++) {
                    try {
                        compiled[i] = GoGlob.compile(parts[i]);
                    } catch (IllegalArgumentException e) {
                        throw new FetchException(element + ": <includes> '" + pattern + "': " + e.getMessage());
                    }
                }
                this.include.add(compiled);
            }
            this.strip = strip;
            this.target = target;
            this.element = element;
        }

        /** Where a taken entry goes (parent directories made), or null when it is not taken. */
        Path place(String name, boolean regularFile, String what, long size) throws FetchException, IOException {
            if (++entries > MAX_ENTRIES) {
                throw new FetchException(element + ": the archive has more than " + MAX_ENTRIES + " entries; refused");
            }
            String path = name.replace('\\', '/');
            if (TarReader.escapes(path)) {
                throw new FetchException(element + ": the archive entry '" + name + "' points outside the directory it is"
                        + " unpacked into; the archive is refused");
            }
            List<String> parts = new ArrayList<>();
            for (String part : path.split("/")) {
                if (part.equals("..")) {
                    parts.remove(parts.size() - 1);
                } else if (!part.isEmpty() && !part.equals(".")) {
                    parts.add(part);
                }
            }
            if (!included(parts)) {
                return null;
            }
            if (!regularFile) {
                throw new FetchException(element + ": the archive entry '" + name + "' is " + what + "; only files are placed"
                        + " (a link could point outside the build context); leave it out with <includes>");
            }
            if (parts.size() <= strip) {
                return null; // stripped away entirely, as tar --strip-components does
            }
            String kept = String.join("/", parts.subList(strip, parts.size()));
            if (!placed.add(kept)) {
                throw new FetchException(element + ": two archive entries land at '" + kept + "'; check <stripComponents>");
            }
            count(size);
            Path file = target.resolve(kept).normalize();
            if (!file.startsWith(target)) {
                throw new IllegalStateException("escape not caught: " + name);
            }
            Files.createDirectories(file.getParent());
            return file;
        }

        void count(long size) throws FetchException {
            bytes += size;
            if (bytes > MAX_EXTRACTED_BYTES) {
                throw new FetchException(element + ": the archive unpacks to more than " + (MAX_EXTRACTED_BYTES >> 30)
                        + " GiB; refused");
            }
        }

        private boolean included(List<String> parts) {
            if (include.isEmpty()) {
                return true;
            }
            for (Pattern[] pattern : include) {
                if (pattern.length <= parts.size()) {
                    boolean all = true;
                    for (int i = 0; i < pattern.length && all; i++) {
                        all = pattern[i].matcher(parts.get(i)).matches();
                    }
                    if (all) {
                        return true; // a pattern naming a directory takes what is under it
                    }
                }
            }
            return false;
        }

        int finish() {
            return placed.size();
        }
    }

    /** Asked once: Files.getFileStore per file reads the mount table every time. */
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    static void setMode(Path file, int mode) throws IOException {
        if (!POSIX) {
            file.toFile().setExecutable((mode & 0100) != 0);
            return;
        }
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                permissions.add(order[bit]);
            }
        }
        permissions.add(PosixFilePermission.OWNER_READ);
        permissions.add(PosixFilePermission.OWNER_WRITE); // the next fetch must be able to replace it
        Files.setPosixFilePermissions(file, permissions);
    }
}
