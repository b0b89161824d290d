package io.clusterimage.appimage;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A web application (a war, or an exploded one) is laid out as jib-maven-plugin lays out war packaging, under
 * Jetty's web application root unless {@code <appRoot>} moves it, and the base image's servlet container runs
 * it: its entrypoint and Cmd are kept.
 */
class AppImageWarTest {

    private static final String ROOT = "var/lib/jetty/webapps/ROOT/";

    @TempDir
    static Path shared;
    static Path war;
    static Path exploded;
    static Path base;

    @TempDir
    Path work;

    @BeforeAll
    static void inputs() throws Exception {
        Path classes = AppImageFixtures.classes(shared.resolve("web"), "hello");
        exploded = Files.createDirectories(shared.resolve("exploded"));
        Files.createDirectories(exploded.resolve("WEB-INF/lib"));
        Files.writeString(exploded.resolve("index.html"), "<h1>orders</h1>\n");
        Files.writeString(exploded.resolve("WEB-INF/web.xml"), "<web-app/>\n");
        copyTree(classes, exploded.resolve("WEB-INF/classes"));
        AppImageFixtures.dependency(exploded.resolve("WEB-INF/lib/lib-1.0.jar"), "lib/Lib.txt");
        AppImageFixtures.dependency(exploded.resolve("WEB-INF/lib/util-2.0-SNAPSHOT.jar"), "util/Util.txt");
        war = zip(exploded, shared.resolve("orders.war"));
        base = AppImageFixtures.baseTarWithEntrypoint(shared.resolve("base/jetty.tar"));
    }

    private AppImageFixtures.Spec spec(Path code) {
        AppImageFixtures.Spec spec = new AppImageFixtures.Spec(code);
        spec.jvmFlags = List.of();
        spec.args = List.of();
        return spec;
    }

    @Test
    void aWarGoesUnderJettysRootInJibsLayersAndTheBaseImageRunsIt() throws Exception {
        AppImageFixtures.Image image = AppImageFixtures.build(spec(war).build(), base, work, "war", new ArrayList<>());
        List<List<String>> layers = image.layers();
        assertEquals(List.of("etc/base-release"), layers.get(0));
        assertEquals(List.of(ROOT + "WEB-INF/lib/lib-1.0.jar"), layers.get(1), "release dependencies: " + layers);
        assertEquals(List.of(ROOT + "WEB-INF/lib/util-2.0-SNAPSHOT.jar"), layers.get(2), "snapshot dependencies: " + layers);
        assertEquals(List.of(ROOT + "WEB-INF/web.xml", ROOT + "index.html"), layers.get(3), "resources: " + layers);
        assertEquals(List.of(ROOT + "WEB-INF/classes/app.properties", ROOT + "WEB-INF/classes/demo/Main.class"),
                layers.get(4), "WEB-INF/classes on top: " + layers);
        JsonNode config = image.config().path("config");
        assertEquals(List.of("/docker-entrypoint.sh"), strings(config.path("Entrypoint")), "the servlet container's entrypoint");
        assertEquals(List.of("cat", "/etc/base-release"), strings(config.path("Cmd")), "and its Cmd, as no <args> replace it");

        assertEquals(image.digest(), AppImageFixtures.build(spec(exploded).build(), base, work, "exploded", new ArrayList<>()).digest(),
                "an exploded war (war:exploded) gives the same image as the war file");
    }

    @Test
    void appRootMovesTheApplicationForAnotherServletContainer() throws Exception {
        AppImageFixtures.Spec spec = spec(war);
        spec.appRoot = "/usr/local/tomcat/webapps/ROOT/";
        List<String> files = AppImageFixtures.build(spec.build(), base, work, "tomcat", new ArrayList<>()).layers()
                .stream().flatMap(List::stream).toList();
        assertTrue(files.contains("usr/local/tomcat/webapps/ROOT/WEB-INF/classes/demo/Main.class"), files.toString());
        assertTrue(files.stream().noneMatch(f -> f.startsWith("var/lib/jetty")), files.toString());
    }

    @Test
    void settingsThatOnlyAJarUsesAreRefusedForAWar() {
        AppImageFixtures.Spec withMain = spec(war);
        withMain.mainClass = "demo.Main";
        assertMessage(withMain, "<mainClass> does not apply to a war");
        AppImageFixtures.Spec withFlags = spec(war);
        withFlags.jvmFlags = List.of("-Xmx64m");
        assertMessage(withFlags, "<jvmFlags> does not apply to a war");
        AppImageFixtures.Spec packaged = spec(war);
        packaged.mode = AppImageSpec.Mode.PACKAGED;
        assertMessage(packaged, "<containerizingMode>packaged</containerizingMode> does not apply to a war");
        AppImageFixtures.Spec relative = spec(war);
        relative.appRoot = "webapps/ROOT";
        assertMessage(relative, "<appRoot>webapps/ROOT</appRoot> is not an absolute path");
    }

    private void assertMessage(AppImageFixtures.Spec spec, String expected) {
        AppImageException e = assertThrows(AppImageException.class,
                () -> AppImageFixtures.build(spec.build(), base, work, "bad", new ArrayList<>()));
        assertTrue(e.getMessage().startsWith(AppImageSpec.ELEMENT) && e.getMessage().contains(expected), e.getMessage());
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target);
            }
        }
    }

    /** The exploded war as a .war (a zip), entries in name order. */
    private static Path zip(Path directory, Path file) throws IOException {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(file)); Stream<Path> files = Files.walk(directory)) {
            for (Path entry : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new ZipEntry(directory.relativize(entry).toString()));
                Files.copy(entry, out);
                out.closeEntry();
            }
        }
        return file;
    }
}
