package io.clusterimage.fetch;

/** What resolving (or the lock) fixes for a chart: the exact version, the archive's absolute URL (for OCI: oci://host/path/name:version), its digest "sha256:<hex>" (for OCI: the chart layer's digest). */
public record LockedChart(String name, String repository, String version, String url, String digest) {}
