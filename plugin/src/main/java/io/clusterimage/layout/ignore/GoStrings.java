package io.clusterimage.layout.ignore;

/**
 * The few Go standard-library string functions whose exact behaviour the ignore-file rules depend on.
 *
 * <p>Java has near equivalents ({@link String#strip()}, {@link java.nio.file.Path#normalize()}), but they differ in
 * details that change which patterns a file yields: {@code strip()} does not remove NO-BREAK SPACE while Go's
 * {@code strings.TrimSpace} does, and {@code normalize()} keeps a leading {@code ..} on an absolute path while Go's
 * {@code path.Clean} drops it. Mirroring Go keeps our results identical to BuildKit's.
 */
final class GoStrings {

    private GoStrings() {
    }

    /** Go's {@code unicode.IsSpace}: the Latin-1 spaces plus the Unicode White_Space property. */
    static boolean isSpace(int cp) {
        if (cp <= 0xFF) {
            return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0x85 || cp == 0xA0;
        }
        return cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A)
                || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
    }

    /** Go's {@code strings.TrimSpace}. */
    static String trimSpace(String s) {
        int start = 0;
        int end = s.length();
        while (start < end) {
            int cp = s.codePointAt(start);
            if (!isSpace(cp)) {
                break;
            }
            start += Character.charCount(cp);
        }
        while (end > start) {
            int cp = s.codePointBefore(end);
            if (!isSpace(cp)) {
                break;
            }
            end -= Character.charCount(cp);
        }
        return s.substring(start, end);
    }

    /**
     * Go's {@code path.Clean} (identical to {@code filepath.Clean} on Unix): the shortest path equivalent to
     * {@code path} by purely lexical processing. Repeated slashes collapse, {@code .} elements go, {@code x/..} pairs
     * cancel, {@code ..} right after the root is dropped, a trailing slash is removed, and an empty result becomes
     * {@code "."}.
     */
    static String cleanPath(String path) {
        if (path.isEmpty()) {
            return ".";
        }
        boolean rooted = path.charAt(0) == '/';
        int n = path.length();
        StringBuilder out = new StringBuilder(n);
        int read = 0;
        // out.length() never goes below dotdot when backtracking: it marks the root or the last leading "..".
        int dotdot = 0;
        if (rooted) {
            out.append('/');
            read = 1;
            dotdot = 1;
        }
        while (read < n) {
            if (path.charAt(read) == '/') {
                read++;
            } else if (path.charAt(read) == '.' && (read + 1 == n || path.charAt(read + 1) == '/')) {
                read++;
            } else if (path.charAt(read) == '.' && path.charAt(read + 1) == '.'
                    && (read + 2 == n || path.charAt(read + 2) == '/')) {
                read += 2;
                if (out.length() > dotdot) {
                    // Drop the last element written.
                    int w = out.length() - 1;
                    while (w > dotdot && out.charAt(w) != '/') {
                        w--;
                    }
                    out.setLength(w);
                } else if (!rooted) {
                    // A leading ".." of a relative path cannot be cancelled, so it stays.
                    if (out.length() > 0) {
                        out.append('/');
                    }
                    out.append("..");
                    dotdot = out.length();
                }
            } else {
                if ((rooted && out.length() != 1) || (!rooted && out.length() != 0)) {
                    out.append('/');
                }
                while (read < n && path.charAt(read) != '/') {
                    out.append(path.charAt(read++));
                }
            }
        }
        return out.length() == 0 ? "." : out.toString();
    }
}
