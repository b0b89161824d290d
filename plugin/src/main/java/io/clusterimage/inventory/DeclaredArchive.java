package io.clusterimage.inventory;

import io.clusterimage.reference.ImageReference;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An image that another tool of the same build wrote to a file (jib:buildTar, docker save, skopeo
 * copy) and the POM declares with the reference the manifests use ({@code <imageArchives>}).
 *
 * <p>Unlike images/skopeo/tar.txt, the file may be anywhere: the POM, not the repository content,
 * names it, as it names any other input of the build.
 *
 * @param image   the reference it is stored under (a tag, never a digest)
 * @param written the reference as written in the POM
 * @param file    the archive or OCI layout directory, absolute (for an application image, the directory
 *                Jib writes it to)
 * @param element the POM element that declares it, for messages ({@code <appImages><appImage>} for an image
 *                the plugin builds itself with Jib)
 */
public record DeclaredArchive(ImageReference image, String written, Path file, String element) {

    /** An {@code <imageArchives><imageArchive>}. */
    public DeclaredArchive(ImageReference image, String written, Path file) {
        this(image, written, file, ELEMENT);
    }

    /** How messages name the declaration. */
    public static final String ELEMENT = "<imageArchives><imageArchive>";

    /** One {@code <imageArchive>} as written: {@code file} relative to {@code basedir} unless absolute. */
    public record Entry(String file, String image) {
    }

    /** A declaration that cannot be used; the message names the element and says what to do. */
    public static final class InvalidDeclarationException extends Exception {
        public InvalidDeclarationException(String message) {
            super(message);
        }
    }

    /** Repository path (no registry) the image is stored under in registry/. */
    public String repository() {
        return image.repositoryPath();
    }

    /** The tag it is stored under ({@code latest} when the POM wrote none). */
    public String tag() {
        return image.tag().orElse("latest");
    }

    /** What images.lock and the build's messages call it: the canonical reference, as if it had been pulled. */
    public String canonical() {
        return image.canonical();
    }

    /**
     * A reference written in the POM, parsed as the scan parses references.
     *
     * @param element how the message names it, up to the opening tag ({@code "<appImages><appImage> number 1: <image>"})
     * @param digestAllowed false for an image stored under a tag here (a digest could not be kept)
     */
    public static ImageReference reference(String written, String element, boolean digestAllowed) throws InvalidDeclarationException {
        String tag = element.substring(element.lastIndexOf('<'));
        String close = "</" + tag.substring(1);
        Optional<ImageReference> reference = References.parse(written);
        if (reference.isEmpty()) {
            throw new InvalidDeclarationException(element + written + close + " is not a valid image reference: "
                    + References.whyInvalid(written) + "; write it as [registry/]repository[:tag]");
        }
        if (!digestAllowed && reference.get().digest().isPresent()) {
            throw new InvalidDeclarationException(element + written + close + " has a digest; the image is"
                    + " stored under a tag, so write the reference without @sha256:...");
        }
        return reference.get();
    }

    /**
     * Checks and resolves the entries. Whether each file exists is not checked here: scan-images runs
     * before the tool that writes the archive may have (jib:buildTar binds to package); save-registry
     * checks when it reads it.
     */
    public static List<DeclaredArchive> parse(List<Entry> entries, Path basedir) throws InvalidDeclarationException {
        List<DeclaredArchive> archives = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            String where = ELEMENT + " number " + (i + 1);
            String written = entry.image() == null ? "" : entry.image().strip();
            if (entry.file() == null || entry.file().isBlank()) {
                throw new InvalidDeclarationException(where + " has no <file>: name the archive a tool of the build writes"
                        + " (e.g. ../orders/target/jib-image.tar), relative to the project directory, or the artifact a module"
                        + " of the build makes with <artifact>groupId:artifactId:type:classifier</artifact>");
            }
            if (written.isEmpty()) {
                throw new InvalidDeclarationException(where + " (<file>" + entry.file() + "</file>) has no <image>: give the"
                        + " reference the manifests use for it, e.g. registry.example.com/team/orders:1.0");
            }
            ImageReference reference = reference(written, where + ": <image>", false);
            Integer earlier = seen.putIfAbsent(reference.canonical(), i + 1);
            if (earlier != null) {
                throw new InvalidDeclarationException(ELEMENT + " numbers " + earlier + " and " + (i + 1) + " both declare "
                        + reference.canonical() + "; one tag can hold one image: remove one, or give them different tags");
            }
            Path file = basedir.resolve(entry.file().strip()).toAbsolutePath().normalize();
            archives.add(new DeclaredArchive(reference, written, file));
        }
        return archives;
    }
}
