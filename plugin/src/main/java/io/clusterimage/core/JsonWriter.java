package io.clusterimage.core;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes JSON from plain values (Strings, Numbers, Booleans, null, maps with String keys, lists; {@link JsonObject} and
 * {@link JsonArray} build them), byte for byte as jackson-databind writes the same tree: compact, or in databind's
 * default pretty print ({@code "field" : value}, objects one field per line indented by two, arrays on one line as
 * {@code [ a, b ]}, empty containers {@code { }} and {@code [ ]}). Same bytes, so image and SBOM digests do not move.
 * <p>Why not databind: every build that changes a manifest or a values file writes reports and image documents, and
 * databind's first {@code ObjectMapper} costs a Maven JVM ~100 ms of class loading (timed) — a sixth of such a build
 * over Maven's floor. Its reading twin is {@link JsonTree}.
 */
public final class JsonWriter {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final StringBuilder out = new StringBuilder(256);
    private final boolean pretty;
    /** Databind's byte output escapes the two halves of a character beyond U+FFFF; its text output does not. */
    private final boolean escapeSurrogates;

    private JsonWriter(boolean pretty, boolean escapeSurrogates) {
        this.pretty = pretty;
        this.escapeSurrogates = escapeSurrogates;
    }

    /** {@code {"a":1,"b":[true,null]}}: the documents whose bytes are digested (image configs, manifests, indexes). */
    public static byte[] compact(Object value) {
        return text(value, false, true).getBytes(StandardCharsets.UTF_8);
    }

    /** Databind's default pretty print, for the reports people read. */
    public static byte[] pretty(Object value) {
        return text(value, true, true).getBytes(StandardCharsets.UTF_8);
    }

    /** As {@link #pretty}, as text (as databind's {@code writeValueAsString}: characters beyond U+FFFF not escaped). */
    public static String prettyText(Object value) {
        return text(value, true, false);
    }

    private static String text(Object value, boolean pretty, boolean escapeSurrogates) {
        JsonWriter writer = new JsonWriter(pretty, escapeSurrogates);
        writer.value(value, 0);
        return writer.out.toString();
    }

    private void value(Object value, int depth) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String text) {
            string(text);
        } else if (value instanceof Map<?, ?> map) {
            object(map, depth);
        } else if (value instanceof Collection<?> list) {
            array(list, depth);
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long || value instanceof Short
                || value instanceof Byte || value instanceof BigInteger || value instanceof BigDecimal) {
            out.append(value);
        } else if (value instanceof Double || value instanceof Float) {
            double number = ((Number) value).doubleValue();
            if (Double.isNaN(number) || Double.isInfinite(number)) {
                throw new IllegalArgumentException("JSON has no " + value);
            }
            out.append(value);
        } else {
            throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
        }
    }

    private void object(Map<?, ?> map, int depth) {
        out.append('{');
        if (map.isEmpty()) {
            out.append(pretty ? " }" : "}");
            return;
        }
        Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
        while (entries.hasNext()) {
            Map.Entry<?, ?> entry = entries.next();
            newline(depth + 1);
            if (!(entry.getKey() instanceof String field)) {
                throw new IllegalArgumentException("a JSON field name must be a String: " + entry.getKey());
            }
            string(field);
            out.append(pretty ? " : " : ":");
            value(entry.getValue(), depth + 1);
            if (entries.hasNext()) {
                out.append(',');
            }
        }
        newline(depth);
        out.append('}');
    }

    /** Databind's pretty printer keeps arrays on one line: only objects indent (and count as nesting). */
    private void array(Collection<?> list, int depth) {
        out.append('[');
        if (list.isEmpty()) {
            out.append(pretty ? " ]" : "]");
            return;
        }
        if (pretty) {
            out.append(' ');
        }
        Iterator<?> elements = list.iterator();
        while (elements.hasNext()) {
            value(elements.next(), depth);
            if (elements.hasNext()) {
                out.append(pretty ? ", " : ",");
            }
        }
        if (pretty) {
            out.append(' ');
        }
        out.append(']');
    }

    private void newline(int depth) {
        if (pretty) {
            out.append('\n');
            for (int i = 0; i < depth; i++) {
                out.append("  ");
            }
        }
    }

    /** Escaped as databind escapes: quote, backslash, and control characters (the two-character escapes where JSON has them, else backslash-u and four upper-case hex digits). */
    private void string(String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || (escapeSurrogates && Character.isSurrogate(c))) {
                        out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xF]).append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
