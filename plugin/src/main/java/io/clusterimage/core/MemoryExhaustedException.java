package io.clusterimage.core;

import java.io.IOException;

/**
 * The Java heap ran out while the plugin was reading one input (a huge manifest, a chart that renders
 * hundreds of megabytes). Maven would print only "Java heap space"; this names the input and says how to
 * give the build more memory.
 */
public final class MemoryExhaustedException extends IOException {

    public MemoryExhaustedException(String input, OutOfMemoryError cause) {
        super("ran out of memory (a Java heap of " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB) while reading "
                + input + "; give Maven more with MAVEN_OPTS=-Xmx4g (or a line -Xmx4g in .mvn/jvm.config), or split the input", cause);
    }
}
