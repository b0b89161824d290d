package io.clusterimage.layout.ignore;

/**
 * A line of an ignore file that BuildKit would reject. It tells where the line is so the user can fix it:
 * {@code /ctx/.dockerignore:3: invalid pattern "[a": syntax error in pattern: ...}.
 *
 * <p>Unchecked because a bad ignore file is a user error to report, not a condition callers can recover from.
 */
public final class IgnorePatternException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String fileName;
    private final int lineNumber;
    private final String line;
    private final String reason;

    IgnorePatternException(String fileName, int lineNumber, String line, String reason) {
        super(fileName + ":" + lineNumber + ": invalid pattern \"" + line + "\": " + reason);
        this.fileName = fileName;
        this.lineNumber = lineNumber;
        this.line = line;
        this.reason = reason;
    }

    /** The ignore file as it was named to {@link IgnoreFile#parse} or found by {@link IgnoreFile#load}. */
    public String fileName() {
        return fileName;
    }

    /** The 1-based line of the offending pattern. */
    public int lineNumber() {
        return lineNumber;
    }

    /** The offending line, trimmed of surrounding white space. */
    public String line() {
        return line;
    }

    /** Why the pattern is invalid, without the location. */
    public String reason() {
        return reason;
    }
}
