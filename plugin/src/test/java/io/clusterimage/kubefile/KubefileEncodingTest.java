package io.clusterimage.kubefile;

import io.clusterimage.core.Finding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.clusterimage.kubefile.KubefileTestSupport.only;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A Kubefile that is not UTF-8: the error names the file and line, and the rest is still parsed. */
class KubefileEncodingTest {

    @TempDir
    Path dir;

    @Test
    void invalidUtf8IsAnErrorAtItsLineAndTheRestIsStillParsed() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write("FROM scratch\n# café is fine\nLABEL maintainer=Jos".getBytes(StandardCharsets.UTF_8));
        bytes.write(0xE9); // é in Latin-1: a lead byte with no continuation
        bytes.write("\nCOPY registry registry\n".getBytes(StandardCharsets.UTF_8));
        Path file = Files.write(dir.resolve("Kubefile"), bytes.toByteArray());

        Kubefile kubefile = KubefileParser.parse(file, Path.of("Kubefile"));

        Finding error = only(kubefile.findings(), "kubefile.encoding");
        assertEquals("Kubefile:3: invalid UTF-8: byte 0xE9 at byte 21 of the line is not part of a UTF-8 character; a Kubefile is"
                + " read as UTF-8, as BuildKit and buildah read it Fix: save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8"
                + " Kubefile)", error.describe());
        assertEquals(List.of("FROM", "LABEL", "COPY"), kubefile.instructions().stream().map(Instruction::keyword).toList());
    }
}
