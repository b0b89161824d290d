package io.clusterimage.maven;

import org.apache.maven.plugin.logging.Log;

import java.io.PrintStream;
import java.util.function.Consumer;

/**
 * Per-image progress: a plain log line per finished image in batch mode (-B, CI), and on an
 * interactive terminal also a status line below them that is redrawn in place
 * ({@code [3/10] saving...}).
 */
final class ProgressView implements Consumer<String>, AutoCloseable {

    private final Log log;
    private final PrintStream terminal;
    private final int total;
    private final String verb;
    private int done;

    /**
     * @param interactive whether Maven runs interactively (not -B) with a console attached
     */
    ProgressView(Log log, boolean interactive, int total, String verb) {
        this.log = log;
        this.terminal = interactive && System.console() != null ? System.out : null;
        this.total = total;
        this.verb = verb;
        redraw();
    }

    @Override
    public synchronized void accept(String line) {
        clear();
        log.info("  " + line);
        done++;
        redraw();
    }

    private void clear() {
        if (terminal != null) {
            terminal.print("\r\033[K");
            terminal.flush();
        }
    }

    private void redraw() {
        if (terminal != null && done < total) {
            terminal.print("  [" + done + "/" + total + "] " + verb + "...");
            terminal.flush();
        }
    }

    @Override
    public synchronized void close() {
        clear();
    }
}
