package io.clusterimage.image;

import java.util.Locale;

/**
 * How a layer is compressed. The registry tree's blobs are already compressed: gzipping them again
 * costs most of the build time and saves nothing, so its layer is stored uncompressed by default.
 */
public enum LayerCompression {
    GZIP("application/vnd.oci.image.layer.v1.tar+gzip"),
    NONE("application/vnd.oci.image.layer.v1.tar");

    private final String mediaType;

    LayerCompression(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static LayerCompression parse(String text) {
        String value = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "gzip" -> GZIP;
            case "none", "uncompressed" -> NONE;
            case "zstd" -> throw new IllegalArgumentException("zstd layers are not supported yet (the JDK has no zstd); use gzip or none");
            default -> throw new IllegalArgumentException("'" + text + "' is not a layer compression; use gzip or none");
        };
    }
}
