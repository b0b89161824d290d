package io.clusterimage.maven;

import java.util.List;

/**
 * {@code <files><file>} of the POM: a download the fetch goal places into each platform's generated context.
 * <pre>
 * &lt;file&gt;
 *   &lt;url&gt;https://get.helm.sh/helm-v3.14.0-${os}-${arch}.tar.gz&lt;/url&gt;
 *   &lt;destination&gt;opt&lt;/destination&gt;
 *   &lt;includes&gt;&lt;include&gt;*&#47;helm&lt;/include&gt;&lt;/includes&gt;
 *   &lt;stripComponents&gt;1&lt;/stripComponents&gt;
 *   &lt;mode&gt;0755&lt;/mode&gt;
 * &lt;/file&gt;
 * </pre>
 */
public class FileConfig {
    /** With {@code ${os}}, {@code ${arch}}, {@code ${variant}}, and {@code @{version}} for {@code <version>}. */
    String url;
    /**
     * Instead of a URL: Maven coordinates {@code groupId:artifactId[:extension[:classifier]]:version}
     * (placeholders as in the URL), resolved as Maven resolves dependencies.
     */
    String artifact;
    /** What {@code @{version}} (or {@code ${version}}, which Maven itself expands to the project's version) stands for. */
    String version;
    /** Inside the build context: a directory for an archive; a file path for a download kept as it is (a directory when it ends in /). */
    String destination;
    /** The sha256 (hex) of the download, when it is the same for every platform. */
    String sha256;
    /** The sha256 per platform. */
    List<FileChecksum> checksums;
    /** {@code auto} (by the URL's suffix), {@code none}, {@code tar.gz} or {@code zip}. */
    String extract;
    /** Archive paths to take (globs, a directory takes what is under it); all when none. */
    List<String> includes;
    /** Leading path components dropped from archive entries. */
    int stripComponents;
    /** Octal file mode of what is placed, e.g. 0755. */
    String mode;

    /** {@code <checksums><checksum>}: one platform's sha256. */
    public static class FileChecksum {
        /** {@code os/arch[/variant]}. */
        String platform;
        /** 64 hex digits. */
        String sha256;
    }
}
