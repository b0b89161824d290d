package io.clusterimage.core;


import java.nio.file.Path;
import java.util.Objects;

/**
 * One problem found in the user's files: where it is, what is wrong and what to do about it.
 *
 * @param severity how bad it is
 * @param code     a stable identifier (e.g. {@code kubefile.run}) that tests and tools can match on
 * @param file     the file, relative to the build context when it lies inside it
 * @param line     1-based line, or 0 when the finding is about the whole file or directory
 * @param message  what is wrong
 * @param fix      what the user should do; may be empty
 */
public record Finding(Severity severity, String code, Path file, int line, String message, String fix) {

    public Finding {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        fix = fix == null ? "" : fix;
    }

    public static Finding error(String code, Path file, int line, String message, String fix) {
        return new Finding(Severity.ERROR, code, file, line, message, fix);
    }

    public static Finding warning(String code, Path file, int line, String message, String fix) {
        return new Finding(Severity.WARNING, code, file, line, message, fix);
    }

    /** Not a problem: a hint the build log shows (and the report keeps), e.g. a better way to do something. */
    public static Finding info(String code, Path file, int line, String message, String fix) {
        return new Finding(Severity.INFO, code, file, line, message, fix);
    }

    /**
     * The finding as the reports write it (validation.json, images.json, the chart memo): severity, code, file
     * (forward slashes), line, message, fix — one shape everywhere, read back by {@link #fromJson}.
     */
    public void writeTo(JsonObject node) {
        node.put("severity", severity.name());
        node.put("code", code);
        node.put("file", file == null ? null : file.toString().replace('\\', '/'));
        node.put("line", line);
        node.put("message", message);
        node.put("fix", fix);
    }

    /** A finding {@link #writeTo} wrote. */
    public static Finding fromJson(JsonTree node) {
        return new Finding(Severity.valueOf(node.path("severity").asText()), node.path("code").asText(),
                node.path("file").isTextual() ? Path.of(node.path("file").asText()) : null, node.path("line").asInt(),
                node.path("message").asText(), node.path("fix").asText());
    }

    /** {@code Kubefile:7} or {@code charts/x} — the place part of a log line, in the compiler style IDEs link. */
    public String location() {
        if (file == null) {
            return "";
        }
        String name = file.toString().replace('\\', '/');
        return line > 0 ? name + ":" + line : name;
    }

    /** {@code Kubefile:7: RUN cannot ... Fix: ...} */
    public String describe() {
        String where = location();
        StringBuilder text = new StringBuilder();
        if (!where.isEmpty()) {
            text.append(where).append(": ");
        }
        text.append(message);
        if (!fix.isEmpty()) {
            text.append(" Fix: ").append(fix);
        }
        return text.toString();
    }

    /** Same finding reported against another path, e.g. made relative to the build context. */
    public Finding withFile(Path newFile) {
        return new Finding(severity, code, newFile, line, message, fix);
    }
}
