package io.clusterimage.fetch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clusterimage.registry.BlobCache;
import io.clusterimage.registry.Manifest;
import io.clusterimage.registry.RegistryClient;
import io.clusterimage.registry.RegistryException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Charts in OCI registries ({@code oci://host/path}, the chart at {@code host/path/<name>:<version>}), as
 * Helm pushes them: an OCI manifest whose layer of media type {@value #CHART_LAYER} is the chart archive.
 * Through the plugin's own registry client: the same credentials, insecure list, proxies, retries and
 * deadlines as images, and the same verified cache.
 */
final class OciCharts {

    static final String CHART_LAYER = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
    static final String CHART_CONFIG = "application/vnd.cncf.helm.config.v1+json";

    private final RegistryClient client;
    private final BlobCache cache;
    private final boolean offline;

    OciCharts(RegistryClient client, BlobCache cache, boolean offline) {
        this.client = client;
        this.cache = cache;
        this.offline = offline;
    }

    /** host and repository of the chart ({@code oci://host/path} + name). */
    record Location(String host, String repository) {
        static Location of(String repository, String name, String element) throws FetchException {
            String rest = repository.substring("oci://".length()).replaceAll("/+$", "");
            int slash = rest.indexOf('/');
            String host = slash < 0 ? rest : rest.substring(0, slash);
            String path = slash < 0 ? "" : rest.substring(slash + 1);
            if (host.isEmpty() || !(path + "/" + name).replaceAll("^/", "").matches("[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*")) {
                throw new FetchException(element + ": <repository> '" + repository + "' with the chart '" + name + "' is not an OCI"
                        + " repository (oci://host[:port]/path, lower case)");
            }
            return new Location(host, path.isEmpty() ? name : path + "/" + name);
        }
    }

    /** The version the constraint picks (from the repository's tags when it is a range), its manifest's chart layer digest. */
    LockedChart resolve(ChartSource chart) throws FetchException {
        if (offline) {
            throw new FetchException(chart.element() + ": " + chart.repository() + "/" + chart.name() + " must be asked for its"
                    + " versions, and Maven runs offline (-o); run mvn cluster-image:lock once online, or build online");
        }
        Location location = Location.of(chart.repository(), chart.name(), chart.element());
        String version = chart.version();
        try {
            if (Versions.isRange(version)) {
                // OCI tags cannot hold '+': Helm writes it as '_'
                List<String> versions = new ArrayList<>();
                for (String tag : client.tags(location.host(), location.repository())) {
                    versions.add(tag.replace('_', '+'));
                }
                Optional<String> picked = Versions.highest(version, versions);
                if (picked.isEmpty()) {
                    throw new FetchException(chart.element() + ": no version of chart '" + chart.name() + "' in " + chart.repository()
                            + " satisfies '" + version + "'; the nearest are " + Versions.nearest(version, versions, 5)
                            + "; change <version>");
                }
                version = picked.get();
            }
            String tag = version.replace('+', '_');
            Manifest manifest = client.manifest(location.host(), location.repository(), tag);
            String layer = chartLayer(manifest, chart, version);
            return new LockedChart(chart.name(), chart.repository(), version,
                    "oci://" + location.host() + "/" + location.repository() + ":" + tag, layer);
        } catch (RegistryException e) {
            throw new FetchException(chart.element() + ": " + chart.repository() + "/" + chart.name() + ":" + version + ": "
                    + e.getMessage(), e);
        }
    }

    private static String chartLayer(Manifest manifest, ChartSource chart, String version) throws FetchException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(manifest.bytes());
        } catch (IOException e) {
            throw new FetchException(chart.element() + ": the manifest of " + chart.name() + ":" + version + " is not JSON");
        }
        if (!manifest.isImageManifest()) {
            throw new FetchException(chart.element() + ": " + chart.name() + ":" + version + " in " + chart.repository()
                    + " is " + manifest.mediaType() + ", not a Helm chart (an OCI manifest with a " + CHART_LAYER + " layer)");
        }
        String layer = null;
        for (JsonNode descriptor : root.path("layers")) {
            if (CHART_LAYER.equals(descriptor.path("mediaType").asText())) {
                if (layer != null) {
                    throw new FetchException(chart.element() + ": " + chart.name() + ":" + version + " has two chart layers");
                }
                layer = descriptor.path("digest").asText();
            }
        }
        if (layer == null || !layer.matches("sha256:[0-9a-f]{64}")) {
            throw new FetchException(chart.element() + ": " + chart.name() + ":" + version + " in " + chart.repository()
                    + " has no " + CHART_LAYER + " layer (config " + root.path("config").path("mediaType").asText("none")
                    + "); it is not a Helm chart");
        }
        return layer;
    }

    /** The chart archive (the layer), from the cache or the registry, verified against its digest. */
    Path archive(LockedChart chart, String element) throws FetchException, IOException {
        Optional<Path> hit = cache.blob(chart.digest());
        if (hit.isPresent()) {
            return hit.get();
        }
        if (offline) {
            throw new FetchException(element + ": chart " + chart.name() + " " + chart.version() + " (" + chart.digest()
                    + ") is not in the cache " + cache.root() + ", and Maven runs offline (-o); run once online to fetch it");
        }
        String reference = chart.url().substring("oci://".length());
        int colon = reference.lastIndexOf(':');
        int slash = reference.indexOf('/');
        String host = reference.substring(0, slash);
        String repository = reference.substring(slash + 1, colon);
        Path temp = cache.newTempFile();
        try {
            client.blob(host, repository, chart.digest(), -1, temp);
            return cache.commit(temp, chart.digest());
        } catch (RegistryException e) {
            throw new FetchException(element + ": chart " + chart.name() + " " + chart.version() + " from " + chart.url() + ": "
                    + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
