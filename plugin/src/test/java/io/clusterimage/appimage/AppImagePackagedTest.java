package io.clusterimage.appimage;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code <containerizingMode>packaged} and {@code <entrypoint>}: the module's jar as it is, and the command line replaced. */
class AppImagePackagedTest {

    @TempDir
    static Path shared;
    static Path classes;
    static Path base;
    static List<Path> dependencies;

    @TempDir
    Path work;

    final List<String> log = new ArrayList<>();

    @BeforeAll
    static void inputs() throws Exception {
        AppImageFixtures.Inputs inputs = AppImageFixtures.inputs(shared);
        classes = inputs.classes();
        base = inputs.base();
        dependencies = inputs.dependencies();
    }

    private AppImageFixtures.Image build(AppImageFixtures.Spec spec, String name) throws Exception {
        return AppImageFixtures.build(spec.build(), base, work, name, log);
    }

    private static AppImageFixtures.Spec packaged(Path jar, String mainClass) {
        AppImageFixtures.Spec spec = new AppImageFixtures.Spec(jar);
        spec.mode = AppImageSpec.Mode.PACKAGED;
        spec.dependencies = dependencies;
        spec.mainClass = mainClass;
        return spec;
    }

    @Test
    void aFatJarRunsWithJavaJarAndBringsNoDependencyLayer() throws Exception {
        Path jar = AppImageFixtures.jar(classes, work.resolve("target/orders-1.0.jar"), "org.springframework.boot.loader.launch.JarLauncher",
                null, List.of("BOOT-INF/lib/lib-1.0.jar"));
        AppImageFixtures.Image image = build(packaged(jar, ""), "fat");
        assertEquals(List.of("java", "-Xmx64m", "-jar", "/app/orders-1.0.jar"), image.entrypoint());
        assertEquals(List.of(List.of("etc/base-release"), List.of("app/orders-1.0.jar")), image.layers(),
                "the base, then the jar alone: it bundles its dependencies");
        assertEquals(0644, image.modes().get("app/orders-1.0.jar"));
        assertEquals(List.of("<appImages><appImage> <image>registry.example.com/team/orders:1.0</image>: 2 runtime dependencies"
                + " left out: the jar bundles its own (BOOT-INF/lib/)"), log);
    }

    @Test
    void aJarWhoseManifestListsItsClassPathGetsTheDependencyLayers() throws Exception {
        Path jar = AppImageFixtures.jar(classes, work.resolve("orders-1.0.jar"), "demo.Main",
                "libs/lib-1.0.jar libs/util-2.0-SNAPSHOT.jar", List.of());
        AppImageFixtures.Image image = build(packaged(jar, ""), "classpath");
        assertEquals(List.of("java", "-Xmx64m", "-jar", "/app/orders-1.0.jar"), image.entrypoint());
        assertEquals(List.of(List.of("etc/base-release"), List.of("app/libs/lib-1.0.jar"), List.of("app/libs/util-2.0-SNAPSHOT.jar"),
                List.of("app/orders-1.0.jar")), image.layers(), "dependencies, snapshots, then the jar on top");
        assertTrue(log.isEmpty(), log.toString());
    }

    @Test
    void javaJarWithoutManifestClassPathLeavesTheDependenciesOutAndSaysSo() throws Exception {
        Path jar = AppImageFixtures.jar(classes, work.resolve("orders-1.0.jar"), "demo.Main");
        AppImageFixtures.Image image = build(packaged(jar, ""), "shaded");
        assertEquals(List.of(List.of("etc/base-release"), List.of("app/orders-1.0.jar")), image.layers());
        assertEquals(1, log.size());
        assertTrue(log.get(0).endsWith("2 runtime dependencies left out: java -jar reads only the jar's manifest Class-Path,"
                + " and this jar has none (a shaded jar needs none)"), log.get(0));
    }

    @Test
    void mainClassRunsTheJarWithClasspathAndDependencies() throws Exception {
        Path jar = AppImageFixtures.jar(classes, work.resolve("orders-1.0.jar"), null);
        AppImageFixtures.Image image = build(packaged(jar, "demo.Main"), "cp");
        assertEquals(List.of("java", "-Xmx64m", "-cp", "/app/orders-1.0.jar:/app/libs/*", "demo.Main"), image.entrypoint());
        assertEquals(List.of("app/libs/lib-1.0.jar"), image.layers().get(1));
        assertEquals(List.of("app/orders-1.0.jar"), image.top());
        assertEquals("[\"--port\",\"8080\"]", image.config().path("config").path("Cmd").toString(), "<args> as in exploded mode");
    }

    @Test
    void appRootMovesTheJarAndItsLibraries() throws Exception {
        Path jar = AppImageFixtures.jar(classes, work.resolve("root/orders-1.0.jar"), null);
        AppImageFixtures.Spec spec = packaged(jar, "demo.Main");
        spec.appRoot = "/opt/orders";
        AppImageFixtures.Image image = build(spec, "root");
        assertEquals(List.of("java", "-Xmx64m", "-cp", "/opt/orders/orders-1.0.jar:/opt/orders/libs/*", "demo.Main"), image.entrypoint());
        assertEquals(List.of("opt/orders/libs/lib-1.0.jar"), image.layers().get(1));
        assertEquals(List.of("opt/orders/orders-1.0.jar"), image.top());
    }

    @Test
    void theSameJarGivesTheSameDigestAndAnotherJarAnother() throws Exception {
        Path jar = AppImageFixtures.jar(classes, work.resolve("a/orders-1.0.jar"), "demo.Main");
        String first = build(packaged(jar, ""), "first").digest();
        assertEquals(first, build(packaged(jar, ""), "second").digest());
        Path changed = AppImageFixtures.jar(AppImageFixtures.classes(work.resolve("changed"), "bonjour"),
                work.resolve("b/orders-1.0.jar"), "demo.Main");
        assertNotEquals(first, build(packaged(changed, ""), "changed").digest());
    }

    @Test
    void badPackagedInputsNameTheirElementAndTheFix() throws Exception {
        assertMessage(packaged(classes, ""), ": <containerizingMode>packaged</containerizingMode> needs the module's jar, but the"
                + " module is not packaged yet (its artifact is the directory " + classes + "): run the package phase in the"
                + " reactor (mvn package from the root), or use <containerizingMode>exploded");
        Path noMain = AppImageFixtures.jar(classes, work.resolve("no-main.jar"), null);
        assertMessage(packaged(noMain, ""), "has no Main-Class in its manifest, so java -jar cannot run it: set <mainClass>");
        assertMessage(packaged(noMain, "demo.Missing"), ": <mainClass>demo.Missing</mainClass> is not in the module's jar");
        Path notJar = Files.writeString(work.resolve("orders.jar"), "not a zip");
        assertMessage(packaged(notJar, ""), "is not a jar");
        assertMessage(packaged(work.resolve("missing.jar"), ""), "missing.jar does not exist; build the module");
    }

    @Test
    void entrypointReplacesTheJavaCommandLineInBothModes() throws Exception {
        AppImageFixtures.Spec exploded = new AppImageFixtures.Spec(classes);
        exploded.jvmFlags = List.of();
        exploded.dependencies = dependencies;
        exploded.entrypoint = List.of("/bin/sh", "-c", "exec java -cp '/app/classes:/app/libs/*' demo.Main");
        AppImageFixtures.Image image = build(exploded, "exploded");
        assertEquals(exploded.entrypoint, image.entrypoint());
        assertEquals(List.of("app/classes/demo/Main.class"), image.top(), "the code is still there");
        assertTrue(image.layers().get(1).contains("app/libs/lib-1.0.jar"), image.layers().toString());

        AppImageFixtures.Spec packaged = packaged(AppImageFixtures.jar(classes, work.resolve("orders-1.0.jar"), null), "");
        packaged.jvmFlags = List.of();
        packaged.entrypoint = List.of("java", "-jar", "/app/orders-1.0.jar");
        image = build(packaged, "packaged");
        assertEquals(packaged.entrypoint, image.entrypoint(), "no Main-Class needed: the entrypoint is the user's");
        assertEquals(List.of("app/orders-1.0.jar"), image.top());
        assertTrue(image.layers().get(1).contains("app/libs/lib-1.0.jar"), "the entrypoint may use them: " + image.layers());
    }

    @Test
    void entrypointWithJvmFlagsOrMainClassIsRefused() {
        AppImageFixtures.Spec spec = new AppImageFixtures.Spec(classes);
        spec.entrypoint = List.of("/opt/run.sh");
        assertMessage(spec, ": <entrypoint> replaces the java command line, so <jvmFlags> would not be used: remove it, or"
                + " write the flags and the class into <entrypoint>");
        spec.mainClass = "demo.Main";
        assertMessage(spec, "so <mainClass> and <jvmFlags> would not be used: remove them");
        spec.jvmFlags = List.of();
        assertMessage(spec, "so <mainClass> would not be used: remove it");
    }

    private void assertMessage(AppImageFixtures.Spec spec, String expected) {
        AppImageException e = assertThrows(AppImageException.class, () -> build(spec, "bad"));
        assertTrue(e.getMessage().startsWith(AppImageSpec.ELEMENT + " <image>registry.example.com/team/orders:1.0</image>"),
                e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
