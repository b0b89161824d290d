package io.clusterimage.fetch;

import io.clusterimage.core.Platform;
import io.clusterimage.registry.BlobCache;
import io.clusterimage.registry.Digests;
import io.clusterimage.registry.RegistryClient;
import io.clusterimage.registry.RegistryOptions;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds and downloads what the POM declares: resolves a chart's version through its repository's index,
 * a file's URL for a platform, and brings both into the shared cache, verified.
 */
public final class Fetcher {

    /** How a file declared by Maven coordinates is written in the lock and the engine: {@code maven:<coordinates>}. */
    static final String MAVEN_PREFIX = "maven:";

    private final HttpDownloads http;
    private final OciCharts oci;
    private final ArtifactResolver artifacts;

    Fetcher(HttpDownloads http, OciCharts oci, ArtifactResolver artifacts) {
        this.http = http;
        this.oci = oci;
        this.artifacts = artifacts;
    }

    /**
     * @param cache   the shared content-addressed cache (the one images use)
     * @param offline Maven's {@code -o}: only what the cache holds under a known digest
     * @param options credentials (by host), proxies, retries and deadlines, as for registries
     */
    public static Fetcher create(BlobCache cache, boolean offline, RegistryOptions options) {
        return create(cache, offline, options, ArtifactResolver.NONE);
    }

    /** @param artifacts resolves files declared by Maven coordinates */
    public static Fetcher create(BlobCache cache, boolean offline, RegistryOptions options, ArtifactResolver artifacts) {
        return new Fetcher(new HttpDownloads(cache, offline, options),
                new OciCharts(new RegistryClient(options), cache, offline), artifacts);
    }

    boolean offline() {
        return http.offline();
    }

    /** The version the chart's constraint picks in its repository, with the archive URL and the index's digest (may be null). */
    LockedChart resolveChart(ChartSource chart) throws FetchException, IOException {
        if (chart.isOci()) {
            return oci.resolve(chart);
        }
        if (!chart.repository().startsWith("https://") && !chart.repository().startsWith("http://")) {
            throw new FetchException(chart.element() + ": <repository> '" + chart.repository() + "' is neither an https:// (or"
                    + " http://) Helm repository nor oci://");
        }
        byte[] index = http.small(HelmRepositoryIndex.indexUri(chart.repository()), HttpDownloads.MAX_INDEX_BYTES, chart.element());
        return HelmRepositoryIndex.resolve(index, chart);
    }

    /** The chart's archive in the cache, checked against its digest when one is known; the digest it has. */
    Download chartArchive(LockedChart chart, String element) throws FetchException, IOException {
        if (chart.url().startsWith("oci://")) {
            return new Download(oci.archive(chart, element), chart.digest().substring("sha256:".length()));
        }
        String expected = chart.digest() == null ? null : chart.digest().substring("sha256:".length());
        return download(chart.url(), expected, element);
    }

    /**
     * A file's download for one platform, checked against {@code expectedHex} when not null; a
     * {@code maven:} URL is resolved by Maven (its local repository is the cache).
     */
    Download file(String url, String expectedHex, String element) throws FetchException, IOException {
        if (!url.startsWith(MAVEN_PREFIX)) {
            return download(url, expectedHex, element);
        }
        Path file = artifacts.resolve(url.substring(MAVEN_PREFIX.length()), element);
        String actual = Digests.hex(Digests.of(file));
        if (expectedHex != null && !expectedHex.equals(actual)) {
            throw new FetchException(element + ": " + url + " (" + file + ") has sha256 " + actual + ", but " + expectedHex
                    + " was expected (from the POM or cluster-image.lock); the artifact changed in its repository, or the expected"
                    + " value is wrong: check it, then correct the sha256 or run mvn cluster-image:lock");
        }
        return new Download(file, actual);
    }

    private Download download(String url, String expectedHex, String element) throws FetchException, IOException {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new FetchException(element + ": '" + url + "' is not a URL (" + e.getMessage() + ")");
        }
        Path file = http.download(uri, expectedHex, element);
        // the cache names a blob by its hex digest
        return new Download(file, expectedHex != null ? expectedHex : file.getFileName().toString());
    }

    /** A verified download in the cache and the sha256 (hex) of its bytes. */
    record Download(Path file, String sha256) {
    }

    /**
     * The URL for one platform: {@code ${os}}, {@code ${arch}}, {@code ${variant}} and {@code ${version}}
     * replaced (each also as {@code @{…}}, which Maven leaves alone where it would expand {@code ${version}}
     * to the project's version).
     */
    static String expandUrl(FileSource file, Platform platform) throws FetchException {
        String url = file.url();
        if (url == null || url.isBlank()) {
            throw new FetchException(file.element() + " needs a <url>");
        }
        String variant = platform.variant() == null ? "" : platform.variant();
        for (char open : new char[]{'$', '@'}) {
            url = url.replace(open + "{os}", platform.os()).replace(open + "{arch}", platform.architecture())
                    .replace(open + "{variant}", variant);
            if (url.contains(open + "{version}")) {
                if (file.version() == null || file.version().isBlank()) {
                    throw new FetchException(file.element() + ": <url> uses " + open + "{version}, and there is no <version>");
                }
                url = url.replace(open + "{version}", file.version());
            }
        }
        Matcher left = Pattern.compile("[$@]\\{[^}]*}").matcher(url);
        if (left.find()) {
            throw new FetchException(file.element() + ": <url> '" + file.url() + "' has the placeholder " + left.group()
                    + ", which is none of ${os}, ${arch}, ${variant}, ${version} (or @{…})");
        }
        return url;
    }
}
