package io.clusterimage.appimage;

import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code <extraDirectories>} as jib-maven-plugin has them: each directory's files copied as they are to
 * a place in the image, one layer per directory on top of the application. Files get mode 644 and
 * directories 755 unless a {@code <permission>} says otherwise, and Jib's fixed time, so the digest
 * stays reproducible.
 *
 * <p>Only what is inside the directory goes in: a link is followed when it leads to a place inside the
 * same directory and refused when it leads outside, so a link cannot copy a file of the build machine
 * (an SSH key, {@code ~/.m2/settings.xml}) into an image that is shipped.
 */
final class ExtraDirectories {

    private static final String ELEMENT = "<extraDirectories>";

    private ExtraDirectories() {
    }

    /** One layer per directory, in the order of {@code <paths>}. */
    static List<FileEntriesLayer> layers(AppImageSpec spec) throws IOException, AppImageException {
        List<Rule> rules = rules(spec);
        Set<AppImageSpec.Permission> used = new HashSet<>();
        List<FileEntriesLayer> layers = new ArrayList<>();
        for (AppImageSpec.ExtraDirectory directory : spec.extraDirectories()) {
            layers.add(layer(spec, directory, rules, used));
        }
        for (Rule rule : rules) {
            if (!used.contains(rule.permission())) {
                throw new AppImageException(spec.describe() + ": " + ELEMENT + "<permissions><permission><file>"
                        + rule.permission().file() + "</file> matches no file of <extraDirectories><paths>; write the"
                        + " path the file has in the image (<into> followed by its path under <from>, e.g. /opt/run.sh)");
            }
        }
        return layers;
    }

    private record Rule(AppImageSpec.Permission permission, PathMatcher matcher, FilePermissions mode) {
    }

    private static List<Rule> rules(AppImageSpec spec) throws AppImageException {
        List<Rule> rules = new ArrayList<>();
        for (AppImageSpec.Permission permission : spec.permissions()) {
            String where = spec.describe() + ": " + ELEMENT + "<permissions><permission><file>" + permission.file() + "</file>";
            if (permission.file() == null || !permission.file().strip().startsWith("/")) {
                throw new AppImageException(where + " is not an absolute path in the image; write it from /, e.g."
                        + " <file>/opt/run.sh</file> or <file>/opt/**/*.sh</file>");
            }
            FilePermissions mode;
            try {
                mode = FilePermissions.fromOctalString(permission.mode() == null ? "" : permission.mode().strip());
            } catch (IllegalArgumentException e) {
                throw new AppImageException(where + "<mode>" + permission.mode() + "</mode> is not three octal digits;"
                        + " write e.g. <mode>755</mode>");
            }
            rules.add(new Rule(permission, FileSystems.getDefault().getPathMatcher("glob:" + permission.file().strip()), mode));
        }
        return rules;
    }

    private static FileEntriesLayer layer(AppImageSpec spec, AppImageSpec.ExtraDirectory directory, List<Rule> rules,
                                          Set<AppImageSpec.Permission> used) throws IOException, AppImageException {
        String where = spec.describe() + ": " + ELEMENT + "<paths><path><from>" + directory.from() + "</from>";
        if (!Files.isDirectory(directory.from())) {
            throw new AppImageException(where + " is not a directory; create it or correct <from> (relative to the"
                    + " project directory)");
        }
        String into = directory.into() == null || directory.into().isBlank() ? "/" : directory.into().strip();
        if (!into.startsWith("/")) {
            throw new AppImageException(where + "<into>" + into + "</into> is not an absolute path in the image;"
                    + " write it from /, e.g. <into>/opt/app</into>");
        }
        Path root = directory.from().toRealPath();
        FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName("extra files");
        Set<Path> open = new HashSet<>(Set.of(root));
        addTree(new Walk(root, where, rules, used, layer), root, AbsoluteUnixPath.get(into), open);
        return layer.build();
    }

    private record Walk(Path root, String where, List<Rule> rules, Set<AppImageSpec.Permission> used,
                        FileEntriesLayer.Builder layer) {
    }

    /**
     * Adds what {@code directory} holds under {@code target}, in name order. Links are not followed by the
     * walk itself: each is checked first, so one leading outside is refused before anything is read through it.
     *
     * @param open the real paths of the directories being walked, to refuse a link back to one of them
     */
    private static void addTree(Walk walk, Path directory, AbsoluteUnixPath target, Set<Path> open)
            throws IOException, AppImageException {
        List<Path> children;
        try (var list = Files.list(directory)) {
            children = list.sorted().toList();
        }
        for (Path child : children) {
            Path source = Files.isSymbolicLink(child) ? inside(child, walk.root(), walk.where()) : child;
            AbsoluteUnixPath inImage = target.resolve(child.getFileName().toString());
            boolean isDirectory = Files.isDirectory(source);
            FilePermissions mode = isDirectory ? FilePermissions.DEFAULT_FOLDER_PERMISSIONS : FilePermissions.DEFAULT_FILE_PERMISSIONS;
            // the last <permission> that matches wins, as in jib-maven-plugin
            for (Rule rule : walk.rules()) {
                if (rule.matcher().matches(Path.of(inImage.toString()))) {
                    mode = rule.mode();
                    walk.used().add(rule.permission());
                }
            }
            walk.layer().addEntry(source, inImage, mode, FileEntriesLayer.DEFAULT_MODIFICATION_TIME);
            if (isDirectory) {
                Path real = source.toRealPath();
                if (!open.add(real)) {
                    throw new AppImageException(walk.where() + ": " + child + " is a link to " + real + ", a directory that"
                            + " holds it, so the files would never end; remove the link");
                }
                addTree(walk, source, inImage, open);
                open.remove(real);
            }
        }
    }

    /** The file to read for {@code file}: itself, or the target of a link that stays inside {@code root}. */
    private static Path inside(Path file, Path root, String where) throws IOException, AppImageException {
        Path real;
        try {
            real = file.toRealPath();
        } catch (NoSuchFileException e) {
            throw new AppImageException(where + ": " + file + " is a link to " + Files.readSymbolicLink(file)
                    + ", which does not exist; remove the link or create its target inside <from>");
        }
        if (!real.startsWith(root)) {
            throw new AppImageException(where + ": " + file + " is a link to " + real + ", outside <from>; extra files are"
                    + " read from inside that directory only: copy the file in instead of linking it");
        }
        return real;
    }
}
