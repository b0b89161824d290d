package io.clusterimage.core;

import java.nio.file.Path;

/** The plugin's cache in the user's home, shared by every build of every project on the machine. */
public final class UserCache {

    private UserCache() {
    }

    /** {@code $XDG_CACHE_HOME/cluster-image}, else {@code ~/.cache/cluster-image}. */
    public static Path defaultLocation() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("cluster-image");
    }
}
