package io.clusterimage.kubefile;

import io.clusterimage.core.Finding;
import io.clusterimage.core.JsonTree;
import io.clusterimage.core.Severity;
import io.clusterimage.kubefile.Instruction.CommandLine;
import io.clusterimage.kubefile.Instruction.KeyValue;
import io.clusterimage.kubefile.Instruction.Lines;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses Kubefile (Dockerfile) syntax the way BuildKit and buildah read it: parser directives,
 * backslash continuations (trailing blanks after the backslash allowed), comment and blank lines
 * inside continuations, case-insensitive keywords, builder flags, JSON and shell forms.
 *
 * <p>Where BuildKit silently does something the user almost certainly did not mean — a JSON array
 * that is not closed on its line becomes a shell command and the next line an unknown instruction —
 * this parser reports an error naming the line instead.
 */
public final class KubefileParser {

    private static final Pattern DIRECTIVE = Pattern.compile("^#\\s*([a-zA-Z][a-zA-Z0-9]*)\\s*=\\s*(.+?)\\s*$");
    private static final Set<String> KNOWN_DIRECTIVES = Set.of("syntax", "escape", "check");

    private static final Map<String, Set<String>> ALLOWED_FLAGS = Map.ofEntries(
            Map.entry("from", Set.of("platform")),
            Map.entry("copy", Set.of("from", "chown", "chmod", "link", "parents", "exclude")),
            Map.entry("add", Set.of("chown", "chmod", "link", "checksum", "keep-git-dir", "exclude", "unpack")),
            Map.entry("run", Set.of("mount", "network", "security")),
            Map.entry("healthcheck", Set.of("interval", "timeout", "start-period", "start-interval", "retries")));
    /** Flags that take true or false (or nothing, meaning true); every other flag needs {@code =value}. */
    private static final Set<String> BOOLEAN_FLAGS = Set.of("link", "parents", "keep-git-dir", "unpack");
    /** Flags BuildKit allows more than once; the model keeps the last value. */
    private static final Set<String> REPEATABLE_FLAGS = Set.of("exclude", "mount");

    private final Path file;
    private final List<Finding> findings = new ArrayList<>();
    private char escape = '\\';

    private KubefileParser(Path file) {
        this.file = file;
    }

    /**
     * Reads and parses a Kubefile; {@code displayName} is how findings name it (e.g. {@code Kubefile}).
     * Bytes that are not UTF-8 are an error naming the line, and the rest is still parsed (see {@link KubefileText}).
     */
    public static Kubefile parse(Path path, Path displayName) throws IOException {
        KubefileText text = KubefileText.read(path, displayName);
        KubefileParser parser = new KubefileParser(displayName);
        text.problem().ifPresent(parser.findings::add);
        return parser.run(text.content());
    }

    /** Parses Kubefile text; {@code file} is only used to name the file in findings. */
    public static Kubefile parse(Path file, String content) {
        return new KubefileParser(file).run(content);
    }

    private Kubefile run(String content) {
        List<String> lines = splitLines(content);
        Map<String, String> directives = readDirectives(lines);
        List<Instruction> instructions = new ArrayList<>();
        int index = 0;
        while (index < lines.size()) {
            int startLine = index + 1;
            String first = stripComment(lines.get(index)).stripLeading();
            index++;
            Continuation piece = trimContinuation(first);
            if (piece.complete && piece.text.isBlank()) {
                continue;
            }
            StringBuilder logical = new StringBuilder(piece.text);
            boolean complete = piece.complete;
            while (!complete && index < lines.size()) {
                String raw = lines.get(index);
                index++;
                if (isComment(raw)) {
                    continue; // BuildKit drops comment lines inside a continuation
                }
                if (raw.isBlank()) {
                    findings.add(Finding.warning("kubefile.empty-continuation", file, index,
                            "empty line inside a continuation; BuildKit warns that this will become an error",
                            "remove the blank line or the trailing " + escape + " of the line before"));
                    continue;
                }
                Continuation next = trimContinuation(raw);
                logical.append(next.text);
                complete = next.complete;
            }
            Lines span = new Lines(startLine, index);
            Instruction instruction = parseInstruction(logical.toString(), span, false);
            if (instruction != null) {
                instructions.add(instruction);
            }
        }
        checkStructure(instructions);
        return new Kubefile(file, escape, directives, instructions, findings);
    }

    // ---- lines, directives, comments and continuations ----

    private static List<String> splitLines(String content) {
        String text = content.startsWith("\uFEFF") ? content.substring(1) : content;
        List<String> lines = new ArrayList<>(List.of(text.split("\r?\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1); // a final newline does not start another line
        }
        return lines;
    }

    private Map<String, String> readDirectives(List<String> lines) {
        Map<String, String> directives = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = DIRECTIVE.matcher(lines.get(i).stripLeading()); // BuildKit strips leading blanks first
            if (!m.matches()) {
                break; // directives are only recognised before any other line
            }
            String name = m.group(1).toLowerCase(Locale.ROOT);
            if (!KNOWN_DIRECTIVES.contains(name)) {
                break; // an unknown directive is a comment, and ends the directive block
            }
            if (directives.containsKey(name)) {
                findings.add(Finding.error("kubefile.directive", file, i + 1,
                        "only one '" + name + "' parser directive can be used", "remove the repeated '# " + name + "=' line"));
                continue;
            }
            String value = m.group(2);
            directives.put(name, value);
            if (name.equals("escape")) {
                if (value.equals("`") || value.equals("\\")) {
                    escape = value.charAt(0);
                } else {
                    findings.add(Finding.error("kubefile.directive", file, i + 1,
                            "invalid escape character '" + value + "'", "use '# escape=\\' or '# escape=`'"));
                }
            }
        }
        return directives;
    }

    private static boolean isComment(String line) {
        return line.stripLeading().startsWith("#");
    }

    private static String stripComment(String line) {
        return isComment(line) ? "" : line;
    }

    private record Continuation(String text, boolean complete) {
    }

    /** Removes a trailing escape character (and blanks after it), which continues the instruction. */
    private Continuation trimContinuation(String line) {
        int end = line.length();
        while (end > 0 && (line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t')) {
            end--;
        }
        if (end > 0 && line.charAt(end - 1) == escape) {
            return new Continuation(line.substring(0, end - 1), false);
        }
        return new Continuation(line, true);
    }

    // ---- instructions ----

    private Instruction parseInstruction(String logicalLine, Lines span, boolean onbuildTrigger) {
        String trimmed = logicalLine.strip();
        String[] split = trimmed.split("\\s+", 2);
        String keyword = split[0].toLowerCase(Locale.ROOT);
        String afterKeyword = split.length > 1 ? split[1] : "";
        FlagsAndRest parsed = extractFlags(afterKeyword);
        String rest = parsed.rest.strip();
        String upper = keyword.toUpperCase(Locale.ROOT);

        if (!isKnown(keyword)) {
            reportUnknown(split[0], span);
            return null;
        }
        Map<String, String> flags = checkFlags(keyword, upper, parsed.flags, span);
        if (flags == null) {
            return null;
        }
        try {
            return switch (keyword) {
                case "from" -> parseFrom(span, flags, rest);
                case "copy", "add" -> parseCopy(span, keyword.equals("add"), flags, rest);
                case "env" -> new Instruction.Env(span, nameValues("ENV", rest, span), isLegacyNameValue(rest));
                case "label" -> new Instruction.Label(span, nameValues("LABEL", rest, span), isLegacyNameValue(rest));
                case "arg" -> parseArg(span, rest);
                case "cmd" -> new Instruction.Cmd(span, commandLine("CMD", rest, span));
                case "entrypoint" -> new Instruction.Entrypoint(span, commandLine("ENTRYPOINT", rest, span));
                case "run" -> parseRun(span, rest);
                case "shell" -> parseShell(span, rest);
                case "workdir" -> new Instruction.Workdir(span, single("WORKDIR", rest));
                case "user" -> new Instruction.User(span, single("USER", rest));
                case "maintainer" -> new Instruction.Maintainer(span, single("MAINTAINER", rest));
                case "stopsignal" -> new Instruction.StopSignal(span, single("STOPSIGNAL", rest));
                case "expose" -> new Instruction.Expose(span, atLeastOne("EXPOSE", whitespaceSplit(rest)));
                case "volume" -> new Instruction.Volume(span, atLeastOne("VOLUME", jsonOrWhitespaceList("VOLUME", rest, span)));
                case "healthcheck" -> parseHealthcheck(span, flags, rest);
                case "onbuild" -> parseOnbuild(span, rest, onbuildTrigger);
                default -> throw new IllegalStateException(keyword);
            };
        } catch (SyntaxError e) {
            error(e.code, span, e.getMessage(), e.fix);
            return null;
        }
    }

    private static boolean isKnown(String keyword) {
        return switch (keyword) {
            case "from", "copy", "add", "env", "label", "arg", "cmd", "entrypoint", "run", "shell", "workdir", "user",
                    "maintainer", "stopsignal", "expose", "volume", "healthcheck", "onbuild" -> true;
            default -> false;
        };
    }

    private void reportUnknown(String word, Lines span) {
        if (word.startsWith("\"") || word.startsWith("]") || word.startsWith("'") || word.startsWith(",")) {
            error("kubefile.unknown-instruction", span, "'" + word + "' is not an instruction; it looks like the rest of a JSON array"
                            + " from the line before, which Docker reads as two separate lines",
                    "put the whole JSON array on one line, or end each of its lines with " + escape);
        } else {
            error("kubefile.unknown-instruction", span, "unknown instruction '" + word + "'",
                    "use one of FROM, COPY, ADD, ENV, ARG, LABEL, CMD, ENTRYPOINT, WORKDIR, USER, EXPOSE, VOLUME, "
                            + "STOPSIGNAL, HEALTHCHECK, SHELL, ONBUILD, MAINTAINER");
        }
    }

    private Instruction parseFrom(Lines span, Map<String, String> flags, String rest) {
        List<String> words = whitespaceSplit(rest);
        String stageName = null;
        if (words.size() == 3 && words.get(1).equalsIgnoreCase("as")) {
            stageName = words.get(2).toLowerCase(Locale.ROOT);
            if (!stageName.matches("[a-z][a-z0-9\\-_.]*")) {
                throw new SyntaxError("kubefile.from", "invalid name for build stage '" + words.get(2) + "'",
                        "a stage name starts with a letter and holds only letters, digits, '-', '_' and '.'");
            }
        } else if (words.size() != 1) {
            throw new SyntaxError("kubefile.from", "FROM requires either one or three arguments (image [AS name])",
                    "write 'FROM scratch', 'FROM <image>' or 'FROM <image> AS <name>'");
        }
        return new Instruction.From(span, words.get(0), stageName, flags.get("platform"));
    }

    private Instruction parseCopy(Lines span, boolean add, Map<String, String> flags, String rest) {
        String keyword = add ? "ADD" : "COPY";
        List<String> words = jsonOrWhitespaceList(keyword, rest, span);
        if (words.size() < 2) {
            throw new SyntaxError("kubefile.copy", keyword + " requires at least two arguments (source and destination)",
                    "write '" + keyword + " <source>... <destination>', e.g. '" + keyword + " manifests manifests'");
        }
        Map<String, String> other = new LinkedHashMap<>(flags);
        other.keySet().removeAll(Set.of("from", "chown", "chmod", "exclude", "parents"));
        List<String> excludes = flags.containsKey("exclude") ? List.of(flags.get("exclude").split("\n", -1)) : List.of();
        if (excludes.stream().anyMatch(String::isBlank)) {
            throw new SyntaxError("kubefile.flag", "--exclude of " + keyword + " needs a pattern",
                    "write --exclude=<pattern>, e.g. --exclude=*.md, once per pattern");
        }
        boolean parents = flags.containsKey("parents") && !flags.get("parents").equalsIgnoreCase("false");
        return new Instruction.Copy(span, add, List.copyOf(words.subList(0, words.size() - 1)), words.get(words.size() - 1),
                flags.get("from"), flags.get("chown"), flags.get("chmod"), excludes, parents, Map.copyOf(other));
    }

    private Instruction parseArg(Lines span, String rest) {
        List<String> words = words(rest);
        if (words.isEmpty()) {
            throw new SyntaxError("kubefile.arg", "ARG requires at least one argument", "write 'ARG NAME' or 'ARG NAME=default'");
        }
        List<KeyValue> args = new ArrayList<>();
        for (String word : words) {
            int eq = word.indexOf('=');
            String name = eq < 0 ? word : word.substring(0, eq);
            if (name.isEmpty()) {
                throw new SyntaxError("kubefile.arg", "ARG names can not be blank", "write 'ARG NAME=default'");
            }
            args.add(new KeyValue(name, eq < 0 ? null : word.substring(eq + 1)));
        }
        return new Instruction.Arg(span, args);
    }

    private Instruction parseRun(Lines span, String rest) {
        CommandLine command = commandLine("RUN", rest, span);
        // RUN parses (so the model is complete) but can never be built: the checker reports it.
        return new Instruction.Run(span, command);
    }

    private Instruction parseShell(Lines span, String rest) {
        List<String> json = jsonArray(rest);
        if (json == null || json.isEmpty()) {
            throw new SyntaxError("kubefile.shell", "SHELL requires its arguments in JSON form",
                    "write e.g. SHELL [\"/bin/bash\", \"-c\"]");
        }
        return new Instruction.Shell(span, json);
    }

    private Instruction parseHealthcheck(Lines span, Map<String, String> flags, String rest) {
        String[] split = rest.split("\\s+", 2);
        String type = split[0].toUpperCase(Locale.ROOT);
        if (type.equals("NONE")) {
            if (split.length > 1 && !split[1].isBlank()) {
                throw new SyntaxError("kubefile.healthcheck", "HEALTHCHECK NONE takes no arguments", "write just 'HEALTHCHECK NONE'");
            }
            return new Instruction.Healthcheck(span, null, flags);
        }
        if (!type.equals("CMD") || split.length < 2 || split[1].isBlank()) {
            throw new SyntaxError("kubefile.healthcheck", "HEALTHCHECK needs NONE or CMD <command>",
                    "write e.g. HEALTHCHECK --interval=30s CMD [\"check.sh\"]");
        }
        return new Instruction.Healthcheck(span, commandLine("HEALTHCHECK", split[1], span), flags);
    }

    private Instruction parseOnbuild(Lines span, String rest, boolean nested) {
        if (rest.isBlank()) {
            throw new SyntaxError("kubefile.onbuild", "ONBUILD needs an instruction", "write e.g. ONBUILD COPY . .");
        }
        String triggerKeyword = rest.split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
        if (nested || Set.of("ONBUILD", "FROM", "MAINTAINER").contains(triggerKeyword)) {
            throw new SyntaxError("kubefile.onbuild", triggerKeyword + " isn't allowed as an ONBUILD trigger",
                    "ONBUILD may carry any instruction but ONBUILD, FROM and MAINTAINER");
        }
        Instruction trigger = parseInstruction(rest, span, true);
        if (trigger == null) {
            return null; // the trigger's own error has been reported
        }
        return new Instruction.Onbuild(span, rest, trigger);
    }

    // ---- argument forms ----

    /**
     * CMD/ENTRYPOINT/RUN/HEALTHCHECK: the JSON form when the text is a JSON array of strings, the
     * shell form otherwise — except that an array that starts on this line and is not closed is
     * reported, since Docker would quietly run it as a shell command.
     */
    private CommandLine commandLine(String keyword, String rest, Lines span) {
        if (rest.isEmpty()) {
            throw new SyntaxError("kubefile.command", keyword + " needs a command",
                    "write e.g. " + keyword + " [\"kubectl apply -f manifests/\"]");
        }
        List<String> json = jsonArray(rest);
        if (json != null) {
            return CommandLine.exec(json);
        }
        checkBrokenJson(keyword, rest, span);
        return CommandLine.shell(rest);
    }

    private List<String> jsonOrWhitespaceList(String keyword, String rest, Lines span) {
        List<String> json = jsonArray(rest);
        if (json != null) {
            return json;
        }
        checkBrokenJson(keyword, rest, span);
        return whitespaceSplit(rest);
    }

    private void checkBrokenJson(String keyword, String rest, Lines span) {
        if (!rest.startsWith("[")) {
            return;
        }
        if (isJsonArrayOfNonStrings(rest)) {
            throw new SyntaxError("kubefile.json", keyword + " argument is a JSON array, but Docker accepts only a JSON array of strings",
                    "quote every element, e.g. [\"8080\"] instead of [8080]");
        }
        String inner = rest.substring(1).stripLeading();
        boolean looksLikeJson = inner.startsWith("\"") || inner.startsWith("'") || inner.startsWith("]");
        if (!looksLikeJson || isShellTest(inner)) {
            return; // e.g. the shell test commands "[ -f x ] && ..." and "[ "$MODE" = ha ]"
        }
        if (!rest.endsWith("]")) {
            throw new SyntaxError("kubefile.json", keyword + " starts a JSON array that is not closed on this line;"
                    + " Docker would run '" + abbreviate(rest) + "' as a shell command and fail on the next line",
                    "put the whole array on one line, or end each of its lines with " + escape);
        }
        throw new SyntaxError("kubefile.json", keyword + " argument looks like a JSON array but is not valid JSON"
                + " (JSON strings need double quotes and commas between elements); Docker would run it as a shell command",
                "write it as [\"element\", \"element\"]");
    }

    /**
     * Whether the text after {@code [} is a shell test such as {@code "$MODE" = "ha" ]}: its first
     * quoted word is followed by something no JSON array element can be followed by (a comma, a
     * closing bracket, the end of the line, or another string where a comma was forgotten).
     */
    private static boolean isShellTest(String inner) {
        char quote = inner.charAt(0);
        if (quote == ']') {
            return false;
        }
        int pos = 1;
        while (pos < inner.length() && inner.charAt(pos) != quote) {
            pos += quote == '"' && inner.charAt(pos) == '\\' ? 2 : 1;
        }
        if (pos >= inner.length()) {
            return false; // the first string is not closed on this line
        }
        String after = inner.substring(pos + 1).stripLeading();
        return !after.isEmpty() && ",]\"'".indexOf(after.charAt(0)) < 0;
    }

    private static String quoted(String value) {
        return value.startsWith("\"") && value.endsWith("\"") && value.length() > 1 ? value : "\"" + value + "\"";
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }

    /** A valid JSON array that {@link #jsonArray} rejected because an element is not a string. */
    private static boolean isJsonArrayOfNonStrings(String text) {
        try {
            return JsonTree.parse(text).isArray();
        } catch (IOException e) {
            return false;
        }
    }

    /** The strings of a JSON array, or null when the text is not a JSON array of strings. */
    private static List<String> jsonArray(String text) {
        if (!text.startsWith("[")) {
            return null;
        }
        try {
            JsonTree node = JsonTree.parse(text);
            if (!node.isArray()) {
                return null;
            }
            List<String> values = new ArrayList<>();
            for (JsonTree element : node.elements()) {
                if (!element.isTextual()) {
                    return null;
                }
                values.add(element.asText());
            }
            return values;
        } catch (IOException e) {
            return null;
        }
    }

    private static List<String> whitespaceSplit(String rest) {
        String trimmed = rest.strip();
        return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("\\s+"));
    }

    private static List<String> atLeastOne(String keyword, List<String> values) {
        if (values.isEmpty()) {
            throw new SyntaxError("kubefile.arguments", keyword + " requires at least one argument", "");
        }
        return values;
    }

    private static String single(String keyword, String rest) {
        if (rest.isEmpty()) {
            throw new SyntaxError("kubefile.arguments", keyword + " requires an argument", "");
        }
        return rest;
    }

    private boolean isLegacyNameValue(String rest) {
        List<String> words = words(rest);
        return !words.isEmpty() && !words.get(0).contains("=");
    }

    /** ENV and LABEL: {@code k=v k2="v 2"} pairs, or the legacy {@code k the rest of the line}. */
    private List<KeyValue> nameValues(String keyword, String rest, Lines span) {
        List<String> words = words(rest);
        if (words.isEmpty()) {
            throw new SyntaxError("kubefile.arguments", keyword + " requires at least one argument",
                    "write " + keyword + " name=value");
        }
        if (!words.get(0).contains("=")) {
            String[] parts = rest.split("\\s+", 2);
            if (parts.length < 2 || parts[1].isBlank()) {
                throw new SyntaxError("kubefile.arguments", keyword + " " + parts[0] + " has no value",
                        "write " + keyword + " " + parts[0] + "=<value>");
            }
            if (keyword.equals("LABEL") || keyword.equals("ENV")) {
                findings.add(Finding.warning("kubefile.legacy-key-value", file, span.first(),
                        "legacy '" + keyword + " key value' form; Docker recommends '" + keyword + " key=value'",
                        "write " + keyword + " " + parts[0] + "=" + quoted(parts[1].strip())));
            }
            return List.of(new KeyValue(parts[0], parts[1].strip()));
        }
        List<KeyValue> pairs = new ArrayList<>();
        for (String word : words) {
            int eq = word.indexOf('=');
            if (eq < 0) {
                throw new SyntaxError("kubefile.arguments", "can't find = in '" + word + "'; " + keyword
                        + " with several values must be of the form name=value", "write " + word + "=<value> or quote the value");
            }
            if (eq == 0) {
                throw new SyntaxError("kubefile.arguments", keyword + " names can not be blank", "write " + keyword + " name=value");
            }
            pairs.add(new KeyValue(word.substring(0, eq), word.substring(eq + 1)));
        }
        return pairs;
    }

    /**
     * Splits on blanks outside quotes, keeping quotes and escapes in the words: they are removed
     * later, together with variable expansion, exactly as BuildKit does.
     */
    private List<String> words(String rest) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        boolean blankOk = false;
        char quote = 0;
        for (int pos = 0; pos < rest.length(); pos++) {
            char ch = rest.charAt(pos);
            if (quote != 0) {
                if (ch == quote) {
                    quote = 0;
                } else if (ch == escape && quote != '\'' && pos + 1 < rest.length()) {
                    word.append(ch);
                    ch = rest.charAt(++pos);
                }
                word.append(ch);
                continue;
            }
            if (Character.isWhitespace(ch)) {
                if (inWord && (blankOk || word.length() > 0)) {
                    words.add(word.toString());
                }
                word.setLength(0);
                inWord = false;
                blankOk = false;
                continue;
            }
            inWord = true;
            if (ch == '\'' || ch == '"') {
                quote = ch;
                blankOk = true;
            } else if (ch == escape) {
                if (pos + 1 == rest.length()) {
                    continue;
                }
                word.append(ch);
                ch = rest.charAt(++pos);
            }
            word.append(ch);
        }
        if (inWord && (blankOk || word.length() > 0)) {
            words.add(word.toString());
        }
        return words;
    }

    /** A flag as written: {@code value} is null for {@code --name} without {@code =}. */
    private record Flag(String name, String value) {
    }

    private record FlagsAndRest(List<Flag> flags, String rest) {
    }

    /**
     * Checks flags the way BuildKit does (names are case-sensitive, a flag may be given once unless
     * it is repeatable, a string flag needs {@code =value}, a boolean flag takes true or false) and
     * returns them by name, or reports the first problem and returns null.
     */
    private Map<String, String> checkFlags(String keyword, String upper, List<Flag> written, Lines span) {
        Set<String> allowed = ALLOWED_FLAGS.getOrDefault(keyword, Set.of());
        Map<String, String> flags = new LinkedHashMap<>();
        for (Flag flag : written) {
            String name = flag.name();
            String value = flag.value();
            boolean isBoolean = BOOLEAN_FLAGS.contains(name);
            if (!allowed.contains(name)) {
                error("kubefile.flag", span, "unknown flag --" + name + " for " + upper,
                        allowed.isEmpty() ? upper + " takes no flags" : upper + " accepts " + describeFlags(allowed));
            } else if (flags.containsKey(name) && !REPEATABLE_FLAGS.contains(name)) {
                error("kubefile.flag", span, "duplicate flag --" + name + " for " + upper, "give --" + name + " only once");
            } else if (isBoolean ? "".equals(value) : value == null) {
                error("kubefile.flag", span, "flag --" + name + " of " + upper + " needs a value",
                        isBoolean ? "write --" + name + " or --" + name + "=false" : "write --" + name + "=<value>, with no blank around =");
            } else if (isBoolean && value != null && !value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                error("kubefile.flag", span, "flag --" + name + " of " + upper + " takes true or false, not '" + value + "'",
                        "write --" + name + " or --" + name + "=false");
            } else {
                // a repeatable flag keeps every value, one a line (words of a flag hold no line break)
                flags.merge(name, value == null ? "" : value, (first, next) -> first + "\n" + next);
                continue;
            }
            return null;
        }
        return flags;
    }

    /** Leading {@code --name=value} / {@code --name} words; quotes in flag values are removed. */
    private FlagsAndRest extractFlags(String text) {
        List<Flag> flags = new ArrayList<>();
        int pos = 0;
        while (true) {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
            if (!text.startsWith("--", pos)) {
                return new FlagsAndRest(flags, text.substring(pos));
            }
            StringBuilder word = new StringBuilder();
            char quote = 0;
            int p = pos + 2;
            for (; p < text.length(); p++) {
                char ch = text.charAt(p);
                if (quote != 0) {
                    if (ch == quote) {
                        quote = 0;
                        continue;
                    }
                } else if (Character.isWhitespace(ch)) {
                    break;
                } else if (ch == '"' || ch == '\'') {
                    quote = ch;
                    continue;
                }
                if (ch == '\\' && p + 1 < text.length()) {
                    ch = text.charAt(++p);
                }
                word.append(ch);
            }
            if (word.length() == 0) {
                return new FlagsAndRest(flags, text.substring(p)); // a bare "--" ends the flags
            }
            int eq = word.indexOf("=");
            flags.add(eq < 0 ? new Flag(word.toString(), null) : new Flag(word.substring(0, eq), word.substring(eq + 1)));
            pos = p;
        }
    }

    private static String describeFlags(Set<String> flags) {
        return flags.stream().sorted().map(f -> "--" + f).reduce((a, b) -> a + ", " + b).orElse("");
    }

    // ---- whole-file checks ----

    private void checkStructure(List<Instruction> instructions) {
        if (instructions.isEmpty() && findings.stream().noneMatch(f -> f.severity() == Severity.ERROR)) {
            findings.add(Finding.error("kubefile.empty", file, 0, "the file has no instructions",
                    "start it with FROM scratch and COPY what the cluster image needs"));
            return;
        }
        boolean seenFrom = false;
        Set<String> stageNames = new HashSet<>();
        for (Instruction instruction : instructions) {
            if (instruction instanceof Instruction.From from) {
                seenFrom = true;
                if (from.stageName() != null && !stageNames.add(from.stageName())) {
                    error("kubefile.from", from.lines(), "duplicate stage name '" + from.stageName() + "'",
                            "give every stage its own name");
                }
            } else if (!seenFrom && !(instruction instanceof Instruction.Arg)) {
                error("kubefile.no-from", instruction.lines(), instruction.keyword() + " before the first FROM",
                        "start the file with FROM (only ARG may come before it)");
                seenFrom = true; // report once
            }
            if (instruction instanceof Instruction.Run run) {
                reportRun(run.lines());
            } else if (instruction instanceof Instruction.Onbuild onbuild && onbuild.trigger() instanceof Instruction.Run) {
                findings.add(Finding.warning("kubefile.onbuild-run", file, onbuild.lines().first(),
                        "ONBUILD RUN will fail in any cluster image built FROM this one: cluster images are assembled, not executed",
                        "install files with COPY instead"));
            }
        }
        boolean otherErrors = findings.stream().anyMatch(f -> f.severity() == Severity.ERROR);
        if (!seenFrom && !otherErrors) { // only ARG instructions (or a FROM that did not parse, reported already)
            error("kubefile.no-from", instructions.get(0).lines(), "no FROM: the file has only ARG instructions, so there is no stage to build",
                    "add FROM scratch (or FROM <base image>) after the ARG lines");
        }
    }

    private void reportRun(Lines span) {
        error("kubefile.run", span, "RUN cannot work in a cluster image: it is assembled from files, not executed in a container",
                "put binaries under opt/ and install them from CMD (e.g. CMD [\"cp opt/helm /usr/bin/\"]),"
                        + " or prepare files before the build in init.sh (runInitScript)");
    }

    private void error(String code, Lines span, String message, String fix) {
        findings.add(Finding.error(code, file, span.first(), message, fix));
    }

    /** A problem with one instruction; turned into a finding with the instruction's first line. */
    private static final class SyntaxError extends RuntimeException {
        private final String code;
        private final String fix;

        SyntaxError(String code, String message, String fix) {
            super(message, null, false, false);
            this.code = code;
            this.fix = fix;
        }
    }
}
