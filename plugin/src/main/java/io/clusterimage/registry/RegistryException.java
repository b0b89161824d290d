package io.clusterimage.registry;

/**
 * A registry operation that failed for good (after retries where retrying makes sense), with the
 * kind of failure so callers can say what the user should do.
 */
public final class RegistryException extends Exception {

    public enum Kind {
        /** 401: no or wrong credentials. */
        UNAUTHORIZED,
        /** 403: the credentials are not allowed to read this repository. */
        FORBIDDEN,
        /** 404: no such repository, tag, manifest or blob. */
        NOT_FOUND,
        /** The registry served bytes whose digest is not the one asked for. */
        DIGEST_MISMATCH,
        /** A manifest format we cannot store (schema 1) or a platform the index does not have. */
        UNSUPPORTED,
        /** TLS handshake failed (certificate not trusted, wrong host name...). */
        TLS,
        /** Network errors, 5xx, 429 — still failing after the retries. */
        TRANSIENT,
        /** Offline (mvn -o) and not in the cache. */
        OFFLINE_MISSING,
        /** A saved tree would not hold the whole image the tag names, so the tag was not written. */
        INCOMPLETE,
        /** The signature policy does not hold for the image, so it was not stored. */
        POLICY
    }

    private final Kind kind;

    public RegistryException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public RegistryException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
