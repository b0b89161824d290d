package io.clusterimage.appimage;

import io.clusterimage.core.Platform;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The local container engine's command line, for a base image it holds: {@code docker} (which asks its daemon)
 * or {@code podman} (which needs none). Only two commands: {@code image inspect} for the image's identity and
 * platform, {@code save} for its docker-archive. Each runs with a time limit and its error output kept for the
 * message; nothing is written but the file {@code save} is asked for.
 */
final class DockerEngine {

    private static final long INSPECT_SECONDS = 60;
    private static final long SAVE_SECONDS = 30 * 60;

    /** What {@code image inspect} says: the image ID (the digest of its config) and its platform. */
    record Inspected(String id, Platform platform) {
    }

    private final AppImageSpec.DockerBase base;

    DockerEngine(AppImageSpec.DockerBase base) {
        this.base = base;
    }

    Inspected inspect() throws IOException {
        String out = run(INSPECT_SECONDS, "image", "inspect", "--format", "{{.Id}} {{.Os}}/{{.Architecture}}", base.name()).strip();
        String[] parts = out.split("\\s+");
        if (parts.length != 2 || !parts[0].contains(":") && parts[0].length() < 12) {
            throw new IOException("`" + base.executable() + " image inspect " + base.name() + "` answered \"" + out
                    + "\", not an image ID and a platform");
        }
        try {
            return new Inspected(parts[0], Platform.parse(parts[1]));
        } catch (IllegalArgumentException e) {
            throw new IOException("`" + base.executable() + " image inspect " + base.name() + "` gave the platform \"" + parts[1]
                    + "\": " + e.getMessage(), e);
        }
    }

    /** The image as a docker-archive at {@code archive}. */
    void save(Path archive) throws IOException {
        Files.createDirectories(archive.toAbsolutePath().getParent());
        Files.deleteIfExists(archive);
        run(SAVE_SECONDS, "save", "-o", archive.toString(), base.name());
        if (!Files.isRegularFile(archive)) {
            throw new IOException("`" + base.executable() + " save` wrote no " + archive);
        }
    }

    private String run(long seconds, String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(base.executable());
        command.addAll(List.of(arguments));
        Path errors = Files.createTempFile("cluster-image-engine", ".err");
        try {
            Process process;
            try {
                process = new ProcessBuilder(command).redirectError(errors.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE).start();
            } catch (IOException e) {
                throw new IOException("cannot run " + base.executable() + " (" + e.getMessage() + "): install Docker or Podman,"
                        + " or name the program in <from><dockerExecutable>", e);
            }
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readNBytes(64 * 1024); // an ID and a platform; the rest is not read
            try {
                if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IOException("`" + String.join(" ", command) + "` did not end within " + seconds + " s");
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while `" + String.join(" ", command) + "` ran");
            }
            if (process.exitValue() != 0) {
                String said = new String(Files.readAllBytes(errors), StandardCharsets.UTF_8).strip();
                throw new IOException("`" + String.join(" ", command) + "` failed (exit " + process.exitValue() + ")"
                        + (said.isEmpty() ? "" : ": " + said.lines().limit(5).reduce((a, b) -> a + " " + b).orElse("")));
            }
            return new String(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(errors);
        }
    }
}
