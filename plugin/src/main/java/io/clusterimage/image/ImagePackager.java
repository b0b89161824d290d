package io.clusterimage.image;

import io.clusterimage.kubefile.Kubefile;
import io.clusterimage.registry.Attachments;
import io.clusterimage.registry.BaseImageFetcher;
import io.clusterimage.registry.ImageSaver;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Builds the cluster image into the format asked for: an oci-archive or an OCI directory with every layer written
 * once, straight into it (a layer whose inputs did not change taken from the previous output: a byte range of the
 * archive, a hard link to the directory's blob); a docker-archive built first, then written.
 */
public final class ImagePackager {

    private ImagePackager() {
    }

    /** What the archive carries beside the image, made once the image's digest is known (its signature, its SBOM). */
    @FunctionalInterface
    public interface Attacher<E extends Exception> {
        List<Attachments.Attachment> attach(BuiltImage image) throws IOException, E;
    }

    /** The format cannot hold the image: a docker-archive holds one platform and no signature. */
    public static final class FormatException extends Exception {
        FormatException(String message) {
            super(message);
        }
    }

    /**
     * @param target where the archive (or directory) goes; the image is named {@code options.refName()} in it
     * @param memo   what the previous output's layers were made of (for an oci-archive or an OCI directory)
     * @param log    what is worth saying: layers taken from the previous output
     */
    public static <E extends Exception> BuiltImage pack(Kubefile kubefile, ImageBuildOptions options, BaseImageFetcher baseImages,
                                                        OciArchiveWriter.Format format, Path target, Path memo, Attacher<E> attacher,
                                                        Consumer<String> log) throws IOException, ImageBuildException, FormatException, E {
        if (format != OciArchiveWriter.Format.DOCKER_ARCHIVE) {
            try (ReusingOutput output = format == OciArchiveWriter.Format.OCI_ARCHIVE
                    ? OciArchive.create(target, options.created(), memo) : OciDirectory.create(target, memo)) {
                BuiltImage image = ImageBuilder.build(kubefile, options, baseImages, output);
                output.finish(image, options.refName(), attacher.attach(image));
                if (output.reusedLayers() > 0) {
                    log.accept("took " + output.reusedLayers() + " unchanged layer(s) (" + ImageSaver.humanBytes(output.reusedBytes())
                            + ") from " + output.reusedFrom());
                }
                return image;
            }
        }
        BuiltImage image = ImageBuilder.build(kubefile, options, baseImages);
        List<Attachments.Attachment> attachments = attacher.attach(image);
        try {
            OciArchiveWriter.write(image, options.refName(), options.created(), target, format, attachments);
        } catch (IllegalArgumentException e) {
            throw new FormatException(e.getMessage());
        }
        return image;
    }
}
