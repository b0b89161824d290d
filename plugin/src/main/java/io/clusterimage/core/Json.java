package io.clusterimage.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;

/**
 * The engine's one databind mapper, made on first use, for the paths that only a build doing real work takes
 * (the registry client, fetch's indexes and lock, credentials). One instance, not one per class: each ObjectMapper
 * introspects the types it writes again, and creating the first costs a Maven JVM ~90 ms of class loading. The
 * files every build reads go through {@link JsonTree}, and what a build after an edit writes (reports, memos, image
 * documents, the SBOM) through {@link JsonWriter}, so that neither a no-op nor an edit build pays for it.
 * A class refers to {@code Json.MAPPER} where it reads or writes, never in a static field of its own, so that
 * merely loading the class does not create the mapper.
 */
public final class Json {

    private Json() {
    }

    public static final ObjectMapper MAPPER = new ObjectMapper();

    /** For the reports people read: two-space indentation, one field per line. */
    public static final ObjectWriter PRETTY = MAPPER.writerWithDefaultPrettyPrinter();
}
