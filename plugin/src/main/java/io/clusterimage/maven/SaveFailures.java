package io.clusterimage.maven;

import io.clusterimage.registry.ImageSaver;
import io.clusterimage.registry.RegistryException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.Log;

import java.nio.file.Path;
import java.util.Set;

/** How save-registry reports the images it could not save: an [ERROR] line each, with advice, then one failure. */
final class SaveFailures {

    private SaveFailures() {
    }

    /**
     * The [ERROR] line of an image that could not be saved. An archive's errors say what to do with the
     * archive, so the advice about registries is only added to the others.
     */
    static String line(ImageSaver.Failure failure, boolean fromArchive) {
        return failure.image() + " [" + failure.platform() + "]: " + failure.error().getMessage()
                + (fromArchive ? "" : advice(failure.error()));
    }

    private static String advice(RegistryException error) {
        return switch (error.kind()) {
            case UNAUTHORIZED -> " — log in (docker login / podman login), or add a settings.xml <server> whose <id> is the registry host";
            case FORBIDDEN -> " — the credentials are valid but may not read this repository; check the account's permissions";
            case NOT_FOUND -> " — check the image name and tag (a typo, or a private image that needs credentials)";
            case TLS -> "";
            case TRANSIENT -> " — the registry or the network kept failing; try again, or configure a <mirrors> entry";
            // the message itself says that nothing was stored; this says why it happens
            case DIGEST_MISMATCH -> " — the registry (or a proxy in between) corrupts content; try again, or configure a <mirrors> entry";
            case POLICY -> " — sign the image (cosign sign --key), or change <signaturePolicy> if the rule is wrong";
            case INCOMPLETE -> " — every part is stored before the tag, so files of the tree changed meanwhile (or this is a bug:"
                    + " please report it); run again";
            default -> "";
        };
    }

    /**
     * Logs an [ERROR] line per image that could not be saved and returns the failure that ends the build: offline,
     * the images missing from the cache; else how many failed.
     *
     * @param fromArchives the names of the images saved from files
     */
    static MojoFailureException report(ImageSaver.SaveException e, Set<String> fromArchives, boolean offline, Path cache, Log log) {
        for (ImageSaver.Failure failure : e.failures()) {
            log.error(line(failure, fromArchives.contains(failure.image())));
        }
        if (offline && e.failures().stream().allMatch(f -> f.error().kind() == RegistryException.Kind.OFFLINE_MISSING)) {
            return new MojoFailureException("Offline (-o) and " + e.failures().size() + " image(s) are not in the cache "
                    + cache + "; run once online to fill it. Missing: " + e.failures().stream().map(ImageSaver.Failure::image).distinct().toList());
        }
        return new MojoFailureException(e.failures().size() + " image(s) could not be saved; see the [ERROR] lines above.");
    }
}
