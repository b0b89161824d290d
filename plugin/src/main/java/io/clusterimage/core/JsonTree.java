package io.clusterimage.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON document read with jackson-core's streaming parser into a small read-only tree, for the files the
 * up-to-date checks read on every build ({@code images.json}, {@code served-by.json}, a Kubefile's exec form).
 * Databind's first {@code ObjectMapper} costs a Maven JVM ~90 ms of class loading, a third of what a no-op build
 * adds to Maven's own floor; this parser loads a few dozen classes. The accessors read like databind's
 * {@code JsonNode} (a missing field is an empty node, {@code asText()} of it is {@code ""}) so that a reader
 * moves over line for line. Writing stays with databind: only builds that changed something write.
 */
public final class JsonTree {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final Object NULL = new Object();
    private static final JsonTree MISSING = new JsonTree(null);

    /** A map of field name to node, a list of nodes, a String, a Number, a Boolean, NULL, or null when missing. */
    private final Object value;

    private JsonTree(Object value) {
        this.value = value;
    }

    /** The document in a file; a malformed one fails with the parser's message, which names line and column. */
    public static JsonTree read(Path file) throws IOException {
        try (JsonParser parser = FACTORY.createParser(file.toFile())) {
            return document(parser);
        }
    }

    /** The document in a string. */
    public static JsonTree parse(String text) throws IOException {
        try (JsonParser parser = FACTORY.createParser(text)) {
            return document(parser);
        }
    }

    private static JsonTree document(JsonParser parser) throws IOException {
        JsonToken first = parser.nextToken();
        if (first == null) {
            throw new JsonParseException(parser, "no JSON value (empty input)");
        }
        JsonTree tree = node(parser, first);
        if (parser.nextToken() != null) {
            throw new JsonParseException(parser, "more than one JSON value");
        }
        return tree;
    }

    private static JsonTree node(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT -> {
                Map<String, JsonTree> fields = new LinkedHashMap<>();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_OBJECT; next = parser.nextToken()) {
                    String name = parser.currentName();
                    fields.put(name, node(parser, parser.nextToken()));
                }
                return new JsonTree(Collections.unmodifiableMap(fields));
            }
            case START_ARRAY -> {
                List<JsonTree> elements = new ArrayList<>();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
                    elements.add(node(parser, next));
                }
                return new JsonTree(Collections.unmodifiableList(elements));
            }
            case VALUE_STRING -> {
                return new JsonTree(parser.getText());
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return new JsonTree(parser.getNumberValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return new JsonTree(token == JsonToken.VALUE_TRUE);
            }
            case VALUE_NULL -> {
                return new JsonTree(NULL);
            }
            default -> throw new JsonParseException(parser, "unexpected " + token);
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

    @Override
    public String toString() {
        return value == null ? "(missing)" : value == NULL ? "null" : String.valueOf(value);
    }
}
