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
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (mainClass != null) {
            manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
             var files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, out);
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
        TestImages.Blob layer = TestImages.layer(List.of(TestImages.Entry.file("etc/base-release", "base 1\n")));
        TestImages.Blob config = TestImages.config("linux", "amd64", List.of(layer));
        Path layerFile = tar.resolveSibling("base-layer.tar.gz");
        Files.createDirectories(tar.getParent());
        Files.write(layerFile, layer.content());
        BaseImageTar.write(new BaseImageTar.Parts(withCmd(config.content()), List.of(layerFile),
                List.of(layer.mediaType())), "test base", tar);
        return tar;
    }

    /** Adds {@code Cmd ["cat","/etc/base-release"]} to a config (Jib must not pass it to main()). */
    static byte[] withCmd(byte[] config) throws IOException {
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(config);
        ((com.fasterxml.jackson.databind.node.ObjectNode) node.path("config")).putArray("Cmd").add("cat").add("/etc/base-release");
        return JSON.writeValueAsBytes(node);
    }

    static AppImageSpec spec(Path code, List<Path> dependencies, String mainClass) {
        return new AppImageSpec(ImageReference.parse("registry.example.com/team/orders:1.0"), "registry.example.com/team/orders:1.0",
                code, dependencies, mainClass, new AppImageSpec.ArchiveBase(Path.of("unused")), List.of("-Xmx64m"),
                List.of("--port", "8080"), List.of("8080", "9090/udp"), Map.of("MODE", "prod"), Map.of("team", "orders"),
                "1000:1000", "/work", Instant.EPOCH);
    }

    /** The built image read back: config JSON and each layer's entry names, bottom first. */
    record Image(String digest, JsonNode config, List<List<String>> layers) {
    }

    static Image read(Path archive, Path workDir) throws Exception {
        OciLayoutSource layout = ArchiveImages.openAny(archive, workDir);
        Manifest manifest = layout.top(null);
        List<Manifest.Descriptor> blobs = manifest.blobs();
        JsonNode config = JSON.readTree(layout.blob(blobs.get(0).digest()).toFile());
        List<List<String>> layers = new ArrayList<>();
        for (Manifest.Descriptor layer : blobs.subList(1, blobs.size())) {
            Path unpacked = workDir.resolve("layer-" + layers.size());
            Files.createDirectories(unpacked);
            try (InputStream in = new GZIPInputStream(Files.newInputStream(layout.blob(layer.digest())))) {
                TarReader.extract(in, unpacked);
            }
            try (var files = Files.walk(unpacked)) {
                layers.add(files.filter(Files::isRegularFile).map(p -> unpacked.relativize(p).toString().replace('\\', '/'))
                        .sorted().toList());
            }
        }
        return new Image(manifest.digest(), config, layers);
    }
}
