package io.clusterimage.core;

import java.util.LinkedHashMap;

/**
 * A JSON object being built for {@link JsonWriter}: fields in insertion order; values are Strings, Numbers, Booleans,
 * null, maps and lists (of the same). {@link #putObject} and {@link #putArray} add a container and return it, as one
 * builds a document top down.
 */
public final class JsonObject extends LinkedHashMap<String, Object> {

    /** Puts a field and returns this object, for chains: {@code array.addObject().field("a", 1).field("b", 2)}. */
    public JsonObject field(String field, Object value) {
        put(field, value);
        return this;
    }

    /** Adds (or replaces) an empty object under {@code field} and returns it. */
    public JsonObject putObject(String field) {
        JsonObject object = new JsonObject();
        put(field, object);
        return object;
    }

    /** Adds (or replaces) an empty array under {@code field} and returns it. */
    public JsonArray putArray(String field) {
        JsonArray array = new JsonArray();
        put(field, array);
        return array;
    }
}
