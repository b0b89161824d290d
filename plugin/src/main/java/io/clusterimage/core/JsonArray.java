package io.clusterimage.core;

import java.util.ArrayList;

/** A JSON array being built for {@link JsonWriter}; its elements as {@link JsonObject}'s values. */
public final class JsonArray extends ArrayList<Object> {

    /** Appends an empty object and returns it. */
    public JsonObject addObject() {
        JsonObject object = new JsonObject();
        add(object);
        return object;
    }
}
