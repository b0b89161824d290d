package io.clusterimage.layout.ignore;

/**
 * The few Go standard-library string functions whose exact behaviour the ignore-file rules depend on.
 *
 * <p>Java has near equivalents ({@link String#strip()}, {@link java.nio.file.Path#normalize()}), but they differ in
 * details that change which patterns a file yields: {@code strip()} does not remove NO-BREAK SPACE while Go's
 * {@code strings.TrimSpace} does. Mirroring Go keeps our results identical to BuildKit's. (Go's {@code path.Clean}
 * is {@link io.clusterimage.core.GoPath#clean}, which every stage shares.)
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
}
