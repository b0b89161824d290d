package io.clusterimage.core;

/** Quotes around values in image lists and YAML lines, as sealos's line scan strips them. */
public final class Quotes {

    private Quotes() {
    }

    /** Strips blanks, then removes one pair of surrounding quotes when both ends carry the same quote character. */
    public static String unquote(String value) {
        String stripped = value.strip();
        if (stripped.length() >= 2 && (stripped.charAt(0) == '"' || stripped.charAt(0) == '\'')
                && stripped.charAt(stripped.length() - 1) == stripped.charAt(0)) {
            return stripped.substring(1, stripped.length() - 1);
        }
        return stripped;
    }
}
