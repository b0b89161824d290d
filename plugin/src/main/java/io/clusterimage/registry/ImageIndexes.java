package io.clusterimage.registry;

import io.clusterimage.core.Platform;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Walks image indexes down to the image manifest of a platform. OCI allows an index to point at
 * another index (an OCI archive's {@code index.json} entry often is one, and some tools push an index
 * of per-platform indexes); following only one level would store an index whose image is missing.
 * Nesting is bounded: a chain deeper than {@link #MAX_DEPTH} indexes is refused, not followed.
 */
public final class ImageIndexes {

    /** Indexes followed from the top one down to an image manifest (the top one included). */
    public static final int MAX_DEPTH = 4;

    private ImageIndexes() {
    }

    /** Reads the manifest or index with a given digest from where the image comes from. */
    @FunctionalInterface
    public interface Lookup {
        Manifest manifest(String digest) throws IOException, RegistryException;
    }

    /**
     * The indexes from {@code top} down, then the image manifest of {@code platform}: at each level
     * the entry for the platform (as {@link CachedRegistry#platformEntry} picks it), or, when no entry names
     * it, the nested indexes that name no platform at all, in order.
     *
     * @param image what the user wrote, for messages
     * @throws RegistryException UNSUPPORTED when no image for the platform is found, when the nesting
     *                           is deeper than {@link #MAX_DEPTH}, or an entry's digest is not sha256
     */
    public static List<Manifest> platformChain(String image, Manifest top, Platform platform, Lookup lookup)
            throws IOException, RegistryException {
        List<Manifest> chain = new ArrayList<>();
        chain.add(top);
        List<String> seen = new ArrayList<>();
        if (descend(image, top, platform, lookup, chain, seen)) {
            return chain;
        }
        throw CachedRegistry.noImageFor(image, platform, seen);
    }

    private static boolean descend(String image, Manifest index, Platform platform, Lookup lookup, List<Manifest> chain,
                                   List<String> seen) throws IOException, RegistryException {
        List<Manifest.Descriptor> children = children(image, index);
        children.stream().filter(c -> !c.architecture().isEmpty()).forEach(c -> seen.add(CachedRegistry.platformOf(c)));
        Optional<Manifest.Descriptor> match = CachedRegistry.findPlatformEntry(children, platform);
        // no entry names the platform: an entry that names none may be an index of per-platform images
        List<Manifest.Descriptor> candidates = match.map(List::of).orElseGet(() -> children.stream()
                .filter(c -> c.architecture().isEmpty() && (c.mediaType().isEmpty() || Manifest.isIndexType(c.mediaType())))
                .toList());
        for (Manifest.Descriptor entry : candidates) {
            Manifest child = follow(image, entry, lookup, chain);
            if (match.isEmpty() && !child.isIndex()) {
                continue; // an image manifest without a platform is not this platform's image
            }
            chain.add(child);
            if (child.isImageManifest() || descend(image, child, platform, lookup, chain, seen)) {
                return true;
            }
            chain.remove(chain.size() - 1);
        }
        return false;
    }

    /** Reads an entry's manifest, refusing an index nested deeper than {@link #MAX_DEPTH}. */
    private static Manifest follow(String image, Manifest.Descriptor entry, Lookup lookup, List<Manifest> chain)
            throws IOException, RegistryException {
        Manifest child = lookup.manifest(entry.digest());
        if (child.isIndex() && chain.size() >= MAX_DEPTH) {
            throw tooDeep(image, chain, child);
        }
        if (!child.isIndex() && !child.isImageManifest()) {
            throw notAnImage(image, chain.get(chain.size() - 1), child);
        }
        return child;
    }

    static RegistryException notAnImage(String image, Manifest index, Manifest child) {
        return new RegistryException(RegistryException.Kind.UNSUPPORTED, image + ": index " + index.digest() + " names "
                + child.digest() + ", whose type '" + child.mediaType() + "' is neither an image manifest nor an index");
    }

    static RegistryException tooDeep(String image, List<Manifest> chain, Manifest next) {
        List<String> digests = new ArrayList<>(chain.stream().map(Manifest::digest).toList());
        digests.add(next.digest());
        return new RegistryException(RegistryException.Kind.UNSUPPORTED, image + " nests image indexes more than " + MAX_DEPTH
                + " deep (" + String.join(" -> ", digests) + "); only " + MAX_DEPTH + " levels are followed."
                + " Point the tag at an index whose entries are image manifests (or at most " + MAX_DEPTH + " indexes deep)");
    }

    /**
     * An index's entries, each with a well-formed sha256 digest: the digest names a file in the tree and
     * a URL path, so anything else is refused rather than fetched or stored.
     */
    public static List<Manifest.Descriptor> children(String image, Manifest index) throws IOException, RegistryException {
        List<Manifest.Descriptor> children = index.children();
        for (Manifest.Descriptor child : children) {
            if (!Digests.isSha256(child.digest())) {
                throw new RegistryException(RegistryException.Kind.UNSUPPORTED, image + ": index " + index.digest()
                        + " has an entry with digest '" + child.digest() + "', which is not a sha256 digest (sha256:<64 hex>)");
            }
        }
        return children;
    }
}
