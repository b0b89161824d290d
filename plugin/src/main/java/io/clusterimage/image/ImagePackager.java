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
 * Builds the cluster image into the format asked for — an oci-archive, a docker-archive or an OCI directory — with
 * every layer written once, straight into it, and a layer whose inputs did not change taken from the previous output
 * (a byte range of the archive, a hard link to the directory's blob).
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
     * @param memo   what the previous output's layers were made of
     * @param log    what is worth saying: layers taken from the previous output
     */
    public static <E extends Exception> BuiltImage pack(Kubefile kubefile, ImageBuildOptions options, BaseImageFetcher baseImages,
                                                        OciArchiveWriter.Format format, Path target, Path memo, Attacher<E> attacher,
                                                        Consumer<String> log) throws IOException, ImageBuildException, FormatException, E {
        try (ReusingOutput output = switch (format) {
            case OCI_ARCHIVE -> OciArchive.create(target, options.created(), memo);
            case DOCKER_ARCHIVE -> OciArchive.createDocker(target, options.created(), memo);
            case OCI_DIRECTORY -> OciDirectory.create(target, memo);
        }) {
            BuiltImage image = ImageBuilder.build(kubefile, options, baseImages, output);
            try {
                output.finish(image, options.refName(), attacher.attach(image));
            } catch (IllegalArgumentException e) {
                if (format != OciArchiveWriter.Format.DOCKER_ARCHIVE) {
                    throw e;
                }
                throw new FormatException(e.getMessage()); // several platforms, or a signature
            }
            if (output.reusedLayers() > 0) {
                log.accept("took " + output.reusedLayers() + " unchanged layer(s) (" + ImageSaver.humanBytes(output.reusedBytes())
                        + ") from " + output.reusedFrom());
            }
            return image;
        }
    }
}
