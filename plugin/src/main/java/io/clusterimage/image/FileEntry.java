package io.clusterimage.image;

import java.nio.file.Path;

/**
 * One entry of a layer: where it goes in the image and where its content comes from.
 *
 * @param path   path in the image, relative, no leading slash ({@code manifests/app.yaml})
 * @param type   file, directory or symbolic link
 * @param source the file to read (files only)
 * @param size   content size (files only)
 * @param mode   permission bits
 * @param uid    owner
 * @param gid    group
 * @param link   the link target (symbolic links only)
 */
record FileEntry(String path, Type type, Path source, long size, int mode, int uid, int gid, String link) {

    enum Type { FILE, DIRECTORY, SYMLINK }

    static FileEntry directory(String path, int mode, int uid, int gid) {
        return new FileEntry(path, Type.DIRECTORY, null, 0, mode, uid, gid, "");
    }
}
