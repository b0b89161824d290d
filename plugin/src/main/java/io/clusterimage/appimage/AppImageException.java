package io.clusterimage.appimage;

/** An application image that cannot be built; the message names the POM element and says what to do. */
public final class AppImageException extends Exception {
    public AppImageException(String message) {
        super(message);
    }

    public AppImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
