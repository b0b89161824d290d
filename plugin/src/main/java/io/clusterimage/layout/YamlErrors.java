package io.clusterimage.layout;

import io.clusterimage.core.Utf8Problem;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.CharConversionException;
import java.nio.charset.CharacterCodingException;
import java.util.Optional;

/** Line and text of a YAML syntax error (SnakeYAML's, read through {@link io.clusterimage.core.YamlNodes}), for a finding. */
final class YamlErrors {

    private YamlErrors() {
    }

    /**
     * The 1-based line of the problem: the first byte that is not UTF-8, SnakeYAML's problem mark, or, when the
     * problem is the end of the input (an unclosed bracket or quote), the line where the unclosed construct starts.
     *
     * @param content the parsed bytes, to place an encoding error and to tell whether the problem lies past the last line
     */
    static int line(RuntimeException e, byte[] content) {
        if (encodingError(e)) {
            return Utf8Problem.find(content).map(Utf8Problem::line).orElse(0);
        }
        if (e instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
            Mark problem = marked.getProblemMark();
            Mark context = marked.getContextMark();
            if (problem.getLine() >= lineCount(content) && context != null) {
                return lineOf(context, content);
            }
            return lineOf(problem, content);
        }
        return 0;
    }

    /** What is wrong, e.g. {@code expected ',' or ']', but got <stream end> (while parsing a flow sequence at line 4)}. */
    static String message(RuntimeException e, byte[] content) {
        if (encodingError(e)) {
            Optional<Utf8Problem> problem = Utf8Problem.find(content);
            return "the file is not UTF-8 encoded" + (problem.isPresent() ? " (" + problem.get().describe() + ")" : "");
        }
        if (e instanceof MarkedYAMLException marked && marked.getProblem() != null) {
            String text = marked.getProblem();
            if (marked.getContext() != null && marked.getContextMark() != null) {
                text += " (" + marked.getContext() + " at line " + lineOf(marked.getContextMark(), content) + ")";
            }
            return text;
        }
        return ChartChecks.firstLine(e.getMessage());
    }

    /** Whether {@code e} comes of bytes that are not UTF-8 (the reader's decoder, wrapped by SnakeYAML). */
    private static boolean encodingError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CharacterCodingException || t instanceof CharConversionException) {
                return true;
            }
        }
        return false;
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
