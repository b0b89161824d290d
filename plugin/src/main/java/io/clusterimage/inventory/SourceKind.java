package io.clusterimage.inventory;

import java.util.Locale;

/** Where an image reference was found. */
public enum SourceKind {
    /** A file under manifests/. */
    MANIFEST,
    /** A rendered chart template. */
    CHART,
    /** A rendered chart template that Helm runs as a hook (pre-install Job, test Pod...). */
    CHART_HOOK,
    /** A file under a chart's crds/ directory. */
    CHART_CRD,
    /** A line of a file under images/shim/. */
    SHIM,
    /** A line of images/skopeo/tar.txt. */
    TAR,
    /** The {@code <images>} list of the POM. */
    PARAMETER,
    /** An {@code <imageArchives><imageArchive>} of the POM: an image another tool of the build wrote to a file. */
    BUILT;

    /** Lower-case name with blanks, as written in images.json ({@code chart hook}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
