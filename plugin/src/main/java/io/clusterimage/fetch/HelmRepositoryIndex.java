package io.clusterimage.fetch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.yaml.snakeyaml.LoaderOptions;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A Helm chart repository's {@code index.yaml}: which versions of a chart exist, where each archive is
 * (its {@code urls}, relative to the repository or absolute) and its {@code digest}.
 */
final class HelmRepositoryIndex {

    private static final ObjectMapper YAML;

    static {
        // SnakeYAML stops at 3 MB by default; public indexes are tens of MB, and the download is bounded already
        LoaderOptions loader = new LoaderOptions();
        loader.setCodePointLimit((int) HttpDownloads.MAX_INDEX_BYTES);
        YAML = new ObjectMapper(YAMLFactory.builder().loaderOptions(loader).build());
    }

    private HelmRepositoryIndex() {
    }

    /** The index of a repository URL ({@code https://host/path}, with or without a trailing slash). */
    static URI indexUri(String repository) {
        return URI.create(base(repository) + "index.yaml");
    }

    private static String base(String repository) {
        return repository.endsWith("/") ? repository : repository + "/";
    }

    /**
     * The chart version the constraint picks: the highest that satisfies it (pre-releases only when named
     * exactly), with its archive URL made absolute and its digest.
     *
     * @throws FetchException naming the element when the index is not an index, the chart is not in it, no
     *                        version satisfies the constraint (the nearest are listed), or the entry has no URL
     */
    static LockedChart resolve(byte[] index, ChartSource chart) throws FetchException {
        URI location = indexUri(chart.repository());
        JsonNode root;
        try {
            root = YAML.readTree(index);
        } catch (IOException e) {
            throw new FetchException(chart.element() + ": " + location + " is not a Helm repository index (" + firstLine(e.getMessage())
                    + "); check <repository>: it is the URL under which index.yaml is served");
        }
        JsonNode entries = root == null ? null : root.get("entries");
        if (entries == null || !entries.isObject()) {
            throw new FetchException(chart.element() + ": " + location + " has no 'entries'; it is not a Helm repository index"
                    + " (check <repository>)");
        }
        JsonNode versions = entries.get(chart.name());
        if (versions == null || !versions.isArray() || versions.isEmpty()) {
            TreeSet<String> names = new TreeSet<>();
            entries.fieldNames().forEachRemaining(names::add);
            throw new FetchException(chart.element() + ": the repository " + chart.repository() + " has no chart '" + chart.name()
                    + "'" + (names.size() <= 20 ? "; it has " + names : "; it has " + names.size() + " charts") + "; check <name>");
        }
        List<String> available = new ArrayList<>();
        versions.forEach(v -> {
            if (v.hasNonNull("version")) {
                available.add(v.get("version").asText());
            }
        });
        Optional<String> picked = Versions.highest(chart.version(), available);
        if (picked.isEmpty()) {
            throw new FetchException(chart.element() + ": no version of chart '" + chart.name() + "' in " + chart.repository()
                    + " satisfies '" + chart.version() + "'; the nearest are " + Versions.nearest(chart.version(), available, 5)
                    + "; change <version>");
        }
        for (JsonNode entry : versions) {
            if (!picked.get().equals(entry.path("version").asText())) {
                continue;
            }
            JsonNode urls = entry.get("urls");
            if (urls == null || !urls.isArray() || urls.isEmpty() || !urls.get(0).isTextual()) {
                throw new FetchException(chart.element() + ": " + location + " lists " + chart.name() + " " + picked.get()
                        + " without urls; the repository's index is broken");
            }
            URI archive;
            try {
                archive = URI.create(base(chart.repository())).resolve(urls.get(0).asText());
            } catch (IllegalArgumentException e) {
                throw new FetchException(chart.element() + ": " + location + " lists " + chart.name() + " " + picked.get()
                        + " with the URL '" + urls.get(0).asText() + "', which is not a URL");
            }
            String digest = entry.path("digest").asText("");
            if (!digest.isEmpty() && !digest.matches("(sha256:)?[0-9a-f]{64}")) {
                throw new FetchException(chart.element() + ": " + location + " gives " + chart.name() + " " + picked.get()
                        + " the digest '" + digest + "', which is not a sha256");
            }
            return new LockedChart(chart.name(), chart.repository(), picked.get(), archive.toString(),
                    digest.isEmpty() ? null : digest.startsWith("sha256:") ? digest : "sha256:" + digest);
        }
        throw new IllegalStateException("picked version vanished: " + picked.get());
    }

    private static String firstLine(String message) {
        String text = message == null ? "" : message;
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
