package io.clusterimage.kubefile;

import io.clusterimage.core.Finding;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The text of a Kubefile, read as UTF-8 as BuildKit and buildah read it. Bytes that are not UTF-8
 * are an error at their line — the JDK's own message is {@code Input length = 1}, which names neither
 * the file nor the line — and are read as U+FFFD, so the rest of the file is still parsed and every
 * other problem reported in the same run.
 *
 * @param content the text
 * @param problem the first invalid byte sequence, as an error finding
 */
record KubefileText(String content, Optional<Finding> problem) {

    static KubefileText read(Path path, Path displayName) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CoderResult result = decoder.decode(in, CharBuffer.allocate(bytes.length), true);
        String content = new String(bytes, StandardCharsets.UTF_8);
        if (!result.isError()) {
            return new KubefileText(content, Optional.empty());
        }
        int at = in.position(); // the decoder stops at the first byte of the invalid sequence
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < at; i++) {
            if (bytes[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new KubefileText(content, Optional.of(Finding.error("kubefile.encoding", displayName, line,
                String.format(Locale.ROOT, "invalid UTF-8: byte 0x%02X at byte %d of the line is not part of a UTF-8 character;"
                        + " a Kubefile is read as UTF-8, as BuildKit and buildah read it", bytes[at] & 0xff, at - lineStart + 1),
                "save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8 " + displayName + ")")));
    }
}
