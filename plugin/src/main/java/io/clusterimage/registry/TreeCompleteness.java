package io.clusterimage.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The last check before a tag is written: everything the tag will reach is in the tree, as
 * docker-registry needs it to serve a pull — every manifest and index stored and linked as a revision
 * of the repository, every config and layer blob stored, of its declared size, and linked into the
 * repository. A tag whose image is incomplete cannot be pulled on the cluster, and nothing would say
 * so until then; this makes it a build failure naming the image instead.
 *
 * <p>Blob contents are not hashed again (they were verified while stored, and hashing gigabytes twice
 * would double the save); manifests are, as they are small and say what else must be there.
 */
public final class TreeCompleteness {

    /** Problems listed in one message; more are counted, not listed. */
    private static final int MAX_LISTED = 5;

    private TreeCompleteness() {
    }

    /**
     * @param digest the manifest or index the tag is about to point at
     * @param image  the image as the user named it, for the message
     * @throws RegistryException INCOMPLETE naming the image and what is missing
     */
    public static void verify(DistributionTree tree, String repository, String digest, String image)
            throws IOException, RegistryException {
        List<String> problems = new ArrayList<>();
        check(tree, repository, digest, 1, problems, new HashSet<>());
        if (!problems.isEmpty()) {
            List<String> listed = problems.subList(0, Math.min(MAX_LISTED, problems.size()));
            throw new RegistryException(RegistryException.Kind.INCOMPLETE, image + ": the saved registry tree " + tree.root()
                    + " does not hold the whole image, so " + repository + " was not tagged: " + String.join("; ", listed)
                    + (problems.size() > listed.size() ? "; and " + (problems.size() - listed.size()) + " more" : ""));
        }
    }

    private static void check(DistributionTree tree, String repository, String digest, int depth, List<String> problems,
                              Set<String> done) throws IOException {
        if (!done.add(digest)) {
            return;
        }
        Path data = tree.blobData(digest);
        if (!Files.isRegularFile(data)) {
            problems.add("manifest " + digest + " is not stored");
            return;
        }
        if (!tree.hasRevisionLink(repository, digest)) {
            problems.add("manifest " + digest + " is not linked into " + repository);
        }
        if (Files.size(data) > Manifest.MAX_BYTES) {
            problems.add("manifest " + digest + " is larger than " + Manifest.MAX_BYTES + " bytes");
            return;
        }
        Manifest manifest = Manifest.of(Files.readAllBytes(data), null);
        if (!manifest.digest().equals(digest)) {
            problems.add("manifest " + digest + " holds other content (" + manifest.digest() + ")");
            return;
        }
        if (manifest.isIndex()) {
            if (depth >= ImageIndexes.MAX_DEPTH + 1) {
                problems.add("index " + digest + " is nested deeper than " + ImageIndexes.MAX_DEPTH + " levels");
                return;
            }
            for (Manifest.Descriptor child : manifest.children()) {
                if (!Digests.isSha256(child.digest())) {
                    problems.add("index " + digest + " names '" + child.digest() + "', which is not a sha256 digest");
                } else {
                    check(tree, repository, child.digest(), depth + 1, problems, done);
                }
            }
        } else if (manifest.isImageManifest()) {
            for (Manifest.Descriptor blob : manifest.blobs()) {
                checkBlob(tree, repository, digest, blob, problems);
            }
        } else {
            problems.add("manifest " + digest + " has the unsupported type '" + manifest.mediaType() + "'");
        }
    }

    private static void checkBlob(DistributionTree tree, String repository, String manifest, Manifest.Descriptor blob,
                                  List<String> problems) throws IOException {
        String what = "blob " + blob.digest() + " of manifest " + manifest;
        if (!Digests.isSha256(blob.digest())) {
            problems.add(what + " is not a sha256 digest");
            return;
        }
        Path data = tree.blobData(blob.digest());
        if (!Files.isRegularFile(data)) {
            problems.add(what + " is not stored");
            return;
        }
        long size = Files.size(data);
        if (blob.size() >= 0 && size != blob.size()) {
            problems.add(what + " is stored with " + size + " bytes instead of " + blob.size());
        }
        if (!tree.hasLayerLink(repository, blob.digest())) {
            problems.add(what + " is not linked into " + repository);
        }
    }
}
