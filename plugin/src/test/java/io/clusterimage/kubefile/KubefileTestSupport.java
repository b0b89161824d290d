package io.clusterimage.kubefile;

import io.clusterimage.core.Finding;
import io.clusterimage.core.Platform;
import io.clusterimage.core.Severity;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Helpers shared by the Kubefile tests: inputs written line by line, and findings looked up by code. */
final class KubefileTestSupport {

    static final Path FILE = Path.of("Kubefile");
    /** Target and build platform differ on purpose, so a test can tell TARGET* from BUILD* values. */
    static final Platform TARGET = new Platform("linux", "arm64", "");
    static final Platform BUILD = Platform.LINUX_AMD64;

    private KubefileTestSupport() {
    }

    /** The lines joined with LF and a final newline, so line N of the list is line N of the file. */
    static String text(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    static Kubefile parse(String... lines) {
        return KubefileParser.parse(FILE, text(lines));
    }

    static Kubefile parseRaw(String content) {
        return KubefileParser.parse(FILE, content);
    }

    static BuildPlan resolve(Map<String, String> buildArgs, String... lines) {
        Kubefile kubefile = parse(lines);
        assertEquals(List.of(), kubefile.findings().stream().filter(f -> f.severity() == Severity.ERROR).toList(),
                "the input of a resolver test must parse without errors");
        return KubefileResolver.resolve(kubefile, buildArgs, TARGET, BUILD);
    }

    static BuildPlan resolve(String... lines) {
        return resolve(Map.of(), lines);
    }

    static void assertNoFindings(List<Finding> findings) {
        assertEquals(List.of(), describe(findings), "expected no findings");
    }

    static String describe(Finding finding) {
        return finding.severity() + " " + finding.code() + " " + finding.location() + " " + finding.message();
    }

    static List<String> describe(List<Finding> findings) {
        return findings.stream().map(KubefileTestSupport::describe).toList();
    }

    /** The one finding with this code; fails when there is none or more than one. */
    static Finding only(List<Finding> findings, String code) {
        List<Finding> matching = findings.stream().filter(f -> f.code().equals(code)).toList();
        if (matching.size() != 1) {
            fail("expected exactly one " + code + " finding, got " + describe(findings));
        }
        return matching.get(0);
    }

    /** Asserts a finding with this code on this line whose message contains the phrase exists. */
    static Finding assertFinding(List<Finding> findings, Severity severity, String code, int line, String phrase) {
        List<Finding> matching = findings.stream().filter(f -> f.code().equals(code) && f.line() == line).toList();
        if (matching.isEmpty()) {
            fail("expected " + code + " on line " + line + ", got " + describe(findings));
        }
        Finding finding = matching.get(0);
        assertEquals(severity, finding.severity(), () -> describe(finding));
        assertTrue(finding.message().contains(phrase),
                () -> "message of " + code + " should contain '" + phrase + "': " + finding.message());
        assertEquals(FILE, finding.file());
        return finding;
    }

    /** The codes of the findings, in order, e.g. to check that nothing else was reported. */
    static List<String> codes(List<Finding> findings) {
        return findings.stream().map(Finding::code).collect(Collectors.toList());
    }

    /** Each instruction as {@code KEYWORD first[-last]}, e.g. {@code LABEL 2-4}: kinds and line ranges at a glance. */
    static List<String> outline(List<? extends Instruction> instructions) {
        return instructions.stream().map(i -> i.keyword() + " " + i.lines()).toList();
    }

    static List<String> outline(Kubefile kubefile) {
        return outline(kubefile.instructions());
    }

    /** The single instruction of this kind in the file. */
    static <T extends Instruction> T single(Kubefile kubefile, Class<T> kind) {
        List<T> all = kubefile.all(kind);
        assertEquals(1, all.size(), () -> "expected one " + kind.getSimpleName() + " in " + kubefile.instructions());
        return all.get(0);
    }

    static <T extends Instruction> T single(Stage stage, Class<T> kind) {
        List<T> all = stage.all(kind);
        assertEquals(1, all.size(), () -> "expected one " + kind.getSimpleName() + " in " + stage.instructions());
        return all.get(0);
    }

    static Instruction.KeyValue kv(String key, String value) {
        return new Instruction.KeyValue(key, value);
    }

    static Instruction.Lines lines(int first, int last) {
        return new Instruction.Lines(first, last);
    }
}
