package io.clusterimage.appimage;

import io.clusterimage.core.Platform;
import io.clusterimage.registry.ArchiveImages;
import io.clusterimage.registry.BaseImageFetcher;
import io.clusterimage.registry.ImageSaver;
import io.clusterimage.registry.OciLayoutSource;
import io.clusterimage.registry.RegistryException;
import io.clusterimage.registry.SaveOptions;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Builds every application image for every platform, under
 * {@code target/cluster-image/work/app-images/<os>-<arch>/}, and hands each to the saver as an archive
 * image of its own platform: from there it is stored exactly like an {@code <imageArchives>} file.
 */
public final class AppImages {

    private AppImages() {
    }

    /**
     * @param workRoot the app-images work directory (under target/)
     * @param fetcher  for base images from a registry (offline, it reads the cache only); null when none is
     * @param engineImages what the local engine said of its images for {@code <from><docker>} (the goal's, so that its
     *                     up-to-date check and this build ask once)
     */
    public static List<ImageSaver.ArchiveImage> build(List<AppImageSpec> specs, List<Platform> platforms, Path workRoot,
                                                      BaseImageFetcher fetcher, EngineImages engineImages, Consumer<String> log)
            throws IOException, AppImageException {
        List<ImageSaver.ArchiveImage> archives = new ArrayList<>();
        for (Platform platform : platforms) {
            Path platformDir = workRoot.resolve(SaveOptions.directoryName(platform));
            for (int i = 0; i < specs.size(); i++) {
                AppImageSpec spec = specs.get(i);
                String number = Integer.toString(i + 1);
                Path baseTar = platformDir.resolve(number + "-base.tar");
                try {
                    if (spec.base() instanceof AppImageSpec.RegistryBase registry) {
                        BaseImageTar.fromRegistry(fetcher, registry, platform, baseTar);
                    } else if (spec.base() instanceof AppImageSpec.DockerBase engine) {
                        try {
                            BaseImageTar.fromDocker(engine, engineImages, platform, platformDir.resolve(number + "-base"), baseTar);
                        } catch (IOException e) {
                            throw new AppImageException(spec.describe() + ": " + spec.base().element() + ": " + e.getMessage(), e);
                        }
                    } else {
                        BaseImageTar.fromArchive((AppImageSpec.ArchiveBase) spec.base(), platform,
                                platformDir.resolve(number + "-base"), baseTar);
                    }
                } catch (RegistryException e) {
                    throw new AppImageException(spec.describe() + ": " + spec.base().element() + ": " + e.getMessage()
                            + (e.kind() == RegistryException.Kind.OFFLINE_MISSING
                            ? "; the base image is not in the cache and the build is offline (-o): run once online to fill it,"
                              + " or use <from><archive>" : ""), e);
                }
                Path scratch = platformDir.resolve(number);
                AppImageBuilder.Built built = AppImageBuilder.build(spec, platform, baseTar,
                        scratch, platformDir.resolve(number + "-image.tar"), log);
                String refName = spec.image().repositoryPath() + ":" + spec.image().tag().orElse("latest");
                try {
                    OciLayoutSource layout = ArchiveImages.openAny(built.archive(), scratch.resolve("saved"));
                    ArchiveImages.requirePlatforms(layout, refName, spec.image().canonical(), List.of(platform));
                    archives.add(new ImageSaver.ArchiveImage(spec.image().canonical(), spec.describe(), layout,
                            spec.image().repositoryPath(), spec.image().tag().orElse("latest"), platform));
                } catch (RegistryException e) {
                    throw new AppImageException(spec.describe() + ": the image Jib built cannot be read: " + e.getMessage(), e);
                }
                log.accept(spec.image().canonical() + " [" + platform + "] built by Jib: " + built.digest());
            }
        }
        return archives;
    }
}
