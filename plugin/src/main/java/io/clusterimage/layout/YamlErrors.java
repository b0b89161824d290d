package io.clusterimage.layout;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.CharConversionException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;

/**
 * Line and text of a YAML syntax error, for a finding. Jackson's own location is where its parser
 * stood (often the line before the problem), so the SnakeYAML marks are used when there are any.
 */
final class YamlErrors {

    private YamlErrors() {
    }

    /**
     * The 1-based line of the problem: SnakeYAML's problem mark, or, when the problem is the end of
     * the input (an unclosed bracket or quote), the line where the unclosed construct starts.
     *
     * @param content the parsed bytes, to tell whether the problem lies past the last line
     */
    static int line(IOException e, byte[] content) {
        if (encodingError(e) != null) {
            return malformedUtf8Line(content);
        }
        if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
            Mark problem = marked.getProblemMark();
            Mark context = marked.getContextMark();
            if (problem.getLine() >= lineCount(content) && context != null) {
                return lineOf(context, content);
            }
            return lineOf(problem, content);
        }
        if (e instanceof JsonProcessingException p && p.getLocation() != null) {
            return Math.max(p.getLocation().getLineNr(), 0);
        }
        return 0;
    }

    /** What is wrong, e.g. {@code expected ',' or ']', but got <stream end> (while parsing a flow sequence at line 4)}. */
    static String message(IOException e, byte[] content) {
        CharConversionException encoding = encodingError(e);
        if (encoding != null) {
            return "the file is not UTF-8 encoded (" + ChartChecks.firstLine(encoding.getMessage()) + ")";
        }
        if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblem() != null) {
            String text = marked.getProblem();
            if (marked.getContext() != null && marked.getContextMark() != null) {
                text += " (" + marked.getContext() + " at line " + lineOf(marked.getContextMark(), content) + ")";
            }
            return text;
        }
        String message = e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
        return ChartChecks.firstLine(message);
    }

    /** The CharConversionException behind {@code e} (Jackson wraps it in SnakeYAML's YAMLException), or null. */
    private static CharConversionException encodingError(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CharConversionException conversion) {
                return conversion;
            }
        }
        return null;
    }

    /** The 1-based line of the first byte that is not valid UTF-8, or 0 when there is none. */
    private static int malformedUtf8Line(byte[] content) {
        ByteBuffer in = ByteBuffer.wrap(content);
        CoderResult result = StandardCharsets.UTF_8.newDecoder()
                .decode(in, CharBuffer.allocate(content.length), true);
        if (!result.isError()) {
            return 0;
        }
        int line = 1;
        for (int i = 0; i < in.position(); i++) {
            if (content[i] == '\n') {
                line++;
            }
        }
        return line;
    }

    /** 1-based; a mark past the last line (the end of the input) is on the last line. */
    private static int lineOf(Mark mark, byte[] content) {
        return Math.max(1, Math.min(mark.getLine() + 1, lineCount(content)));
    }

    private static int lineCount(byte[] content) {
        int lines = 0;
        for (byte b : content) {
            if (b == '\n') {
                lines++;
            }
        }
        return content.length > 0 && content[content.length - 1] != '\n' ? lines + 1 : lines;
    }
}
