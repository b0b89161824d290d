package io.clusterimage.image;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;

import static io.clusterimage.image.ImageTestSupport.files;
import static io.clusterimage.image.ImageTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A hostile repository cannot copy the build machine's files into the image through a symbolic link
 * anywhere on a source's path: {@code hostroot -> <outside>} then {@code COPY hostroot/secret.txt}. The
 * "host" is a directory next to the context holding a secret, so the test needs no real /etc.
 */
class ContextEscapeTest {

    @TempDir
    Path temp;

    private Path context;
    private Path host;

    @BeforeEach
    void layout() throws Exception {
        host = Files.createDirectories(temp.resolve("host"));
        write(host, "etc/passwd", "HOST-SECRET");
        write(host, "etc/ssh/ssh_host_key", "HOST-KEY");
        write(host, "secret.tar", "not an archive");
        context = Files.createDirectories(temp.resolve("context"));
        write(context, "manifests/a.yaml", "a");
        Files.createSymbolicLink(context.resolve("hostroot"), host);            // absolute, outside
        Files.createSymbolicLink(context.resolve("up"), Path.of("../host"));     // relative, outside
        Files.createDirectories(context.resolve("inside"));
        Files.createSymbolicLink(context.resolve("inside/alias"), Path.of("../manifests")); // stays inside
    }

    private ImageBuildException fails(String kubefile) {
        return assertThrows(ImageBuildException.class,
                () -> ImageTestSupport.build(kubefile, context, temp.resolve("work")));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "COPY hostroot/etc/passwd passwd",
            "ADD hostroot/etc/passwd passwd",
            "COPY hostroot/etc/pass* /x/",
            "COPY hostroot/*/passwd /x/",
            "COPY hostroot/etc/ssh/ /ssh/",
            "COPY hostroot/etc /etc",
            "COPY up/etc/passwd passwd",
            "COPY --parents hostroot/etc/passwd /p/",
            "COPY --exclude=*.md hostroot/etc/ /x/",
            "ADD hostroot/secret.tar /x/",
            "COPY ./hostroot//etc/./passwd passwd",
    })
    void aLinkOnTheWayOutOfTheContextIsRefusedNamingTheLineAndTheLink(String copy) {
        ImageBuildException e = fails("FROM scratch\nCOPY manifests manifests\n" + copy + "\n");
        assertEquals(3, e.line(), e.getMessage());
        String link = copy.contains(" up/") ? "up" : "hostroot";
        assertTrue(e.getMessage().contains("leads outside the build context: '" + link + "' is a symbolic link to"), e.getMessage());
        assertFalse(e.getMessage().contains("HOST-SECRET"));
    }

    @Test
    void aSourceThatIsItselfALinkOutIsRefusedToo() throws Exception {
        Files.createSymbolicLink(context.resolve("passwd"), host.resolve("etc/passwd"));
        ImageBuildException e = fails("FROM scratch\nCOPY passwd /passwd\n");
        assertTrue(e.getMessage().contains("source 'passwd' leads outside the build context: it is a symbolic link to '"
                + host.resolve("etc/passwd") + "'"), e.getMessage());
    }

    @Test
    void aWildcardThatMatchesALinkOutIsRefusedNotSilentlySkipped() {
        ImageBuildException e = fails("FROM scratch\nCOPY hostroo? /x/\n");
        assertTrue(e.getMessage().contains("'hostroot' is a symbolic link to") || e.getMessage().contains("it is a symbolic link to"),
                e.getMessage());
    }

    @Test
    void linksInsideTheContextStillWork() throws Exception {
        TreeMap<String, String> tree = files(ImageTestSupport.build("FROM scratch\nCOPY inside/alias/a.yaml /a.yaml\nCOPY inside/alias/ /m/\n",
                context, temp.resolve("work")).platforms().get(0));
        assertEquals("f 0644 0:0 a", tree.get("a.yaml"));
        assertEquals("f 0644 0:0 a", tree.get("m/a.yaml"));
    }

    @Test
    void copyingTheWholeContextKeepsOutwardLinksAsLinksAndNeverReadsTheirTargets() throws Exception {
        TreeMap<String, String> tree = files(ImageTestSupport.build("FROM scratch\nCOPY . /app/\n", context, temp.resolve("work"))
                .platforms().get(0));
        assertTrue(tree.get("app/hostroot").startsWith("l "), tree.get("app/hostroot"));
        assertFalse(tree.containsKey("app/hostroot/etc/passwd"));
        assertFalse(tree.values().stream().anyMatch(v -> v.contains("HOST-SECRET")));
    }

    @Test
    void aLinkCannotBringBackWhatTheIgnoreFileExcludes() throws Exception {
        write(context, "secrets/token", "IGNORED-SECRET");
        write(context, ".dockerignore", "secrets\n");
        Files.createSymbolicLink(context.resolve("inside/s"), Path.of("../secrets"));
        ImageBuildException named = fails("FROM scratch\nCOPY inside/s/token /t\n");
        assertTrue(named.getMessage().contains("does not exist in the build context (or is excluded by the ignore file)"),
                named.getMessage());
        ImageBuildException linked = fails("FROM scratch\nCOPY inside/s /t/\n");
        assertTrue(linked.getMessage().contains("'inside/s' is a symbolic link to 'secrets', which the ignore file excludes"),
                linked.getMessage());
    }
}
