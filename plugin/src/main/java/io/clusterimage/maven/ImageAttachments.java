package io.clusterimage.maven;

import io.clusterimage.image.BuiltImage;
import io.clusterimage.image.OciArchiveWriter;
import io.clusterimage.registry.Attachments;
import io.clusterimage.registry.Digests;
import io.clusterimage.registry.Referrers;
import io.clusterimage.sbom.CycloneDxWriter;
import io.clusterimage.sbom.SbomInput;
import org.apache.maven.plugin.MojoExecutionException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What package-image stores in the archive beside the image, once its digest is known: its signature
 * ({@code <signing>}) and its SBOM, as an OCI 1.1 artifact whose subject it is (also written to
 * {@code sbom.cdx.json}).
 */
final class ImageAttachments {

    private final PackageImageMojo mojo;
    private final ImageSigning signer;
    private final OciArchiveWriter.Format format;
    private String sbomDigest;

    ImageAttachments(PackageImageMojo mojo, ImageSigning signer, OciArchiveWriter.Format format) {
        this.mojo = mojo;
        this.signer = signer;
        this.format = format;
    }

    /** The digest of the SBOM stored in the archive, for image.json; null when there is none. */
    String sbomDigest() {
        return sbomDigest;
    }

    List<Attachments.Attachment> of(BuiltImage image) throws MojoExecutionException, IOException {
        List<Attachments.Attachment> attachments = new ArrayList<>();
        if (signer != null) {
            Attachments.Attachment signature = signer.sign(image.digest());
            mojo.getLog().info("cluster-image: signed " + image.digest() + " with " + signer.describe() + " (" + signature.tag() + ")");
            attachments.add(signature);
        }
        if (!mojo.skipSbom && format != OciArchiveWriter.Format.DOCKER_ARCHIVE) {
            SbomInput input = SbomInputs.collect(mojo, SbomInputs.root(mojo, mojo.imageName, image.digest(), image.manifestDigests()),
                    AbstractClusterImageMojo.outputTimestamp(mojo.outputTimestamp).toString());
            byte[] sbom = CycloneDxWriter.toJson(input).getBytes(StandardCharsets.UTF_8);
            Path file = mojo.outputDirectory.toPath().resolve(SbomMojo.FILE_NAME);
            CycloneDxWriter.write(sbom, file);
            attachments.add(Referrers.artifact(image.subject(), PackageImageMojo.SBOM_TYPE, sbom));
            sbomDigest = Digests.of(sbom);
            mojo.getLog().info("cluster-image: SBOM (CycloneDX 1.6) of " + input.images().size() + " image(s), " + input.charts().size()
                    + " chart(s), " + input.files().size() + " file(s) -> " + file + ", stored in the archive as an OCI 1.1 artifact of "
                    + image.digest());
        }
        return attachments;
    }
}
