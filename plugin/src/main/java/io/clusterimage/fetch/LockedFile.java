package io.clusterimage.fetch;

/** One platform's download of a declared file: the URL (placeholders expanded) and the sha256 (hex) of its bytes. */
public record LockedFile(String url, String sha256) {}
