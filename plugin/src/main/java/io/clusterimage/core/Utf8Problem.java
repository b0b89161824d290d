package io.clusterimage.core;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * Where bytes first stop being UTF-8, for a message that names the line: the JDK's own is {@code Input length = 1},
 * which names neither.
 *
 * @param line       1-based
 * @param byteInLine 1-based position of the offending byte within its line
 * @param value      the offending byte, 0-255
 */
public record Utf8Problem(int line, int byteInLine, int value) {

    /** The first byte of {@code bytes} that is not part of a UTF-8 character, if any. */
    public static Optional<Utf8Problem> find(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(8192);
        CoderResult result;
        do {
            out.clear();
            result = decoder.decode(in, out, true);
        } while (result.isOverflow());
        if (!result.isError()) {
            return Optional.empty();
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
        return Optional.of(new Utf8Problem(line, at - lineStart + 1, bytes[at] & 0xff));
    }

    /** E.g. {@code byte 0xFC at byte 9 of the line is not part of a UTF-8 character}. */
    public String describe() {
        return String.format(Locale.ROOT, "byte 0x%02X at byte %d of the line is not part of a UTF-8 character", value, byteInLine);
    }
}
