package io.clusterimage.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/**
 * A fake {@code docker-credential-<name>} program (a shell script) speaking the credential helper
 * protocol: {@code get} reads the server URL on stdin and prints {@code {"ServerURL","Username","Secret"}},
 * or exits 1 ("credentials not found"). Every call is appended to a log file as {@code <action> <server>}.
 */
public final class CredentialHelper {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path program;
    private final Path log;

    private CredentialHelper(Path program, Path log) {
        this.program = program;
        this.log = log;
    }

    /**
     * @param dir     the directory to put {@code docker-credential-<name>} in (put it on the child's PATH)
     * @param secrets server URL (exactly as asked) → {@code [username, secret]}
     */
    public static CredentialHelper write(Path dir, String name, Map<String, List<String>> secrets) throws IOException {
        Files.createDirectories(dir);
        Path program = dir.resolve("docker-credential-" + name);
        Path log = dir.resolve(name + ".log");
        StringBuilder script = new StringBuilder("#!/bin/sh\nserver=$(cat)\n")
                .append("printf '%s %s\\n' \"$1\" \"$server\" >> ").append(quote(log.toString())).append('\n')
                .append("case \"$server\" in\n");
        for (Map.Entry<String, List<String>> entry : secrets.entrySet()) {
            ObjectNode answer = JSON.createObjectNode();
            answer.put("ServerURL", entry.getKey());
            answer.put("Username", entry.getValue().get(0));
            answer.put("Secret", entry.getValue().get(1));
            script.append("  ").append(quote(entry.getKey())).append(") printf '%s' ").append(quote(JSON.writeValueAsString(answer)))
                    .append(" ;;\n");
        }
        script.append("  *) echo 'credentials not found in native keychain'; exit 1 ;;\nesac\n");
        Files.writeString(program, script, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new CredentialHelper(program, log);
    }

    private static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }

    public Path program() {
        return program;
    }

    /** The calls made so far, as {@code <action> <server>} lines. */
    public List<String> calls() throws IOException {
        return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
    }
}
