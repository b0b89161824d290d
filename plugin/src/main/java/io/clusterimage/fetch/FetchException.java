package io.clusterimage.fetch;

/** A declared chart or file that cannot be fetched; the message starts with the POM element and says what to do. */
public class FetchException extends Exception {
    public FetchException(String message) {
        super(message);
    }

    public FetchException(String message, Throwable cause) {
        super(message, cause);
    }
}
