package io.clusterimage.image;

import io.clusterimage.core.ParallelZstdOutputStream;
import io.clusterimage.core.TarWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;

import static io.clusterimage.image.ImageTestSupport.files;
import static io.clusterimage.image.ImageTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ADD of a local tar archive unpacks it into the destination, as buildah does; other files are copied. */
class AddArchiveTest {

    @TempDir
    Path temp;

    private Path context() throws IOException {
        return Files.createDirectories(temp.resolve("context"));
    }

    private TreeMap<String, String> tree(String kubefile) throws Exception {
        return files(ImageTestSupport.build(kubefile, context(), temp.resolve("work")).platforms().get(0));
    }

    /** A tar of bin/tool (executable) and etc/conf, through {@code compression}. */
    private Path archive(String name, String compression) throws IOException {
        Path file = context().resolve(name);
        try (OutputStream raw = Files.newOutputStream(file);
             OutputStream out = switch (compression) {
                 case "gzip" -> new GZIPOutputStream(raw);
                 case "zstd" -> new ParallelZstdOutputStream(raw, 1);
                 default -> raw;
             }) {
            TarWriter tar = new TarWriter(out);
            tar.directory("bin", 0755, 0, 0, 0);
            byte[] tool = "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8);
            tar.file("bin/tool", 0755, 0, 0, 0, tool.length, new ByteArrayInputStream(tool));
            byte[] conf = "x=1\n".getBytes(StandardCharsets.UTF_8);
            tar.file("etc/conf", 0644, 0, 0, 0, conf.length, new ByteArrayInputStream(conf));
            tar.finish();
        }
        return file;
    }

    @Test
    void tarGzipAndZstdArchivesAreUnpackedIntoTheDestination() throws Exception {
        archive("plain.tar", "none");
        archive("tools.tgz", "gzip");
        archive("data.bin", "zstd"); // recognised by content, not by name
        for (String source : new String[] {"plain.tar", "tools.tgz", "data.bin"}) {
            TreeMap<String, String> tree = tree("FROM scratch\nADD " + source + " /opt/\n");
            assertEquals("f 0755 0:0 #!/bin/sh\n", tree.get("opt/bin/tool"), source + ": " + tree);
            assertEquals("f 0644 0:0 x=1\n", tree.get("opt/etc/conf"), source);
            assertFalse(tree.containsKey("opt/" + source), "the archive itself is not copied");
        }
        TreeMap<String, String> copied = tree("FROM scratch\nCOPY tools.tgz /opt/\n");
        assertTrue(copied.containsKey("opt/tools.tgz"), "COPY never unpacks");
        TreeMap<String, String> kept = tree("FROM scratch\nADD --unpack=false tools.tgz /opt/\n");
        assertTrue(kept.containsKey("opt/tools.tgz"), "--unpack=false copies the archive");
    }

    @Test
    void filesThatAreNoTarAreCopiedAsTheyAre() throws Exception {
        write(context(), "notes.txt", "just text\n");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(context().resolve("notes.txt.gz")))) {
            out.write("not a tar".getBytes(StandardCharsets.UTF_8));
        }
        TreeMap<String, String> tree = tree("FROM scratch\nADD notes.txt notes.txt.gz /doc/\n");
        assertEquals("f 0644 0:0 just text\n", tree.get("doc/notes.txt"));
        assertTrue(tree.containsKey("doc/notes.txt.gz"), "a gzip'd file that is no tar is copied: " + tree);
    }

    @Test
    void anArchiveThatLeavesItsDirectoryOrCannotBeReadIsAnErrorOnItsLine() throws Exception {
        Path evil = context().resolve("evil.tar");
        try (OutputStream out = Files.newOutputStream(evil)) {
            TarWriter tar = new TarWriter(out);
            byte[] bytes = "x".getBytes(StandardCharsets.UTF_8);
            tar.file("../../outside.txt", 0644, 0, 0, 0, 1, new ByteArrayInputStream(bytes));
            tar.finish();
        }
        ImageBuildException escape = assertThrows(ImageBuildException.class, () -> tree("FROM scratch\nADD evil.tar /opt/\n"));
        assertEquals(2, escape.line(), escape.getMessage());
        assertFalse(Files.exists(temp.resolve("outside.txt")));

        Files.write(context().resolve("tools.tar.xz"), new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0, 1, 2, 3});
        ImageBuildException xz = assertThrows(ImageBuildException.class, () -> tree("FROM scratch\nADD tools.tar.xz /opt/\n"));
        assertTrue(xz.getMessage().contains("--unpack=false"), xz.getMessage());
    }
}
