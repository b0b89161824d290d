package io.clusterimage.appimage;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Jib Core builds the application's image from compiled classes on a local base, with no registry and no daemon. */
class AppImageBuilderTest {

    @TempDir
    static Path shared;
    static Path classes;
    static Path base;
    static List<Path> dependencies;

    @TempDir
    Path work;

    @BeforeAll
    static void inputs() throws Exception {
        AppImageFixtures.Inputs inputs = AppImageFixtures.inputs(shared);
        classes = inputs.classes();
        base = inputs.base();
        dependencies = inputs.dependencies();
    }

    private AppImageFixtures.Image build(AppImageSpec spec, String name) throws Exception {
        return AppImageFixtures.build(spec, base, work, name, new ArrayList<>());
    }

    @Test
    void configHasTheJavaEntrypointAndThePomSettings() throws Exception {
        JsonNode config = build(AppImageFixtures.spec(classes, dependencies, "demo.Main"), "config").config();
        JsonNode c = config.path("config");
        assertEquals(List.of("java", "-Xmx64m", "-cp", "/app/classes:/app/resources:/app/libs/*", "demo.Main"), strings(c.path("Entrypoint")));
        assertEquals(List.of("--port", "8080"), strings(c.path("Cmd")), "<args>, not the base image's Cmd");
        assertTrue(strings(c.path("Env")).containsAll(List.of("PATH=/bin", "MODE=prod")), "base and POM environment: " + c.path("Env"));
        assertTrue(c.path("ExposedPorts").has("8080/tcp") && c.path("ExposedPorts").has("9090/udp"), c.path("ExposedPorts").toString());
        assertEquals("orders", c.path("Labels").path("team").asText());
        assertEquals("1000:1000", c.path("User").asText());
        assertEquals("/work", c.path("WorkingDir").asText());
        assertEquals("amd64", config.path("architecture").asText());
        assertEquals("linux", config.path("os").asText());
        assertEquals("1970-01-01T00:00:00Z", config.path("created").asText());
    }

    @Test
    void entrypointInheritKeepsTheBaseImagesEntrypointInBothModes() throws Exception {
        Path withEntrypoint = AppImageFixtures.baseTarWithEntrypoint(work.resolve("bases/entrypoint.tar"));
        for (AppImageSpec.Mode mode : AppImageSpec.Mode.values()) {
            AppImageFixtures.Spec spec = new AppImageFixtures.Spec(mode == AppImageSpec.Mode.PACKAGED
                    ? AppImageFixtures.jar(classes, work.resolve("inherit.jar"), "demo.Main") : classes);
            spec.mode = mode;
            spec.jvmFlags = List.of();
            spec.entrypoint = List.of("INHERIT");
            JsonNode c = AppImageFixtures.build(spec.build(), withEntrypoint, work, "inherit-" + mode, new ArrayList<>()).config().path("config");
            assertEquals(List.of("/docker-entrypoint.sh"), strings(c.path("Entrypoint")), mode + ": the base image's entrypoint");
            assertEquals(List.of("--port", "8080"), strings(c.path("Cmd")), mode + ": <args> still given");
        }
        AppImageFixtures.Spec noArgs = new AppImageFixtures.Spec(classes);
        noArgs.jvmFlags = List.of();
        noArgs.entrypoint = List.of("INHERIT");
        noArgs.args = List.of();
        JsonNode kept = AppImageFixtures.build(noArgs.build(), withEntrypoint, work, "inherit-cmd", new ArrayList<>()).config().path("config");
        assertEquals(List.of("cat", "/etc/base-release"), strings(kept.path("Cmd")), "without <args> the base image's Cmd stays");
        AppImageFixtures.Spec withFlags = new AppImageFixtures.Spec(classes);
        withFlags.entrypoint = List.of("INHERIT");
        AppImageException lost = org.junit.jupiter.api.Assertions.assertThrows(AppImageException.class,
                () -> AppImageFixtures.build(withFlags.build(), withEntrypoint, work, "inherit-flags", new ArrayList<>()));
        assertTrue(lost.getMessage().contains("<entrypoint>"), lost.getMessage());
    }

    @Test
    void layersAreBaseDependenciesSnapshotsResourcesThenClasses() throws Exception {
        List<List<String>> layers = build(AppImageFixtures.spec(classes, dependencies, "demo.Main"), "layers").layers();
        assertEquals(List.of("etc/base-release"), layers.get(0));
        assertTrue(layers.get(1).contains("app/libs/lib-1.0.jar"), layers.toString());
        assertTrue(layers.get(2).contains("app/libs/util-2.0-SNAPSHOT.jar"), layers.toString());
        assertEquals(List.of("app/resources/app.properties"), layers.get(3));
        assertEquals(List.of("app/classes/demo/Main.class"), layers.get(layers.size() - 1), "the classes are the top layer");
    }

    @Test
    void sameInputsGiveTheSameDigestAndChangedCodeAnother() throws Exception {
        AppImageSpec spec = AppImageFixtures.spec(classes, dependencies, "demo.Main");
        String first = build(spec, "first").digest();
        String second = build(spec, "second").digest();
        assertEquals(first, second);
        Path changed = AppImageFixtures.classes(work.resolve("changed"), "bonjour");
        assertNotEquals(first, build(AppImageFixtures.spec(changed, dependencies, "demo.Main"), "changed").digest());
    }

    @Test
    void aJarIsUnpackedAndItsManifestNamesTheMainClass() throws Exception {
        Path jar = AppImageFixtures.jar(classes, work.resolve("orders-1.0.jar"), "demo.Main");
        AppImageFixtures.Image image = build(AppImageFixtures.spec(jar, List.of(), ""), "jar");
        assertEquals("demo.Main", last(strings(image.config().path("config").path("Entrypoint"))));
        List<List<String>> layers = image.layers();
        assertEquals(List.of("app/classes/demo/Main.class"), layers.get(layers.size() - 1));
        assertTrue(layers.stream().flatMap(List::stream).noneMatch(name -> name.contains("META-INF/maven")),
                "the jar's build metadata is left out: " + layers);
    }

    @Test
    void noMainClassNamesTheElement() throws Exception {
        Path jar = AppImageFixtures.jar(classes, work.resolve("no-main.jar"), null);
        for (Path code : List.of(classes, jar)) {
            AppImageException e = assertThrows(AppImageException.class,
                    () -> build(AppImageFixtures.spec(code, List.of(), ""), "nomain"));
            assertTrue(e.getMessage().contains("<appImages><appImage> <image>registry.example.com/team/orders:1.0</image> has no main class: set <mainClass>"),
                    e.getMessage());
        }
        assertFalse(Files.exists(work.resolve("nomain.tar")));
    }

    @Test
    void volumesAreDeclaredInTheConfigAndMustBeAbsolute() throws Exception {
        AppImageFixtures.Spec spec = new AppImageFixtures.Spec(AppImageFixtures.spec(classes, dependencies, "demo.Main"));
        spec.volumes = List.of("/var/cache/orders", "/tmp");
        JsonNode volumes = build(spec.build(), "volumes").config().path("config").path("Volumes");
        assertEquals(List.of("/tmp", "/var/cache/orders"), fieldNames(volumes), volumes.toString());
        spec.volumes = List.of("data");
        assertMessage(spec.build(), "<volumes><volume>data</volume> is not an absolute path");
    }

    @Test
    void appRootMovesTheClasspathOfAJar() throws Exception {
        AppImageFixtures.Spec spec = new AppImageFixtures.Spec(AppImageFixtures.spec(classes, dependencies, "demo.Main"));
        spec.appRoot = "/srv/orders";
        AppImageFixtures.Image image = build(spec.build(), "app-root");
        assertEquals(List.of("java", "-Xmx64m", "-cp", "/srv/orders/classes:/srv/orders/resources:/srv/orders/libs/*", "demo.Main"),
                image.entrypoint());
        assertEquals(List.of("srv/orders/classes/demo/Main.class"), image.top());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names.stream().sorted().toList();
    }

    @Test
    void badInputsNameTheirElement() throws Exception {
        AppImageSpec good = AppImageFixtures.spec(classes, List.of(), "demo.Main");
        assertMessage(withMainClass(good, "demo.Missing"), "<mainClass>demo.Missing</mainClass> is not among the module's classes");
        assertMessage(with(good, List.of("http"), "/work"), "<ports> [http]");
        assertMessage(with(good, List.of(), "work"), "<workingDirectory>work</workingDirectory> is not an absolute path");
        assertMessage(AppImageFixtures.spec(work.resolve("missing.jar"), List.of(), "demo.Main"), "missing.jar does not exist");
        try (var files = Files.list(work)) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".tar") || p.toString().endsWith(".partial")),
                    "no archive is left behind by a failed build");
        }
    }

    private void assertMessage(AppImageSpec spec, String expected) {
        AppImageException e = assertThrows(AppImageException.class, () -> build(spec, "bad"));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().startsWith(AppImageSpec.ELEMENT), e.getMessage());
    }

    private static AppImageSpec withMainClass(AppImageSpec s, String mainClass) {
        AppImageFixtures.Spec spec = new AppImageFixtures.Spec(s);
        spec.mainClass = mainClass;
        return spec.build();
    }

    private static AppImageSpec with(AppImageSpec s, List<String> ports, String workingDirectory) {
        AppImageFixtures.Spec spec = new AppImageFixtures.Spec(s);
        spec.ports = ports;
        spec.workingDirectory = workingDirectory;
        return spec.build();
    }

    private static List<String> strings(JsonNode array) {
        List<String> result = new ArrayList<>();
        array.forEach(node -> result.add(node.asText()));
        return result;
    }

    private static String last(List<String> list) {
        return list.get(list.size() - 1);
    }
}
