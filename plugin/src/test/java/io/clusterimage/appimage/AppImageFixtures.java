package io.clusterimage.appimage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clusterimage.core.TarReader;
import io.clusterimage.reference.ImageReference;
import io.clusterimage.registry.ArchiveImages;
import io.clusterimage.registry.Manifest;
import io.clusterimage.registry.OciLayoutSource;
import io.clusterimage.testing.TestImages;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.zip.GZIPInputStream;

/** Real inputs for application image tests: classes compiled here, a base image made here, the built image read back. */
final class AppImageFixtures {

    static final ObjectMapper JSON = new ObjectMapper();

    private AppImageFixtures() {
    }

    /** What every build test starts from: {@code demo.Main} compiled, a base image, a release and a snapshot jar. */
    record Inputs(Path classes, Path base, List<Path> dependencies) {
    }

    static Inputs inputs(Path dir) throws Exception {
        return new Inputs(classes(dir.resolve("orders"), "hello"), baseTar(dir.resolve("base/base.tar")),
                List.of(dependency(dir.resolve("repo/lib-1.0.jar"), "lib/Lib.txt"),
                        dependency(dir.resolve("repo/util-2.0-SNAPSHOT.jar"), "util/Util.txt")));
    }

    /** Compiles {@code demo.Main} (its text varies with {@code greeting}) and adds a resource file. */
    static Path classes(Path dir, String greeting) throws IOException {
        Path sources = dir.resolve("src/demo");
        Files.createDirectories(sources);
        Files.writeString(sources.resolve("Main.java"), "package demo;\npublic class Main {\n"
                + "  public static void main(String[] args) { System.out.println(\"" + greeting + "\"); }\n}\n");
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        int result = compiler.run(null, null, null, "-d", classes.toString(), sources.resolve("Main.java").toString());
        if (result != 0) {
            throw new IOException("javac failed: " + result);
        }
        Files.writeString(classes.resolve("app.properties"), "greeting=" + greeting + "\n");
        return classes;
    }

    /** The classes directory as a jar, with {@code mainClass} as its Main-Class when not null. */
    static Path jar(Path classes, Path jar, String mainClass) throws IOException {
        return jar(classes, jar, mainClass, null, List.of());
    }

    /**
     * The classes directory as a jar, with a Main-Class and a Class-Path when not null and empty
     * {@code extraEntries} (e.g. {@code BOOT-INF/lib/dep.jar} for a Spring Boot fat jar).
     */
    static Path jar(Path classes, Path jar, String mainClass, String classPath, List<String> extraEntries) throws IOException {
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (mainClass != null) {
            manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
        }
        if (classPath != null) {
            manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        }
        Files.createDirectories(jar.getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
             var files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, out);
                out.closeEntry();
            }
            for (String entry : extraEntries) {
                out.putNextEntry(new JarEntry(entry));
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("META-INF/maven/demo/orders/pom.properties"));
            out.write("version=1\n".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    /** A dependency jar holding one file. */
    static Path dependency(Path jar, String entry) throws IOException {
        Files.createDirectories(jar.getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry(entry));
            out.write(entry.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    /** A one-layer linux/amd64 base image as a docker-archive, with Cmd and Env Jib must deal with. */
    static Path baseTar(Path tar) throws IOException, io.clusterimage.registry.RegistryException {
        return baseTar(tar, null, "base 1\n");
    }

    /** {@link #baseTar} whose layer's one file says {@code release}: another base image. */
    static Path baseTarOfRelease(Path tar, String release) throws IOException, io.clusterimage.registry.RegistryException {
        return baseTar(tar, null, release);
    }

    /** {@link #baseTar} whose config also has {@code Entrypoint ["/docker-entrypoint.sh"]}. */
    static Path baseTarWithEntrypoint(Path tar) throws IOException, io.clusterimage.registry.RegistryException {
        return baseTar(tar, "/docker-entrypoint.sh", "base 1\n");
    }

    private static Path baseTar(Path tar, String entrypoint, String release) throws IOException, io.clusterimage.registry.RegistryException {
        TestImages.Blob layer = TestImages.layer(List.of(TestImages.Entry.file("etc/base-release", release)));
        TestImages.Blob config = TestImages.config("linux", "amd64", List.of(layer));
        Path layerFile = tar.resolveSibling(tar.getFileName() + "-layer.tar.gz");
        Files.createDirectories(tar.getParent());
        Files.write(layerFile, layer.content());
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(withCmd(config.content()));
        if (entrypoint != null) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) node.path("config")).putArray("Entrypoint").add(entrypoint);
        }
        BaseImageTar.write(new BaseImageTar.Parts(JSON.writeValueAsBytes(node), List.of(layerFile), List.of(layer.mediaType())),
                "test base", tar);
        return tar;
    }

    /** Adds {@code Cmd ["cat","/etc/base-release"]} to a config (Jib must not pass it to main()). */
    static byte[] withCmd(byte[] config) throws IOException {
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(config);
        ((com.fasterxml.jackson.databind.node.ObjectNode) node.path("config")).putArray("Cmd").add("cat").add("/etc/base-release");
        return JSON.writeValueAsBytes(node);
    }

    static AppImageSpec spec(Path code, List<Path> dependencies, String mainClass) {
        Spec spec = new Spec(code);
        spec.dependencies = dependencies;
        spec.mainClass = mainClass;
        return spec.build();
    }

    /** The settings tests vary, with the values the other tests assert; {@link #build} makes the record. */
    static final class Spec {
        Path code;
        List<Path> dependencies = List.of();
        String mainClass = "";
        List<String> jvmFlags = List.of("-Xmx64m");
        List<String> ports = List.of("8080", "9090/udp");
        String workingDirectory = "/work";
        AppImageSpec.Mode mode = AppImageSpec.Mode.EXPLODED;
        List<String> entrypoint = List.of();
        List<AppImageSpec.ExtraDirectory> extraDirectories = List.of();
        List<AppImageSpec.Permission> permissions = List.of();
        /** The {@code <from><archive>}: only {@link AppImages#build} reads it, {@link #build(AppImageSpec, Path, Path, String, List)} takes a base tar. */
        Path base = Path.of("unused");
        List<String> volumes = List.of();
        String appRoot = "";
        List<String> args = List.of("--port", "8080");

        Spec(Path code) {
            this.code = code;
        }

        Spec(AppImageSpec from) {
            code = from.code();
            dependencies = from.dependencies();
            mainClass = from.mainClass();
            jvmFlags = from.jvmFlags();
            ports = from.ports();
            workingDirectory = from.workingDirectory();
            mode = from.mode();
            entrypoint = from.entrypoint();
            extraDirectories = from.extraDirectories();
            permissions = from.permissions();
            volumes = from.volumes();
            appRoot = from.appRoot();
            args = from.args();
        }

        AppImageSpec build() {
            return new AppImageSpec(ImageReference.parse("registry.example.com/team/orders:1.0"), "registry.example.com/team/orders:1.0",
                    code, dependencies, mainClass, new AppImageSpec.ArchiveBase(base), jvmFlags,
                    args, ports, Map.of("MODE", "prod"), Map.of("team", "orders"),
                    "1000:1000", workingDirectory, Instant.EPOCH, mode, entrypoint, extraDirectories, permissions, volumes, appRoot);
        }
    }

    /**
     * The built image read back: config JSON, each layer's file names bottom first, and the mode of
     * every file and directory in the layers by name.
     */
    record Image(String digest, JsonNode config, List<List<String>> layers, Map<String, Integer> modes) {

        List<String> entrypoint() {
            List<String> result = new ArrayList<>();
            config.path("config").path("Entrypoint").forEach(node -> result.add(node.asText()));
            return result;
        }

        List<String> top() {
            return layers.get(layers.size() - 1);
        }
    }

    /** Builds {@code spec} for linux/amd64 on {@code base} in {@code work}, and reads the image back. */
    static Image build(AppImageSpec spec, Path base, Path work, String name, List<String> log) throws Exception {
        AppImageBuilder.Built built = AppImageBuilder.build(spec, io.clusterimage.core.Platform.LINUX_AMD64, base,
                work.resolve(name + "-work"), work.resolve(name + ".tar"), log::add);
        Image image = read(built.archive(), work.resolve(name + "-read"));
        if (!built.digest().equals(image.digest())) {
            throw new AssertionError("the digest Jib reports is not the manifest in the archive: " + built.digest());
        }
        return image;
    }

    static Image read(Path archive, Path workDir) throws Exception {
        OciLayoutSource layout = ArchiveImages.openAny(archive, workDir);
        Manifest manifest = layout.top(null);
        List<Manifest.Descriptor> blobs = manifest.blobs();
        JsonNode config = JSON.readTree(layout.blob(blobs.get(0).digest()).toFile());
        List<List<String>> layers = new ArrayList<>();
        Map<String, Integer> modes = new java.util.TreeMap<>();
        for (Manifest.Descriptor layer : blobs.subList(1, blobs.size())) {
            List<String> files = new ArrayList<>();
            try (InputStream in = new GZIPInputStream(Files.newInputStream(layout.blob(layer.digest())))) {
                TarReader tar = new TarReader(in);
                for (TarReader.Entry entry = tar.next(); entry != null; entry = tar.next()) {
                    String name = entry.name().replaceFirst("^\\./", "").replaceFirst("^/", "").replaceFirst("/$", "");
                    modes.put(name, entry.mode() & 07777);
                    if (entry.isFile()) {
                        files.add(name);
                    }
                }
            }
            layers.add(files.stream().sorted().toList());
        }
        return new Image(manifest.digest(), config, layers, modes);
    }
}
