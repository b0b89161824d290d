package io.clusterimage.testing;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs a main class of the tests in a separate JVM with the tests' own class path. */
public final class ChildJvm {

    private ChildJvm() {
    }

    public static ProcessBuilder command(Class<?> mainClass, List<String> args) {
        return command(mainClass, args, "256m");
    }

    /** With JVM options of its own (system properties the JDK reads once, at start). */
    public static ProcessBuilder command(Class<?> mainClass, List<String> jvmOptions, List<String> args) {
        ProcessBuilder builder = command(mainClass, args);
        List<String> command = builder.command();
        command.addAll(1, jvmOptions);
        return builder;
    }

    /** With a heap of {@code maxHeap} ({@code -Xmx}), for tests of what happens when it runs out. */
    public static ProcessBuilder command(Class<?> mainClass, List<String> args, String maxHeap) {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + maxHeap);
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass.getName());
        command.addAll(args);
        return new ProcessBuilder(command);
    }

    /** PATH with {@code dir} first, for a child that must find a program there. */
    public static String pathWith(Path dir) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        return dir.toAbsolutePath() + File.pathSeparator + path;
    }
}
