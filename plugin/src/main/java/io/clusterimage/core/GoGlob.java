package io.clusterimage.core;

import java.util.regex.Pattern;

/**
 * One path component of Go's {@code filepath.Match} syntax — what COPY/ADD sources use in Docker and
 * buildah: {@code *}, {@code ?}, {@code [a-z]}, {@code [^x]} and {@code \} escapes; nothing crosses {@code /}.
 */
public final class GoGlob {

    private GoGlob() {
    }

    public static boolean hasGlob(String path) {
        return path.indexOf('*') >= 0 || path.indexOf('?') >= 0 || path.indexOf('[') >= 0;
    }

    /** @throws IllegalArgumentException for an unterminated class, naming the pattern */
    public static Pattern compile(String component) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < component.length(); i++) {
            char ch = component.charAt(i);
            switch (ch) {
                case '*' -> regex.append("[^/]*");
                case '?' -> regex.append("[^/]");
                case '\\' -> {
                    if (i + 1 < component.length()) {
                        regex.append(Pattern.quote(String.valueOf(component.charAt(++i))));
                    }
                }
                case '[' -> {
                    int end = component.indexOf(']', i + 2);
                    if (end < 0) {
                        throw new IllegalArgumentException("syntax error in pattern '" + component + "': missing ]");
                    }
                    String body = component.substring(i + 1, end); // Go negates with ^ only, not !
                    regex.append('[').append(body.replace("\\", "\\\\").replace("[", "\\[")).append(']');
                    i = end;
                }
                default -> regex.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
