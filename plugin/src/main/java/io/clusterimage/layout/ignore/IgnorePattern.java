package io.clusterimage.layout.ignore;

import java.util.Objects;

/**
 * One effective line of an ignore file: where it came from, and the pattern BuildKit derives from it.
 *
 * <p>{@link #pattern()} is the cleaned form that moby's patternmatcher keeps ({@code Pattern.String()}): white space
 * trimmed, {@code !} removed, {@code path.Clean} applied and one leading {@code /} dropped. So the line
 * {@code ! /docs/./api/} gives the exception pattern {@code docs/api}.
 */
public final class IgnorePattern {

    private final int lineNumber;
    private final String line;
    private final String pattern;
    private final boolean exception;
    private final CompiledPattern compiled;

    IgnorePattern(int lineNumber, String line, String pattern, boolean exception, CompiledPattern compiled) {
        this.lineNumber = lineNumber;
        this.line = line;
        this.pattern = pattern;
        this.exception = exception;
        this.compiled = compiled;
    }

    /** The 1-based line number in the ignore file, counting comments and blank lines. */
    public int lineNumber() {
        return lineNumber;
    }

    /** The line as written, trimmed of surrounding white space. */
    public String line() {
        return line;
    }

    /** The cleaned pattern, without the leading {@code !} of an exception. */
    public String pattern() {
        return pattern;
    }

    /** Whether the line started with {@code !}: matching paths are re-included rather than excluded. */
    public boolean isException() {
        return exception;
    }

    boolean matches(String path) {
        return compiled.matches(path);
    }

    boolean mayMatchBelow(String directoryPrefix) {
        return compiled.mayMatchBelow(directoryPrefix);
    }

    /** The pattern as BuildKit sees it: {@code !} and the cleaned pattern. */
    @Override
    public String toString() {
        return (exception ? "!" : "") + pattern;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IgnorePattern other
                && lineNumber == other.lineNumber
                && exception == other.exception
                && line.equals(other.line)
                && pattern.equals(other.pattern);
    }

    @Override
    public int hashCode() {
        return Objects.hash(lineNumber, line, pattern, exception);
    }
}
