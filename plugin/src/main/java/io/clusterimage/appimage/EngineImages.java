package io.clusterimage.appimage;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * What the local container engine said of its images, asked once per goal: the up-to-date check needs an image's ID,
 * and the build the same ID and the image's platform, for every platform built. Each {@code image inspect} is a
 * process (tens of milliseconds for podman); the answers cannot change within one goal that asks for them.
 */
public final class EngineImages {

    private final Map<AppImageSpec.DockerBase, DockerEngine.Inspected> inspected = new HashMap<>();

    /** The ID the engine gives its image now (for up-to-date checks: a base rebuilt under the same name is another). */
    public String imageId(AppImageSpec.DockerBase base) throws IOException {
        return inspect(base).id();
    }

    synchronized DockerEngine.Inspected inspect(AppImageSpec.DockerBase base) throws IOException {
        DockerEngine.Inspected known = inspected.get(base);
        if (known == null) {
            known = new DockerEngine(base).inspect();
            inspected.put(base, known);
        }
        return known;
    }
}
