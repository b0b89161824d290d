package io.clusterimage.maven;

import io.clusterimage.inventory.DeclaredArchive;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.project.MavenProject;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@code <imageArchives><imageArchive>} of the POM: an image another tool of the same build writes
 * to a file, bundled under the reference the manifests use. Read by scan-images and save-registry.
 * <pre>
 * &lt;imageArchives&gt;
 *   &lt;imageArchive&gt;
 *     &lt;file&gt;../orders/target/jib-image.tar&lt;/file&gt;
 *     &lt;image&gt;registry.example.com/team/orders:1.0&lt;/image&gt;
 *   &lt;/imageArchive&gt;
 *   &lt;imageArchive&gt;
 *     &lt;artifact&gt;com.example:payments:tar:image&lt;/artifact&gt;
 *     &lt;image&gt;registry.example.com/team/payments:1.0&lt;/image&gt;
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
    /**
     * Instead of {@code file}: {@code groupId:artifactId[:type[:classifier]]} of an artifact a module of this build
     * makes — one it attaches (e.g. with build-helper-maven-plugin's attach-artifact), or its main artifact.
     */
    String artifact;
    /** The reference the manifests use for it; it is stored under this repository and tag. */
    String image;

    /** The declarations, checked; a bad one fails the build with a message naming the element. */
    static List<DeclaredArchive> resolve(List<ImageArchiveConfig> configs, AbstractClusterImageMojo mojo) throws MojoExecutionException {
        if (configs == null || configs.isEmpty()) {
            return List.of();
        }
        // relative to the POM's directory, like every other path of the POM (the context may be a sub-directory)
        File basedir = mojo.inputs().baseDirectory();
        List<MavenProject> reactor = mojo.session == null ? List.of() : mojo.session.getProjects();
        List<DeclaredArchive.Entry> entries = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            ImageArchiveConfig config = configs.get(i);
            String file = config.file;
            if (config.artifact != null && !config.artifact.isBlank()) {
                String where = DeclaredArchive.ELEMENT + " number " + (i + 1);
                if (file != null && !file.isBlank()) {
                    throw new MojoExecutionException(where + " has both <file> and <artifact>: name the image's file one way, not two");
                }
                file = reactorArtifact(config.artifact.strip(), reactor, where).getAbsolutePath();
            }
            entries.add(new DeclaredArchive.Entry(file, config.image));
        }
        try {
            return DeclaredArchive.parse(entries, basedir.toPath());
        } catch (DeclaredArchive.InvalidDeclarationException e) {
            throw new MojoExecutionException(e.getMessage());
        }
    }

    /**
     * The file of the artifact {@code coordinates} (groupId:artifactId[:type[:classifier]]) names among what the
     * reactor's modules have made so far: the module's attached artifacts and its main artifact.
     */
    static File reactorArtifact(String coordinates, List<MavenProject> reactor, String where) throws MojoExecutionException {
        String[] parts = coordinates.split(":", -1);
        if (parts.length < 2 || parts.length > 4 || List.of(parts).stream().anyMatch(String::isBlank)) {
            throw new MojoExecutionException(where + ": <artifact>" + coordinates + "</artifact> is not"
                    + " groupId:artifactId[:type[:classifier]]; write e.g. <artifact>com.example:orders:tar:image</artifact>");
        }
        String type = parts.length > 2 ? parts[2] : null;
        String classifier = parts.length > 3 ? parts[3] : null;
        MavenProject module = reactor.stream().filter(p -> p.getGroupId().equals(parts[0]) && p.getArtifactId().equals(parts[1]))
                .findFirst().orElseThrow(() -> new MojoExecutionException(where + ": <artifact>" + coordinates + "</artifact>: "
                        + parts[0] + ":" + parts[1] + " is not a module of this build; name a file made elsewhere with <file>"));
        List<Artifact> made = new ArrayList<>();
        if (module.getArtifact() != null) {
            made.add(module.getArtifact());
        }
        made.addAll(module.getAttachedArtifacts());
        Artifact found = made.stream()
                .filter(a -> (type == null || type.equals(a.getType())) && Objects.equals(classifier, blankToNull(a.getClassifier())))
                .findFirst().orElseThrow(() -> new MojoExecutionException(where + ": <artifact>" + coordinates + "</artifact>: module "
                        + parts[0] + ":" + parts[1] + " has made no artifact" + (type == null ? "" : " of type " + type)
                        + (classifier == null ? " without a classifier" : " with classifier " + classifier) + " (so far: "
                        + made.stream().map(ImageArchiveConfig::describe).toList() + "); attach it in that module"
                        + " (build-helper-maven-plugin's attach-artifact) or correct <artifact>"));
        File file = found.getFile();
        if (file == null || !file.exists()) {
            throw new MojoExecutionException(where + ": <artifact>" + coordinates + "</artifact> has not been built yet:"
                    + " make this project depend on module " + parts[0] + ":" + parts[1] + " (a <dependency>"
                    + (type == null ? "" : " with <type>" + type + "</type>")
                    + (classifier == null ? "" : " and <classifier>" + classifier + "</classifier>")
                    + ") so the reactor builds it first, and build both in one reactor (mvn package from the root)");
        }
        return file;
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    private static String describe(Artifact artifact) {
        return artifact.getType() + (blankToNull(artifact.getClassifier()) == null ? "" : ":" + artifact.getClassifier());
    }

    /** What the up-to-date checks compare: the declarations, not the files' content. */
    static String describe(List<DeclaredArchive> archives) {
        return archives.stream().map(a -> a.canonical() + "=" + a.file()).toList().toString();
    }
}
