package io.clusterimage.sbom;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a cluster image is made of, as the SBOM lists it. Every list is sorted by the writer, so the
 * order callers collect in does not change the bytes.
 *
 * @param root      the cluster image itself
 * @param images    every image saved into a registry tree, one entry per platform (images.lock)
 * @param charts    the charts the image carries
 * @param files     files under opt/ and bin/ of the build context (and what the fetch goal generated there)
 * @param bases     the images the Kubefile builds FROM
 * @param tool      the plugin's version, recorded as the tool that wrote the SBOM
 * @param timestamp ISO-8601, from project.build.outputTimestamp (fixed, so the SBOM is reproducible)
 */
public record SbomInput(Root root, List<Image> images, List<ChartEntry> charts, List<FileEntry> files, List<String> bases,
                        String tool, String timestamp) {

    public SbomInput {
        images = List.copyOf(images);
        charts = List.copyOf(charts);
        files = List.copyOf(files);
        bases = List.copyOf(bases);
    }

    /**
     * @param name      the image name (e.g. {@code deploy:1.0.0}'s repository part, {@code deploy})
     * @param version   the image tag / project version
     * @param group     the Maven groupId
     * @param artifact  the Maven artifactId
     * @param digest    the digest of what was built: the manifest, or the index for several platforms
     * @param platforms manifest digest per platform ({@code linux/amd64} → {@code sha256:…})
     */
    public record Root(String name, String version, String group, String artifact, String digest, Map<String, String> platforms) {
        public Root {
            platforms = Map.copyOf(platforms);
        }
    }

    /**
     * @param reference the canonical reference it is stored under ({@code docker.io/library/nginx:1.25})
     * @param platform  {@code linux/amd64}
     * @param digest    its manifest digest in that platform's tree
     * @param sources   where the scan found it ({@code manifest}, {@code chart}, {@code built}, …)
     * @param sboms     the SBOMs its publisher attached to it, carried into the registry tree with it
     */
    public record Image(String reference, String platform, String digest, List<String> sources, List<UpstreamSbom> sboms) {
        public Image {
            sources = List.copyOf(sources);
            sboms = List.copyOf(sboms);
        }

        public Image(String reference, String platform, String digest, List<String> sources) {
            this(reference, platform, digest, sources, List.of());
        }
    }

    /**
     * An SBOM an image came with, served by the cluster's registry next to it.
     *
     * @param digest    the manifest that holds it (the {@code .sbom} tag's, or the referrer's)
     * @param format    its media type ({@code application/spdx+json}, {@code application/vnd.cyclonedx+json}, …)
     * @param via       {@code cosign .sbom tag} or {@code OCI 1.1 referrer}
     */
    public record UpstreamSbom(String digest, String format, String via) {
    }

    /**
     * @param name       Chart.yaml's name
     * @param version    Chart.yaml's version
     * @param digest     {@code sha256:…} of its archive, when it came from a repository (the lock's digest)
     * @param repository where it came from, when known
     * @param path       where it is in the build context ({@code charts/nginx})
     */
    public record ChartEntry(String name, String version, Optional<String> digest, Optional<String> repository, String path) {
    }

    /**
     * @param path     path in the build context ({@code opt/helm})
     * @param platform the platform it is for, empty when every platform has the same file
     * @param sha256   hex
     */
    public record FileEntry(String path, String platform, String sha256) {
    }
}
