package io.clusterimage.image;

import java.nio.file.Path;

/** The Kubefile cannot be turned into an image; names the file and line. */
public final class ImageBuildException extends Exception {
    private final Path file;
    private final int line;

    public ImageBuildException(Path file, int line, String message) {
        super(message);
        this.file = file;
        this.line = line;
    }

    public Path file() {
        return file;
    }

    public int line() {
        return line;
    }

    /** {@code Kubefile:7: message} */
    public String describe() {
        return (file == null ? "" : file + (line > 0 ? ":" + line : "") + ": ") + getMessage();
    }
}
