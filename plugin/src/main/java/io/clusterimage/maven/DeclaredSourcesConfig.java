package io.clusterimage.maven;

import io.clusterimage.core.Platform;
import io.clusterimage.fetch.ChartSource;
import io.clusterimage.fetch.FileSource;
import org.apache.maven.plugin.MojoExecutionException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code <charts>} with a {@code <repository>} and {@code <files>} of the POM, checked and turned into what the fetch stage takes. */
final class DeclaredSourcesConfig {

    private DeclaredSourcesConfig() {
    }

    /** The charts that have a {@code <repository>}; the others are vendored and only configure the scan. */
    static List<ChartSource> charts(List<ChartConfig> charts) throws MojoExecutionException {
        List<ChartSource> result = new ArrayList<>();
        if (charts == null) {
            return result;
        }
        for (ChartConfig chart : charts) {
            if (chart.repository == null || chart.repository.isBlank()) {
                if (chart.version != null && !chart.version.isBlank()) {
                    throw new MojoExecutionException("<charts><chart> " + chart.name + ": <version> needs a <repository> to fetch"
                            + " the chart from; a vendored chart's version is the one in its Chart.yaml");
                }
                continue;
            }
            if (chart.name == null || chart.name.isBlank() || !chart.name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw new MojoExecutionException("<charts><chart> from " + chart.repository + " needs a <name>: the chart's name"
                        + " in the repository (letters, digits, '.', '_', '-')");
            }
            if (chart.version == null || chart.version.isBlank()) {
                throw new MojoExecutionException("<charts><chart> " + chart.name + " needs a <version>: an exact version (1.2.3)"
                        + " or a range (>=1.2.0 <2.0.0, ^1.2, ~1.2.3), which cluster-image:lock pins");
            }
            String repository = chart.repository.strip().replaceAll("/+$", "");
            result.add(new ChartSource(chart.name, repository, chart.version.strip(), "<charts><chart> " + chart.name));
        }
        return result;
    }

    static List<FileSource> files(List<FileConfig> files, List<Platform> platforms) throws MojoExecutionException {
        List<FileSource> result = new ArrayList<>();
        if (files == null) {
            return result;
        }
        for (FileConfig file : files) {
            boolean hasUrl = file.url != null && !file.url.isBlank();
            boolean hasArtifact = file.artifact != null && !file.artifact.isBlank();
            if (hasUrl == hasArtifact) {
                throw new MojoExecutionException("<files><file> needs either a <url> or an <artifact> (Maven coordinates"
                        + " groupId:artifactId[:extension[:classifier]]:version), with ${os}, ${arch} where it differs per platform"
                        + (hasUrl ? "; it has both: " + file.url.strip() + " and " + file.artifact.strip() : ""));
            }
            String url = hasUrl ? file.url.strip() : "maven:" + file.artifact.strip();
            String element = "<files><file> " + (hasUrl ? url : file.artifact.strip());
            if (file.destination == null || file.destination.isBlank()) {
                throw new MojoExecutionException(element + ": needs a <destination> inside the build context, e.g. opt/ or opt/helm");
            }
            Map<Platform, String> sha256 = new LinkedHashMap<>();
            if (file.sha256 != null && !file.sha256.isBlank()) {
                for (Platform platform : platforms) {
                    sha256.put(platform, hex(file.sha256, element + ": <sha256>"));
                }
            }
            if (file.checksums != null) {
                for (FileConfig.FileChecksum checksum : file.checksums) {
                    Platform platform;
                    try {
                        platform = Platform.parse(checksum.platform == null ? "" : checksum.platform);
                    } catch (IllegalArgumentException e) {
                        throw new MojoExecutionException(element + ": <checksums><checksum><platform>: " + e.getMessage());
                    }
                    sha256.put(platform, hex(checksum.sha256, element + ": <checksums><checksum> " + platform + " <sha256>"));
                }
            }
            Integer mode = null;
            if (file.mode != null && !file.mode.isBlank()) {
                if (!file.mode.strip().matches("0?[0-7]{3,4}")) {
                    throw new MojoExecutionException(element + ": <mode> '" + file.mode + "' is not an octal mode such as 0755");
                }
                mode = Integer.parseInt(file.mode.strip(), 8) & 07777;
            }
            result.add(new FileSource(element, url, file.version == null ? null : file.version.strip(), sha256,
                    file.destination.strip(), file.extract == null ? "auto" : file.extract,
                    file.includes == null ? List.of() : file.includes, file.stripComponents, mode));
        }
        return result;
    }

    private static String hex(String value, String element) throws MojoExecutionException {
        String text = value == null ? "" : value.strip().toLowerCase(java.util.Locale.ROOT);
        if (text.startsWith("sha256:")) {
            text = text.substring("sha256:".length());
        }
        if (!text.matches("[0-9a-f]{64}")) {
            throw new MojoExecutionException(element + " '" + value + "' is not a sha256 (64 hex digits)");
        }
        return text;
    }
}
