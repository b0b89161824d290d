package io.clusterimage.appimage;

import io.clusterimage.reference.ImageReference;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One {@code <appImages><appImage>} of the POM, resolved: the application's own image, built from the
 * compiled code of a module of the same build on a base image, in Jib's exploded layout or as the
 * module's jar ({@link Mode}).
 *
 * @param image            the reference it is stored under in every platform's registry tree
 * @param written          {@code <image>} as written in the POM, for messages
 * @param code             the module's compiled code: its classes directory (target/classes) or its jar
 * @param dependencies     the module's runtime dependencies (jars), in classpath order
 * @param mainClass        the class to run; empty to take the jar manifest's Main-Class
 * @param base             where the base image comes from
 * @param jvmFlags         flags put between {@code java} and {@code -cp}
 * @param args             program arguments (the image's Cmd)
 * @param ports            exposed ports as jib-maven-plugin writes them ({@code 8080}, {@code 5000/udp}, {@code 7000-7003})
 * @param environment      environment variables
 * @param labels           image labels
 * @param user             the user the process runs as; empty to keep the base image's
 * @param workingDirectory an absolute path; empty to keep the base image's
 * @param creationTime     the image's creation time (Jib's default is the epoch, which keeps digests stable)
 * @param mode             how the module's code goes into the image
 * @param entrypoint       replaces the {@code java} command line when not empty ({@code jvmFlags} and
 *                         {@code mainClass} must then be empty); {@code [INHERIT]} keeps the base image's, as
 *                         jib-maven-plugin's {@code <entrypoint>INHERIT</entrypoint>}
 * @param extraDirectories directories whose files are copied into the image as they are
 * @param permissions      modes of files of the extra directories, by path in the image (globs allowed)
 * @param volumes          absolute paths the image declares as volumes (its config's {@code Volumes})
 * @param appRoot          where the application goes in the image; empty for the default ({@code /app}, for a
 *                         war {@code /var/lib/jetty/webapps/ROOT}), as jib-maven-plugin's {@code container.appRoot}
 */
public record AppImageSpec(ImageReference image, String written, Path code, List<Path> dependencies, String mainClass,
                           Base base, List<String> jvmFlags, List<String> args, List<String> ports,
                           Map<String, String> environment, Map<String, String> labels, String user,
                           String workingDirectory, Instant creationTime, Mode mode, List<String> entrypoint,
                           List<ExtraDirectory> extraDirectories, List<Permission> permissions, List<String> volumes,
                           String appRoot) {

    /** How messages name the declaration. */
    public static final String ELEMENT = "<appImages><appImage>";

    public AppImageSpec {
        dependencies = List.copyOf(dependencies);
        mainClass = mainClass == null ? "" : mainClass.strip();
        jvmFlags = List.copyOf(jvmFlags);
        args = List.copyOf(args);
        ports = List.copyOf(ports);
        environment = Map.copyOf(environment);
        labels = Map.copyOf(labels);
        user = user == null ? "" : user.strip();
        workingDirectory = workingDirectory == null ? "" : workingDirectory.strip();
        mode = mode == null ? Mode.EXPLODED : mode;
        entrypoint = List.copyOf(entrypoint);
        extraDirectories = List.copyOf(extraDirectories);
        permissions = List.copyOf(permissions);
        volumes = List.copyOf(volumes);
        appRoot = appRoot == null ? "" : appRoot.strip().replaceAll("(.)/+$", "$1");
    }

    /** Whether the image keeps its base image's entrypoint ({@code <entrypoint>INHERIT</entrypoint>}). */
    public boolean inheritsEntrypoint() {
        return entrypoint.size() == 1 && entrypoint.get(0).equals("INHERIT");
    }

    /** How messages name this image: the element and its {@code <image>}. */
    public String describe() {
        return ELEMENT + " <image>" + written + "</image>";
    }

    /** Where the base image comes from: {@code <from><image>}, {@code <from><archive>} or {@code <from><docker>}. */
    public sealed interface Base permits RegistryBase, ArchiveBase, DockerBase {
        /** How messages name it: the POM element, e.g. {@code <from><archive>/src/base.tar</archive>}. */
        String element();
    }

    /** A base image pulled the way save-registry pulls (mirrors, credentials, the blob cache, {@code mvn -o}). */
    public record RegistryBase(ImageReference reference) implements Base {
        @Override
        public String element() {
            return "<from><image>" + reference.canonical() + "</image>";
        }
    }

    /** A base image read from a docker-archive, an oci-archive or an OCI layout directory. */
    public record ArchiveBase(Path file) implements Base {
        @Override
        public String element() {
            return "<from><archive>" + file + "</archive>";
        }
    }

    /**
     * A base image of the local container engine, by the name the engine knows it under, taken with
     * {@code <executable> save} ({@code docker}, or {@code podman}, which needs no daemon).
     */
    public record DockerBase(String name, String executable) implements Base {
        @Override
        public String element() {
            return "<from><docker>" + name + "</docker>";
        }
    }

    /** jib-maven-plugin's {@code <containerizingMode>}. */
    public enum Mode {
        /** Classes, resources and dependency jars in layers of their own, run with {@code -cp}. */
        EXPLODED,
        /** The module's jar as it is, run with {@code -jar} (or {@code -cp} with a {@code <mainClass>}). */
        PACKAGED
    }

    /** {@code <extraDirectories><paths><path>}: the files under {@code from} go to {@code into} in the image. */
    public record ExtraDirectory(Path from, String into) {
    }

    /** {@code <extraDirectories><permissions><permission>}: an octal mode for the files {@code file} matches. */
    public record Permission(String file, String mode) {
    }
}
