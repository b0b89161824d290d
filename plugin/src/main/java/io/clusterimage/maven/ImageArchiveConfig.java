package io.clusterimage.maven;

import io.clusterimage.inventory.DeclaredArchive;
import org.apache.maven.plugin.MojoExecutionException;

import java.io.File;
import java.util.List;

/**
 * {@code <imageArchives><imageArchive>} of the POM: an image another tool of the same build writes
 * to a file, bundled under the reference the manifests use. Read by scan-images and save-registry.
 * <pre>
 * &lt;imageArchives&gt;
 *   &lt;imageArchive&gt;
 *     &lt;file&gt;../orders/target/jib-image.tar&lt;/file&gt;
 *     &lt;image&gt;registry.example.com/team/orders:1.0&lt;/image&gt;
 *   &lt;/imageArchive&gt;
 * &lt;/imageArchives&gt;
 * </pre>
 */
public class ImageArchiveConfig {
    /**
     * A docker-archive (jib:buildTar, docker save), an oci-archive, or an OCI layout directory;
     * relative to the project directory, and may lie outside the build context.
     */
    String file;
    /** The reference the manifests use for it; it is stored under this repository and tag. */
    String image;

    /** The declarations, checked; a bad one fails the build with a message naming the element. */
    static List<DeclaredArchive> resolve(List<ImageArchiveConfig> configs, AbstractClusterImageMojo mojo) throws MojoExecutionException {
        if (configs == null || configs.isEmpty()) {
            return List.of();
        }
        // relative to the POM's directory, like every other path of the POM (the context may be a sub-directory)
        File basedir = mojo.project != null && mojo.project.getBasedir() != null ? mojo.project.getBasedir() : mojo.contextDirectory;
        try {
            return DeclaredArchive.parse(configs.stream().map(c -> new DeclaredArchive.Entry(c.file, c.image)).toList(),
                    basedir.toPath());
        } catch (DeclaredArchive.InvalidDeclarationException e) {
            throw new MojoExecutionException(e.getMessage());
        }
    }

    /** What the up-to-date checks compare: the declarations, not the files' content. */
    static String describe(List<DeclaredArchive> archives) {
        return archives.stream().map(a -> a.canonical() + "=" + a.file()).toList().toString();
    }
}
