package io.clusterimage.fetch;

import io.clusterimage.core.Platform;

import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A file the POM declares: downloaded per platform into the generated context.
 *
 * @param element         the POM element, for messages
 * @param url             with {@code ${os}}, {@code ${arch}}, {@code ${variant}}, {@code ${version}} (or {@code @{…}}) placeholders
 * @param version         what {@code ${version}} stands for
 * @param sha256          the expected sha256 (hex) per platform, where the POM gives one
 * @param destination     where it goes, relative to the build context
 * @param extract         {@code auto}, {@code none}, {@code tar.gz} ({@code tgz}) or {@code zip}
 * @param include         archive paths to take (globs); all when empty
 * @param stripComponents leading path components dropped from archive entries
 * @param mode            file mode for what is placed, null to keep the archive's (or 0644 for a plain download)
 */
public record FileSource(String element, String url, String version, Map<Platform, String> sha256, String destination,
                         String extract, List<String> include, int stripComponents, Integer mode) {

    public FileSource {
        // sorted, so that the record's text (part of the fetch goal's fingerprint) is the same in every JVM
        TreeMap<Platform, String> sorted = new TreeMap<>(Comparator.comparing(Platform::toString));
        sorted.putAll(sha256);
        sha256 = Collections.unmodifiableMap(sorted);
        include = List.copyOf(include);
    }
}
