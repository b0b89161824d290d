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

/** {@code <extraDirectories>}: files copied as they are, on top, with their modes, and nothing from outside the directory. */
class AppImageExtraDirectoriesTest {

    @TempDir
    static Path shared;
    static Path classes;
    static Path base;

    @TempDir
    Path work;

    @BeforeAll
    static void inputs() throws Exception {
        AppImageFixtures.Inputs inputs = AppImageFixtures.inputs(shared);
        classes = inputs.classes();
        base = inputs.base();
    }

    /** src/main/jib with opt/run.sh and etc/orders/app.yaml, as a project would have it. */
    private Path jibDirectory(String name) throws Exception {
        Path from = work.resolve(name + "/src/main/jib");
        Files.createDirectories(from.resolve("opt"));
        Files.createDirectories(from.resolve("etc/orders"));
        Files.writeString(from.resolve("opt/run.sh"), "#!/bin/sh\nexec java -cp '/app/classes:/app/libs/*' demo.Main\n");
        Files.writeString(from.resolve("etc/orders/app.yaml"), "port: 8080\n");
        return from;
    }

    private static AppImageFixtures.Spec spec(List<AppImageSpec.ExtraDirectory> directories, AppImageSpec.Permission... permissions) {
        AppImageFixtures.Spec spec = new AppImageFixtures.Spec(classes);
        spec.mainClass = "demo.Main";
        spec.extraDirectories = directories;
        spec.permissions = List.of(permissions);
        return spec;
    }

    private AppImageFixtures.Image build(AppImageFixtures.Spec spec, String name) throws Exception {
        return AppImageFixtures.build(spec.build(), base, work, name, new ArrayList<>());
    }

    @Test
    void filesGoOnTopWithDefaultModesAndThePermissionsGiven() throws Exception {
        Path from = jibDirectory("a");
        AppImageFixtures.Image image = build(spec(List.of(new AppImageSpec.ExtraDirectory(from, "/")),
                new AppImageSpec.Permission("/opt/run.sh", "755")), "extra");
        assertEquals(List.of("etc/orders/app.yaml", "opt/run.sh"), image.top(), "one layer on top of the classes");
        assertEquals(List.of("app/classes/demo/Main.class"), image.layers().get(image.layers().size() - 2));
        assertEquals(0755, image.modes().get("opt/run.sh"));
        assertEquals(0644, image.modes().get("etc/orders/app.yaml"));
        assertEquals(0755, image.modes().get("etc/orders"), "directories 755");
    }

    @Test
    void intoPlacesTheContentAndGlobsMatchAndEachDirectoryIsALayer() throws Exception {
        Path from = jibDirectory("b");
        Path more = Files.createDirectories(work.resolve("b/more"));
        Files.writeString(more.resolve("notes.txt"), "notes\n");
        AppImageFixtures.Image image = build(spec(List.of(new AppImageSpec.ExtraDirectory(from, "/srv/orders"),
                        new AppImageSpec.ExtraDirectory(more, "/usr/share/orders")),
                new AppImageSpec.Permission("/srv/orders/**.sh", "700"), new AppImageSpec.Permission("/usr/share/orders/*", "600")),
                "into");
        List<List<String>> layers = image.layers();
        assertEquals(List.of("srv/orders/etc/orders/app.yaml", "srv/orders/opt/run.sh"), layers.get(layers.size() - 2));
        assertEquals(List.of("usr/share/orders/notes.txt"), image.top(), "in the order of <paths>");
        assertEquals(0700, image.modes().get("srv/orders/opt/run.sh"));
        assertEquals(0600, image.modes().get("usr/share/orders/notes.txt"));
    }

    @Test
    void theSameFilesGiveTheSameDigestAndAnotherModeAnother() throws Exception {
        Path from = jibDirectory("c");
        List<AppImageSpec.ExtraDirectory> directories = List.of(new AppImageSpec.ExtraDirectory(from, "/"));
        String first = build(spec(directories), "first").digest();
        Files.setLastModifiedTime(from.resolve("opt/run.sh"), java.nio.file.attribute.FileTime.fromMillis(123_456_789L));
        assertEquals(first, build(spec(directories), "second").digest(), "file times do not reach the image");
        assertNotEquals(first, build(spec(directories, new AppImageSpec.Permission("/opt/run.sh", "755")), "mode").digest());
    }

    @Test
    void aLinkInsideTheDirectoryIsCopiedAsItsTargetUnlessItLoops() throws Exception {
        Path from = jibDirectory("d");
        Files.createSymbolicLink(from.resolve("opt/start.sh"), Path.of("run.sh"));
        Files.createSymbolicLink(from.resolve("conf"), Path.of("etc/orders"));
        AppImageFixtures.Image image = build(spec(List.of(new AppImageSpec.ExtraDirectory(from, "/"))), "inside");
        assertEquals(List.of("conf/app.yaml", "etc/orders/app.yaml", "opt/run.sh", "opt/start.sh"), image.top());
        assertEquals(0644, image.modes().get("opt/start.sh"));
        assertEquals(0755, image.modes().get("conf"), "a link to a directory becomes a directory");

        Files.createSymbolicLink(from.resolve("etc/orders/loop"), Path.of("../.."));
        assertMessage(spec(List.of(new AppImageSpec.ExtraDirectory(from, "/"))), "etc/orders/loop is a link to " + from.toRealPath()
                + ", a directory that holds it, so the files would never end; remove the link");
    }

    @Test
    void aLinkLeadingOutsideTheDirectoryIsRefused() throws Exception {
        Path from = jibDirectory("e");
        Path secret = Files.writeString(work.resolve("e/id_rsa"), "secret\n");
        Files.createSymbolicLink(from.resolve("etc/key"), secret);
        assertMessage(spec(List.of(new AppImageSpec.ExtraDirectory(from, "/"))), ": " + from.resolve("etc/key") + " is a link to "
                + secret.toRealPath() + ", outside <from>; extra files are read from inside that directory only: copy the"
                + " file in instead of linking it");
        Files.delete(from.resolve("etc/key"));
        Files.createSymbolicLink(from.resolve("etc/outside"), work.resolve("e"));
        assertMessage(spec(List.of(new AppImageSpec.ExtraDirectory(from, "/"))), "etc/outside is a link to " + work.resolve("e").toRealPath()
                + ", outside <from>");
        Files.delete(from.resolve("etc/outside"));
        Files.createSymbolicLink(from.resolve("etc/gone"), Path.of("nothing-here"));
        assertMessage(spec(List.of(new AppImageSpec.ExtraDirectory(from, "/"))), "etc/gone is a link to nothing-here, which does"
                + " not exist; remove the link or create its target inside <from>");
    }

    @Test
    void badDeclarationsNameTheirElement() throws Exception {
        Path from = jibDirectory("f");
        String element = ": <extraDirectories><paths><path><from>";
        assertMessage(spec(List.of(new AppImageSpec.ExtraDirectory(work.resolve("absent"), "/"))),
                element + work.resolve("absent") + "</from> is not a directory; create it or correct <from> (relative to the project directory)");
        assertMessage(spec(List.of(new AppImageSpec.ExtraDirectory(from, "opt"))),
                element + from + "</from><into>opt</into> is not an absolute path in the image");
        List<AppImageSpec.ExtraDirectory> good = List.of(new AppImageSpec.ExtraDirectory(from, "/"));
        assertMessage(spec(good, new AppImageSpec.Permission("/opt/run.sh", "rwx")),
                ": <extraDirectories><permissions><permission><file>/opt/run.sh</file><mode>rwx</mode> is not three octal"
                        + " digits; write e.g. <mode>755</mode>");
        assertMessage(spec(good, new AppImageSpec.Permission("opt/run.sh", "755")),
                "<file>opt/run.sh</file> is not an absolute path in the image");
        assertMessage(spec(good, new AppImageSpec.Permission("/opt/runn.sh", "755")),
                "<file>/opt/runn.sh</file> matches no file of <extraDirectories><paths>");
    }

    private void assertMessage(AppImageFixtures.Spec spec, String expected) {
        AppImageException e = assertThrows(AppImageException.class, () -> build(spec, "bad"));
        assertTrue(e.getMessage().startsWith(AppImageSpec.ELEMENT + " <image>registry.example.com/team/orders:1.0</image>"),
                e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
