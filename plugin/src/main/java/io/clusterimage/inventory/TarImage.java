package io.clusterimage.inventory;

import java.nio.file.Path;

/**
 * An image read from an archive listed in images/skopeo/tar.txt.
 *
 * @param transport {@code docker-archive} or {@code oci-archive}
 * @param archive   the archive, relative to the build context
 * @param target    repository path (no registry domain) and tag it is stored under
 * @param line      the line of tar.txt
 */
public record TarImage(String transport, Path archive, String target, int line) {
}
