package io.clusterimage.core;

/** How bad a finding is. ERROR stops the build; WARNING stops it only with {@code failOnWarning}. */
public enum Severity {
    ERROR,
    WARNING,
    INFO
}
