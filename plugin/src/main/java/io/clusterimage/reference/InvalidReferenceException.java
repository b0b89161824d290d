package io.clusterimage.reference;

/**
 * Thrown by {@link ImageReference#parse(String)} when a string is not a valid image reference.
 *
 * <p>The message names the offending input and says why it was rejected, for example
 * {@code invalid image reference "Nginx": repository name must be lowercase (library/Nginx)}.
 * {@link #input()} and {@link #reason()} give the two parts separately, so callers that collect
 * several errors (one per manifest line, say) can format them their own way.
 *
 * <p>Unchecked, like {@link NumberFormatException}: it reports bad input to a parse method, and
 * callers that read references from user files are expected to catch it where they know the
 * file and line.
 */
public final class InvalidReferenceException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String input;
    private final String reason;

    InvalidReferenceException(String input, String reason) {
        super("invalid image reference \"" + printable(input) + "\": " + reason);
        this.input = input;
        this.reason = reason;
    }

    /** The text that was given to {@link ImageReference#parse(String)}, exactly as given. */
    public String input() {
        return input;
    }

    /** Why the text is not a valid reference, without the input itself. */
    public String reason() {
        return reason;
    }

    /**
     * Escapes control characters so that the message stays on one line even when the input
     * carried a stray newline or tab from a YAML file.
     */
    static String printable(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
