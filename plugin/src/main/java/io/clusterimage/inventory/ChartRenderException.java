package io.clusterimage.inventory;

/** Helm could not render a chart; the message is Helm's. */
public final class ChartRenderException extends RuntimeException {
    public ChartRenderException(String message) {
        super(message);
    }
}
