package io.clusterimage.core;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON document (RFC 8259) read into a small read-only tree, for the files the up-to-date checks read on every
 * build ({@code images.json}, {@code served-by.json}, {@code image.json}, a Kubefile's exec form). Databind's
 * first {@code ObjectMapper} costs a Maven JVM ~90 ms of class loading, and even jackson-core's streaming parser
 * cost the first read of a no-op build 20–30 ms (its factory and parser classes loaded and initialised, measured
 * in the build); this reader is two classes and reads a 1 KB document in well under a millisecond. The accessors
 * read like databind's {@code JsonNode} (a missing field is an empty node, {@code asText()} of it is {@code ""});
 * numbers come as jackson gives them (Integer, Long or BigInteger; Double). It is strict as jackson's defaults
 * and Go's {@code encoding/json} are (no comments, trailing commas, single quotes, leading zeros, raw control
 * characters), nests at most {@value #MAX_DEPTH} deep, and names the line and column of what it cannot read.
 * Its writing twin is {@link JsonWriter}.
 */
public final class JsonTree {

    /** jackson's default nesting limit (StreamReadConstraints): a hostile document cannot exhaust the stack. */
    static final int MAX_DEPTH = 1000;
    private static final Object NULL = new Object();
    private static final JsonTree MISSING = new JsonTree(null);

    /** A map of field name to node, a list of nodes, a String, a Number, a Boolean, NULL, or null when missing. */
    private final Object value;

    private JsonTree(Object value) {
        this.value = value;
    }

    /** The document in a file (UTF-8); a malformed one fails naming the file, line and column. */
    public static JsonTree read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new IOException(file + ": not JSON: not UTF-8 text", e);
        }
        try {
            return new Reader(text).document();
        } catch (IOException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** The document in UTF-8 bytes (a registry's manifest, say). */
    public static JsonTree parse(byte[] utf8) throws IOException {
        return new Reader(new String(utf8, StandardCharsets.UTF_8)).document();
    }

    /** The document in a string. */
    public static JsonTree parse(String text) throws IOException {
        return new Reader(text).document();
    }

    /** A recursive-descent reader over the whole text (the documents read here are small; the tree holds it all anyway). */
    private static final class Reader {

        private final String text;
        private int at;
        private int depth;

        Reader(String text) {
            this.text = text;
            this.at = text.startsWith("\uFEFF") ? 1 : 0; // a byte-order mark, as jackson skips it
        }

        JsonTree document() throws IOException {
            skipSpace();
            if (at >= text.length()) {
                throw error("no JSON value (empty input)");
            }
            JsonTree tree = value();
            skipSpace();
            if (at < text.length()) {
                throw error("more than one JSON value, or trailing content");
            }
            return tree;
        }

        private JsonTree value() throws IOException {
            if (at >= text.length()) {
                throw error("unexpected end of input");
            }
            char c = text.charAt(at);
            return switch (c) {
                case '{' -> object();
                case '[' -> array();
                case '"' -> new JsonTree(string());
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", NULL);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        yield new JsonTree(number());
                    }
                    throw error("unexpected character '" + printable(c) + "'");
                }
            };
        }

        private JsonTree object() throws IOException {
            enter();
            at++; // {
            Map<String, JsonTree> fields = new LinkedHashMap<>();
            skipSpace();
            if (peek() == '}') {
                at++;
            } else {
                while (true) {
                    skipSpace();
                    if (peek() != '"') {
                        throw error("expected a field name in double quotes");
                    }
                    String name = string();
                    skipSpace();
                    expect(':');
                    skipSpace();
                    fields.put(name, value());
                    skipSpace();
                    if (peek() == ',') {
                        at++;
                        continue;
                    }
                    expect('}');
                    break;
                }
            }
            depth--;
            return new JsonTree(Collections.unmodifiableMap(fields));
        }

        private JsonTree array() throws IOException {
            enter();
            at++; // [
            List<JsonTree> elements = new ArrayList<>();
            skipSpace();
            if (peek() == ']') {
                at++;
            } else {
                while (true) {
                    skipSpace();
                    elements.add(value());
                    skipSpace();
                    if (peek() == ',') {
                        at++;
                        continue;
                    }
                    expect(']');
                    break;
                }
            }
            depth--;
            return new JsonTree(Collections.unmodifiableList(elements));
        }

        private void enter() throws IOException {
            if (++depth > MAX_DEPTH) {
                throw error("nested deeper than " + MAX_DEPTH + " levels");
            }
        }

        private String string() throws IOException {
            at++; // "
            StringBuilder out = null;
            int start = at;
            while (true) {
                if (at >= text.length()) {
                    throw error("unexpected end of input in a string");
                }
                char c = text.charAt(at);
                if (c == '"') {
                    String chunk = text.substring(start, at++);
                    return out == null ? chunk : out.append(chunk).toString();
                }
                if (c < 0x20) {
                    throw error("control character (code " + (int) c + ") in a string: it must be escaped");
                }
                if (c != '\\') {
                    at++;
                    continue;
                }
                if (out == null) {
                    out = new StringBuilder();
                }
                out.append(text, start, at);
                if (++at >= text.length()) {
                    throw error("unexpected end of input in a string");
                }
                char escaped = text.charAt(at++);
                switch (escaped) {
                    case '"', '\\', '/' -> out.append(escaped);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> out.append(unicode());
                    default -> {
                        at--;
                        throw error("unknown escape '\\" + printable(escaped) + "'");
                    }
                }
                start = at;
            }
        }

        private char unicode() throws IOException {
            if (at + 4 > text.length()) {
                throw error("unexpected end of input in a \\u escape");
            }
            int code = 0;
            for (int i = 0; i < 4; i++) {
                int digit = Character.digit(text.charAt(at), 16);
                if (digit < 0) {
                    throw error("not a hex digit in a \\u escape");
                }
                code = code * 16 + digit;
                at++;
            }
            return (char) code;
        }

        /** -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? — an Integer, Long or BigInteger, or a Double, as jackson. */
        private Number number() throws IOException {
            int start = at;
            if (peek() == '-') {
                at++;
            }
            if (peek() == '0') {
                at++;
                if (isDigit(peek())) {
                    throw error("leading zero in a number");
                }
            } else if (!digits()) {
                throw error("expected a digit");
            }
            boolean integral = true;
            if (peek() == '.') {
                at++;
                integral = false;
                if (!digits()) {
                    throw error("expected a digit after the decimal point");
                }
            }
            if (peek() == 'e' || peek() == 'E') {
                at++;
                integral = false;
                if (peek() == '+' || peek() == '-') {
                    at++;
                }
                if (!digits()) {
                    throw error("expected a digit in the exponent");
                }
            }
            String number = text.substring(start, at);
            if (!integral) {
                return Double.valueOf(number);
            }
            try {
                long value = Long.parseLong(number);
                return value == (int) value ? Integer.valueOf((int) value) : Long.valueOf(value);
            } catch (NumberFormatException e) {
                return new BigInteger(number);
            }
        }

        private boolean digits() {
            int start = at;
            while (isDigit(peek())) {
                at++;
            }
            return at > start;
        }

        private static boolean isDigit(int c) {
            return c >= '0' && c <= '9';
        }

        private JsonTree literal(String word, Object meaning) throws IOException {
            if (!text.startsWith(word, at)) {
                throw error("unexpected word; expected " + word);
            }
            at += word.length();
            return new JsonTree(meaning);
        }

        private void skipSpace() {
            while (at < text.length()) {
                char c = text.charAt(at);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                at++;
            }
        }

        private int peek() {
            return at < text.length() ? text.charAt(at) : -1;
        }

        private void expect(char c) throws IOException {
            if (peek() != c) {
                throw error(at >= text.length() ? "unexpected end of input; expected '" + c + "'" : "expected '" + c + "'");
            }
            at++;
        }

        private static String printable(char c) {
            return c < 0x20 ? "\\u" + String.format("%04x", (int) c) : String.valueOf(c);
        }

        /** The position as jackson's messages give it ("line: 2, column: 17", both from 1). */
        private IOException error(String what) {
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < Math.min(at, text.length()); i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            return new IOException("malformed JSON at line: " + line + ", column: " + (at - lineStart + 1) + ": " + what);
        }
    }

    /** The field of an object; a missing node when this is not an object or has no such field. */
    public JsonTree path(String field) {
        return value instanceof Map<?, ?> map && map.get(field) instanceof JsonTree node ? node : MISSING;
    }

    public boolean has(String field) {
        return value instanceof Map<?, ?> map && map.containsKey(field);
    }

    /** The elements of an array; empty for anything else. */
    @SuppressWarnings("unchecked")
    public List<JsonTree> elements() {
        return value instanceof List<?> list ? (List<JsonTree>) list : List.of();
    }

    /** The fields of an object in document order; empty for anything else. */
    @SuppressWarnings("unchecked")
    public Map<String, JsonTree> fields() {
        return value instanceof Map<?, ?> map ? (Map<String, JsonTree>) map : Map.of();
    }

    public boolean isMissing() {
        return value == null;
    }

    public boolean isArray() {
        return value instanceof List;
    }

    public boolean isObject() {
        return value instanceof Map;
    }

    public boolean isTextual() {
        return value instanceof String;
    }

    /** A string's text, a number's or boolean's as written in JSON, "null" for null, "" when missing or a container. */
    public String asText() {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        return value == NULL ? "null" : "";
    }

    /** As {@link #asText()}, or the default when the node is missing or null. */
    public String asText(String defaultValue) {
        return value == null || value == NULL ? defaultValue : asText();
    }

    /** A number's int value, a string's when it is an integer, 1 for true, otherwise 0. */
    public int asInt() {
        if (value instanceof Number number) {
            return number.intValue();
        }
        if (value instanceof Boolean bool) {
            return bool ? 1 : 0;
        }
        if (value instanceof String text) {
            try {
                return Integer.parseInt(text.strip());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    /**
     * The node as a value {@link JsonWriter} writes: a {@link JsonObject} or {@link JsonArray} (copies, to be changed
     * and written back), a String, Number or Boolean; null for null or missing.
     */
    public Object toValue() {
        if (value instanceof Map<?, ?> map) {
            JsonObject object = new JsonObject();
            map.forEach((field, node) -> object.put((String) field, ((JsonTree) node).toValue()));
            return object;
        }
        if (value instanceof List<?> list) {
            JsonArray array = new JsonArray();
            list.forEach(node -> array.add(((JsonTree) node).toValue()));
            return array;
        }
        return value == NULL ? null : value;
    }

    /** As {@link #asLong(long)} with 0. */
    public long asLong() {
        return asLong(0);
    }

    /** A number's long value, a string's when it is an integer, 1 for true, 0 for false; otherwise the default. */
    public long asLong(long defaultValue) {
        if (value instanceof Number number) {
            return number.longValue();
        }
        if (value instanceof Boolean bool) {
            return bool ? 1 : 0;
        }
        if (value instanceof String text) {
            try {
                return Long.parseLong(text.strip());
            } catch (NumberFormatException e) {
                return defaultValue;
            }
        }
        return defaultValue;
    }

    @Override
    public String toString() {
        return value == null ? "(missing)" : value == NULL ? "null" : String.valueOf(value);
    }
}
