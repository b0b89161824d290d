package io.clusterimage.maven;

import io.clusterimage.appimage.AppImageSpec;
import io.clusterimage.inventory.DeclaredArchive;
import io.clusterimage.reference.ImageReference;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.project.MavenProject;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code <appImages><appImage>} of the POM: the application's own image, built by the plugin with Jib
 * Core from a module of the same build and bundled like an {@code <imageArchives>} image. Read by
 * scan-images (the name) and save-registry (the build). Names follow jib-maven-plugin where they mean
 * the same.
 * <pre>
 * &lt;appImages&gt;
 *   &lt;appImage&gt;
 *     &lt;image&gt;registry.example.com/team/orders:${project.version}&lt;/image&gt;
 *     &lt;module&gt;com.example:orders&lt;/module&gt;
 *     &lt;from&gt;&lt;image&gt;eclipse-temurin:21-jre&lt;/image&gt;&lt;/from&gt;
 *   &lt;/appImage&gt;
 * &lt;/appImages&gt;
 * </pre>
 */
public class AppImageConfig {
    /** The reference the manifests use; the image is stored under this repository and tag. */
    String image;
    /** {@code groupId:artifactId} of a module this project depends on; default: this project's own classes. */
    String module;
    /** The class to run; default: the Main-Class of the module's jar manifest. */
    String mainClass;
    /** The base image. */
    AppImageFrom from;
    /** Flags between {@code java} and {@code -cp}. */
    List<String> jvmFlags;
    /** Program arguments. */
    List<String> args;
    /** Exposed ports: {@code 8080}, {@code 5000/udp}, {@code 7000-7003}. */
    List<String> ports;
    /** Environment variables. */
    Map<String, String> environment;
    /** Image labels. */
    Map<String, String> labels;
    /** The user the process runs as ({@code 1000}, {@code app:app}); default: the base image's. */
    String user;
    /** The working directory (absolute); default: the base image's. */
    String workingDirectory;
    /** {@code exploded} (classes, resources and dependencies in layers, the default) or {@code packaged} (the module's jar). */
    String containerizingMode;
    /**
     * Replaces the {@code java} command line; {@code <jvmFlags>} and {@code <mainClass>} must then be left out.
     * {@code <entrypoint>INHERIT</entrypoint>} keeps the base image's entrypoint (and its Cmd, unless {@code <args>}).
     */
    List<String> entrypoint;
    /** Files copied into the image as they are. */
    AppImageExtraDirectories extraDirectories;
    /** Absolute paths the image declares as volumes, as jib-maven-plugin's {@code <container><volumes>}. */
    List<String> volumes;
    /**
     * Where the application goes in the image, as jib-maven-plugin's {@code <container><appRoot>}; default
     * {@code /app}, for a war {@code /var/lib/jetty/webapps/ROOT} (e.g. {@code /usr/local/tomcat/webapps/ROOT} on Tomcat).
     */
    String appRoot;

    /**
     * The names scan-images lists as {@code built}, checked: a valid reference without a digest, declared
     * once across {@code <imageArchives>} and {@code <appImages>}.
     */
    static List<DeclaredArchive> declared(List<AppImageConfig> configs, List<DeclaredArchive> imageArchives, File outputDirectory)
            throws MojoExecutionException {
        List<DeclaredArchive> result = new ArrayList<>();
        if (configs == null) {
            return result;
        }
        Map<String, String> seen = new HashMap<>();
        imageArchives.forEach(a -> seen.put(a.canonical(), DeclaredArchive.ELEMENT));
        Path where = outputDirectory.toPath().resolve("work/app-images").toAbsolutePath().normalize();
        for (int i = 0; i < configs.size(); i++) {
            String element = AppImageSpec.ELEMENT + " number " + (i + 1);
            ImageReference reference = reference(configs.get(i).image, element);
            String earlier = seen.putIfAbsent(reference.canonical(), element);
            if (earlier != null) {
                throw new MojoExecutionException(element + " declares " + reference.canonical() + ", which " + earlier
                        + " declares too; one tag can hold one image: remove one, or give them different tags");
            }
            result.add(new DeclaredArchive(reference, configs.get(i).image.strip(), where, AppImageSpec.ELEMENT));
        }
        return result;
    }

    private static ImageReference reference(String image, String element) throws MojoExecutionException {
        String written = image == null ? "" : image.strip();
        if (written.isEmpty()) {
            throw new MojoExecutionException(element + " has no <image>: give the reference the manifests use for the"
                    + " application, e.g. registry.example.com/team/orders:${project.version}");
        }
        try {
            return DeclaredArchive.reference(written, element + ": <image>", false);
        } catch (DeclaredArchive.InvalidDeclarationException e) {
            throw new MojoExecutionException(e.getMessage());
        }
    }

    /** What save-registry builds: each declaration with its module's code and runtime classpath resolved. */
    static List<AppImageSpec> resolve(List<AppImageConfig> configs, MavenProject project, List<MavenProject> reactor)
            throws MojoExecutionException {
        List<AppImageSpec> specs = new ArrayList<>();
        if (configs == null) {
            return specs;
        }
        Instant created = creationTime(project);
        for (int i = 0; i < configs.size(); i++) {
            AppImageConfig config = configs.get(i);
            ImageReference reference = reference(config.image, AppImageSpec.ELEMENT + " number " + (i + 1));
            String element = AppImageSpec.ELEMENT + " <image>" + config.image.strip() + "</image>";
            AppImageSpec.Mode mode = mode(config.containerizingMode, element);
            ModuleCode code = ModuleCode.of(config.module, mode, project, reactor, element);
            specs.add(new AppImageSpec(reference, config.image.strip(), code.code(), code.dependencies(), config.mainClass,
                    base(config.from, project, element), list(config.jvmFlags), list(config.args), list(config.ports),
                    map(config.environment), map(config.labels), config.user, config.workingDirectory, created, mode,
                    list(config.entrypoint), extraDirectories(config.extraDirectories, project, element),
                    permissions(config.extraDirectories), list(config.volumes), config.appRoot));
        }
        return specs;
    }

    private static AppImageSpec.Mode mode(String value, String element) throws MojoExecutionException {
        String written = value == null ? "" : value.strip();
        return switch (written) {
            case "", "exploded" -> AppImageSpec.Mode.EXPLODED;
            case "packaged" -> AppImageSpec.Mode.PACKAGED;
            default -> throw new MojoExecutionException(element + ": <containerizingMode>" + written + "</containerizingMode>"
                    + " is neither exploded (classes, resources and dependencies in layers of their own, the default) nor"
                    + " packaged (the module's jar, run with java -jar)");
        };
    }

    private static List<AppImageSpec.ExtraDirectory> extraDirectories(AppImageExtraDirectories config, MavenProject project,
                                                                      String element) throws MojoExecutionException {
        List<AppImageSpec.ExtraDirectory> result = new ArrayList<>();
        if (config == null || config.paths == null) {
            return result;
        }
        for (AppImageExtraDirectories.ExtraPath path : config.paths) {
            String from = path == null || path.from == null ? "" : path.from.strip();
            if (from.isEmpty()) {
                throw new MojoExecutionException(element + ": <extraDirectories><paths><path> has no <from>; give the"
                        + " directory whose files go into the image, relative to the project directory (e.g. src/main/jib)");
            }
            result.add(new AppImageSpec.ExtraDirectory(project.getBasedir().toPath().resolve(from).toAbsolutePath().normalize(),
                    path.into == null ? "/" : path.into));
        }
        return result;
    }

    private static List<AppImageSpec.Permission> permissions(AppImageExtraDirectories config) {
        if (config == null || config.permissions == null) {
            return List.of();
        }
        return config.permissions.stream().map(p -> new AppImageSpec.Permission(p.file, p.mode)).toList();
    }

    private static AppImageSpec.Base base(AppImageFrom from, MavenProject project, String element) throws MojoExecutionException {
        String image = from == null || from.image == null ? "" : from.image.strip();
        String archive = from == null || from.archive == null ? "" : from.archive.strip();
        String docker = from == null || from.docker == null ? "" : from.docker.strip();
        long given = Stream.of(image, archive, docker).filter(s -> !s.isEmpty()).count();
        if (given != 1) {
            throw new MojoExecutionException(element + ": <from> needs " + (given == 0 ? "" : "only one of ")
                    + "<image> (a base image reference, e.g. eclipse-temurin:21-jre), <archive> (a docker-archive,"
                    + " oci-archive or OCI layout directory holding it) or <docker> (an image of the local Docker or Podman)");
        }
        if (!docker.isEmpty()) {
            String executable = from.dockerExecutable == null || from.dockerExecutable.isBlank() ? "docker" : from.dockerExecutable.strip();
            return new AppImageSpec.DockerBase(docker, executable);
        }
        if (!archive.isEmpty()) {
            return new AppImageSpec.ArchiveBase(project.getBasedir().toPath().resolve(archive).toAbsolutePath().normalize());
        }
        try {
            return new AppImageSpec.RegistryBase(DeclaredArchive.reference(image, element + ": <from><image>", true));
        } catch (DeclaredArchive.InvalidDeclarationException e) {
            throw new MojoExecutionException(e.getMessage());
        }
    }

    /**
     * The image's creation time: {@code project.build.outputTimestamp} when the project sets it (the time
     * the reproducible jars carry too), else the epoch as Jib does. Either way the same build gives the same digest.
     */
    static Instant creationTime(MavenProject project) throws MojoExecutionException {
        return AbstractClusterImageMojo.outputTimestamp(project.getProperties().getProperty("project.build.outputTimestamp", ""));
    }

    /** What the up-to-date check compares: every setting (the code, dependencies and extra directories are added as files). */
    static String describe(List<AppImageSpec> specs) {
        return specs.stream().map(s -> List.of(s.image().canonical(), s.code(), s.dependencies(), s.mainClass(),
                s.base(), s.jvmFlags(), s.args(), s.ports(), new java.util.TreeMap<>(s.environment()),
                new java.util.TreeMap<>(s.labels()), s.user(), s.workingDirectory(), s.creationTime(), s.mode(),
                s.entrypoint(), s.extraDirectories(), s.permissions(), s.volumes(), s.appRoot()).toString()).toList().toString();
    }

    private static List<String> list(List<String> values) {
        return values == null ? List.of() : values.stream().map(v -> v == null ? "" : v).toList();
    }

    private static Map<String, String> map(Map<String, String> values) {
        Map<String, String> result = new HashMap<>();
        if (values != null) {
            values.forEach((k, v) -> result.put(k, v == null ? "" : v));
        }
        return result;
    }

    /** A module's compiled code and its runtime dependencies, from this project's resolved dependencies. */
    record ModuleCode(Path code, List<Path> dependencies) {

        private static final Set<String> RUNTIME_SCOPES = Set.of(Artifact.SCOPE_COMPILE, Artifact.SCOPE_RUNTIME);

        static ModuleCode of(String module, AppImageSpec.Mode mode, MavenProject project, List<MavenProject> reactor,
                             String element) throws MojoExecutionException {
            Set<Artifact> artifacts = project.getArtifacts();
            if (module == null || module.isBlank()) {
                List<Path> dependencies = artifacts.stream().filter(ModuleCode::onClasspath).map(a -> a.getFile().toPath()).toList();
                if ("war".equals(project.getPackaging())) {
                    return new ModuleCode(war(project, element), dependencies);
                }
                if (mode == AppImageSpec.Mode.EXPLODED) {
                    return new ModuleCode(Path.of(project.getBuild().getOutputDirectory()), dependencies);
                }
                File jar = project.getArtifact() == null ? null : project.getArtifact().getFile();
                if (jar == null) {
                    throw new MojoExecutionException(element + ": <containerizingMode>packaged</containerizingMode> needs"
                            + " this project's jar, which is not built yet when save-registry runs: bind save-registry to the"
                            + " package phase after the jar, or name the module whose jar it is in <module>");
                }
                return new ModuleCode(jar.toPath(), dependencies);
            }
            String[] parts = module.strip().split(":");
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new MojoExecutionException(element + ": <module>" + module.strip() + "</module> is not groupId:artifactId;"
                        + " write e.g. <module>com.example:orders</module>, or leave it out to use this project's classes");
            }
            Optional<Artifact> found = artifacts.stream()
                    .filter(a -> a.getGroupId().equals(parts[0]) && a.getArtifactId().equals(parts[1])).findFirst();
            if (found.isEmpty()) {
                boolean inReactor = reactor.stream().anyMatch(p -> p.getGroupId().equals(parts[0]) && p.getArtifactId().equals(parts[1]));
                throw new MojoExecutionException(element + ": <module>" + module.strip() + "</module> is "
                        + (inReactor ? "in the reactor but not" : "neither in the reactor nor") + " a dependency of "
                        + project.getGroupId() + ":" + project.getArtifactId() + "; add a <dependency> on it (so the reactor"
                        + " builds it first and its runtime classpath is resolved)" + (inReactor ? "" : " or correct <module>"));
            }
            Artifact artifact = found.get();
            if (artifact.getFile() == null) {
                throw new MojoExecutionException(element + ": <module>" + module.strip() + "</module> has not been built;"
                        + " build it in the same reactor (mvn package from the root) or install it first");
            }
            // its own runtime dependencies: the artifacts this project reaches through it
            String prefix = artifact.getGroupId() + ":" + artifact.getArtifactId() + ":";
            List<Path> dependencies = artifacts.stream().filter(a -> a != artifact && onClasspath(a))
                    .filter(a -> a.getDependencyTrail() != null && a.getDependencyTrail().size() > 2
                            && a.getDependencyTrail().get(1).startsWith(prefix))
                    .map(a -> a.getFile().toPath()).toList();
            return new ModuleCode(artifact.getFile().toPath(), dependencies);
        }

        /** A war project's own war: the packaged file, else the directory war:exploded (or war:war) wrote. */
        private static Path war(MavenProject project, String element) throws MojoExecutionException {
            File war = project.getArtifact() == null ? null : project.getArtifact().getFile();
            if (war != null && war.isFile()) {
                return war.toPath();
            }
            Path exploded = Path.of(project.getBuild().getDirectory(), project.getBuild().getFinalName());
            if (Files.isDirectory(exploded.resolve("WEB-INF"))) {
                return exploded;
            }
            throw new MojoExecutionException(element + ": this war project's war is not built yet when save-registry runs:"
                    + " bind save-registry to the package phase after war:war, or name the war module in <module> of"
                    + " another project");
        }

        private static boolean onClasspath(Artifact artifact) {
            return artifact.getFile() != null && RUNTIME_SCOPES.contains(artifact.getScope())
                    && artifact.getArtifactHandler() != null && artifact.getArtifactHandler().isAddedToClasspath();
        }
    }
}
