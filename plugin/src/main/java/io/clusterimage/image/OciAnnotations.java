package io.clusterimage.image;

import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code org.opencontainers.image.*} annotations of the cluster image, from what the project says of itself. */
public final class OciAnnotations {

    private OciAnnotations() {
    }

    /**
     * The annotations of the values that are set (blank ones are left out), in this order.
     *
     * @param revisionTag the SCM tag, the revision unless it is {@code HEAD}
     */
    public static Map<String, String> of(String version, String title, String description, String source, String revisionTag,
                                         String url) {
        Map<String, String> annotations = new LinkedHashMap<>();
        put(annotations, "org.opencontainers.image.version", version);
        put(annotations, "org.opencontainers.image.title", title);
        put(annotations, "org.opencontainers.image.description", description);
        put(annotations, "org.opencontainers.image.source", source);
        put(annotations, "org.opencontainers.image.revision", "HEAD".equals(revisionTag) ? null : revisionTag);
        put(annotations, "org.opencontainers.image.url", url);
        return annotations;
    }

    private static void put(Map<String, String> map, String key, String value) {
        if (value != null && !value.isBlank()) {
            map.put(key, value.strip());
        }
    }
}
