package io.clusterimage.kubefile;

import io.clusterimage.core.Finding;
import io.clusterimage.core.Severity;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A parsed Kubefile: its parser directives and instructions in order, each with its lines, and what
 * was wrong with it. Parsing never stops at the first problem, so a user sees every error at once.
 *
 * @param file         the file as the user would name it (relative to the build context)
 * @param escape       the escape character, {@code \} unless {@code # escape=`} says otherwise
 * @param directives   parser directives found at the top ({@code syntax}, {@code escape}, {@code check})
 * @param instructions the instructions that parsed
 * @param findings     syntax errors and warnings, each with its line
 */
public record Kubefile(Path file, char escape, Map<String, String> directives, List<Instruction> instructions,
                       List<Finding> findings) {

    public Kubefile {
        directives = Map.copyOf(directives);
        instructions = List.copyOf(instructions);
        findings = List.copyOf(findings);
    }

    public boolean hasErrors() {
        return findings.stream().anyMatch(f -> f.severity() == Severity.ERROR);
    }

    /** Instructions of one kind, in order. */
    public <T extends Instruction> List<T> all(Class<T> kind) {
        return instructions.stream().filter(kind::isInstance).map(kind::cast).toList();
    }
}
