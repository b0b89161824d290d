package io.clusterimage.layout.ignore;

import io.clusterimage.core.GoPath;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@code .containerignore} or {@code .dockerignore} file, read and applied the way BuildKit does: the file is
 * parsed like moby's {@code ignorefile.ReadAll}, each pattern is compiled like moby's {@code patternmatcher}, and
 * paths are decided the way BuildKit's context walker (tonistiigi/fsutil) decides them.
 *
 * <h2>File format</h2>
 * <ul>
 *   <li>A UTF-8 byte order mark at the start of the file is ignored.</li>
 *   <li>A line whose very first character is {@code #} is a comment. Only the first column counts:
 *       {@code "  # x"} is the pattern {@code "# x"}.</li>
 *   <li>Other lines are trimmed; blank lines are skipped.</li>
 *   <li>A leading {@code !} makes an exception: matching paths are included again. White space after the
 *       {@code !} is ignored, and a {@code !} with nothing after it is an error.</li>
 *   <li>Each pattern is cleaned lexically ({@code a//b/../c/} becomes {@code a/c}) and one leading {@code /} is
 *       dropped, so patterns are always relative to the context root.</li>
 * </ul>
 *
 * <h2>Patterns</h2>
 * <ul>
 *   <li>{@code *} matches any run of characters except {@code /}, {@code ?} any one character except {@code /}:
 *       {@code *.tmp} only matches at the top level.</li>
 *   <li>{@code **} matches any number of directories, including none: <code>**&#47;*.md</code> matches
 *       {@code a.md} and {@code x/y/a.md}; {@code docs/**} matches everything below {@code docs} (but not
 *       {@code docs} itself).</li>
 *   <li>{@code [a-z]}, {@code [^a-z]} are character classes. {@code [!a-z]} is <em>not</em> a negation (Go
 *       globs have none): it is the class of {@code !} and {@code a}..{@code z}.</li>
 *   <li>{@code \} escapes the next character.</li>
 *   <li>A pattern that matches a directory matches everything inside it: {@code build} excludes
 *       {@code build/x/y}.</li>
 *   <li>When several patterns match, the last one wins, so {@code !} lines re-include what earlier lines
 *       excluded, and later lines can exclude it again.</li>
 * </ul>
 * Some of BuildKit's stranger behaviour is reproduced on purpose, because it decides what ends up in the image:
 * <ul>
 *   <li>In a pattern with any wildcard, class or escape, the rest is read as a Go regular expression with only
 *       {@code . + ( ) $} escaped (moby means to escape more but has a bug): {@code *.log|tmp} is an alternation,
 *       <code>x{2}*</code> a repetition, {@code 	} a tab and {@code [[:digit:]]} a POSIX class.</li>
 *   <li>A pattern starting with {@code **} and otherwise literal is a suffix test: {@code **.md} matches
 *       {@code a/b.md}.</li>
 *   <li>A line can be skipped for a directory whose result it cannot change, see {@link #isExcluded(String)}.</li>
 * </ul>
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class IgnoreFile {

    /** The names buildah looks for in the context directory, in order of precedence. */
    static final List<String> FILE_NAMES = List.of(".containerignore", ".dockerignore");

    /** Go's {@code filepath-securejoin} gives up after this many symbolic links. */
    private static final int MAX_SYMLINKS = 255;

    private final Path source;
    private final List<IgnorePattern> patterns;

    private IgnoreFile(Path source, List<IgnorePattern> patterns) {
        this.source = source;
        this.patterns = List.copyOf(patterns);
    }

    /**
     * Reads the ignore file of a build context, as buildah does: {@code .containerignore} if it exists, otherwise
     * {@code .dockerignore}. A symbolic link is followed as if the context directory were the file system root,
     * so the file read is always inside the context.
     *
     * @return the parsed file, or empty if the context has neither file
     * @throws IOException if a file exists but cannot be read (for example, it is a directory)
     * @throws IgnorePatternException if a line holds an invalid pattern
     */
    public static Optional<IgnoreFile> load(Path contextDir) throws IOException {
        Objects.requireNonNull(contextDir, "contextDir");
        for (String name : FILE_NAMES) {
            byte[] content;
            try {
                content = Files.readAllBytes(resolveInside(contextDir, name));
            } catch (NoSuchFileException absent) {
                continue;
            }
            Path source = contextDir.resolve(name);
            return Optional.of(parse(source, source.toString(), splitLines(content)));
        }
        return Optional.empty();
    }

    /**
     * Parses ignore-file lines.
     *
     * @param fileName names the file in error messages, and becomes {@link #source()}
     * @param lines the file's lines, without line terminators
     * @throws IgnorePatternException if a line holds an invalid pattern
     */
    public static IgnoreFile parse(String fileName, List<String> lines) {
        Objects.requireNonNull(fileName, "fileName");
        return parse(Path.of(fileName), fileName, lines);
    }

    private static IgnoreFile parse(Path source, String fileName, List<String> lines) {
        List<IgnorePattern> patterns = new ArrayList<>();
        for (int index = 0; index < lines.size(); index++) {
            String line = Objects.requireNonNull(lines.get(index), "line");
            if (index == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            // Only a '#' in the very first column makes a comment: ReadAll tests before trimming.
            if (line.startsWith("#")) {
                continue;
            }
            String trimmed = GoStrings.trimSpace(line);
            if (trimmed.isEmpty()) {
                continue;
            }
            IgnorePattern pattern = compile(fileName, index + 1, trimmed);
            if (pattern != null) {
                patterns.add(pattern);
            }
        }
        return new IgnoreFile(source, patterns);
    }

    /**
     * One non-blank, non-comment, trimmed line: ReadAll's normalisation, then patternmatcher.New's. Returns null
     * for a line that leaves no pattern.
     */
    private static IgnorePattern compile(String fileName, int lineNumber, String line) {
        // ignorefile.ReadAll: split off '!', clean, make relative.
        boolean invert = line.charAt(0) == '!';
        String pattern = invert ? GoStrings.trimSpace(line.substring(1)) : line;
        if (!pattern.isEmpty()) {
            pattern = GoPath.clean(pattern);
            if (pattern.length() > 1 && pattern.charAt(0) == '/') {
                pattern = pattern.substring(1);
            }
        }
        if (invert) {
            pattern = "!" + pattern;
        }
        // patternmatcher.New trims and cleans again, '!' included. Not a formality: dropping the '/' can expose
        // white space ("/ a" is the pattern "a", "/ /" no pattern at all), and "!/" ends up as the illegal "!".
        pattern = GoStrings.trimSpace(pattern);
        if (pattern.isEmpty()) {
            return null;
        }
        pattern = GoPath.clean(pattern);
        boolean exception = pattern.charAt(0) == '!';
        if (exception) {
            if (pattern.length() == 1) {
                throw new IgnorePatternException(fileName, lineNumber, line, "illegal exclusion pattern: \"!\"");
            }
            pattern = pattern.substring(1);
        }
        try {
            return new IgnorePattern(lineNumber, line, pattern, exception, CompiledPattern.compile(pattern));
        } catch (CompiledPattern.InvalidPatternException e) {
            throw new IgnorePatternException(fileName, lineNumber, line, e.getMessage());
        }
    }

    /** The file that was read, or the name given to {@link #parse(String, List)}. */
    public Path source() {
        return source;
    }

    /** The effective patterns in file order (comments and blank lines left out), with their line numbers. */
    public List<IgnorePattern> patterns() {
        return patterns;
    }

    /**
     * Whether BuildKit leaves {@code relativePath} out of the build context.
     *
     * <p>The answer is the one BuildKit's walk over the context gives, which decides a path from the root down,
     * handing each directory's per-pattern results to its children ({@code MatchesUsingParentResults}). In almost
     * every file that is simply "the last pattern matching the path or one of its parent directories wins". It
     * differs in one corner case, reproduced here: a pattern is not evaluated for a directory while it could not
     * change that directory's result (an exclusion while the directory is already excluded, an exception while it
     * is included), and is then only tested against descendants themselves, not against that directory. With
     * <pre>
     * docs
     * !docs/api/**
     * docs/api
     * </pre>
     * {@code docs/api/x} is therefore included: the last line is skipped at {@code docs/api}, which is already
     * excluded, and does not match {@code docs/api/x} itself.
     *
     * <p>The context root itself is never excluded.
     *
     * @param relativePath a {@code /}-separated path relative to the context root; it is cleaned first, so
     *     {@code ./a//b/} means {@code a/b}
     * @throws IllegalArgumentException if the path is absolute or leads outside the context
     */
    public boolean isExcluded(String relativePath) {
        String path = normalize(relativePath);
        return !path.equals(".") && decide(path).excluded();
    }

    /**
     * Whether something below the directory {@code dirRelativePath} may still be in the build context. A copier
     * walking the context can skip an excluded directory without looking inside when this is {@code false}; when
     * it is {@code true} it must walk the directory and ask {@link #isExcluded} for each entry (and create the
     * directory if an entry below it is copied, even though the directory itself is excluded).
     *
     * <p>It is {@code true} for a directory that is not excluded. For an excluded one, it is {@code true} only if
     * an exception ({@code !}) line that comes after every line deciding the directory could match some path
     * below it. It never answers {@code false} wrongly; it may answer {@code true} for a directory whose contents
     * all turn out excluded. This is finer than BuildKit's own shortcut, which walks into every excluded directory
     * as soon as any exception uses a wildcard, but it leads to the same set of copied files.
     *
     * @param dirRelativePath a {@code /}-separated directory path relative to the context root
     * @throws IllegalArgumentException if the path is absolute or leads outside the context
     */
    public boolean mayContainIncluded(String dirRelativePath) {
        String dir = normalize(dirRelativePath);
        if (dir.equals(".")) {
            return true;
        }
        Decision decision = decide(dir);
        if (!decision.excluded()) {
            return true;
        }
        // Whatever matched the directory also holds for everything below it, so only an exception that comes
        // after the last of those can turn a descendant back into an included path.
        int lastMatch = patterns.size() - 1;
        while (!decision.matched()[lastMatch]) {
            lastMatch--;
        }
        String below = dir + "/";
        for (int i = lastMatch + 1; i < patterns.size(); i++) {
            IgnorePattern pattern = patterns.get(i);
            if (pattern.isException() && pattern.mayMatchBelow(below)) {
                return true;
            }
        }
        return false;
    }

    /** The result for one path, and which patterns matched it (BuildKit's {@code MatchInfo}). */
    private record Decision(boolean excluded, boolean[] matched) {
    }

    /** Decides {@code a}, {@code a/b}, ... {@code path} in turn, each from its parent's result. */
    private Decision decide(String path) {
        Decision decision = null;
        int from = 0;
        while (true) {
            int slash = path.indexOf('/', from);
            String prefix = slash < 0 ? path : path.substring(0, slash);
            decision = decide(prefix, decision == null ? null : decision.matched());
            if (slash < 0) {
                return decision;
            }
            from = slash + 1;
        }
    }

    /**
     * moby's {@code MatchesUsingParentResults}. A pattern that matched the parent matches the child. Otherwise it
     * is only tested when it could change the running result: an exclusion while the path is not (yet) excluded,
     * an exception while it is. A pattern that was not tested counts as not matched for the children too.
     */
    private Decision decide(String path, boolean[] parentMatched) {
        boolean excluded = false;
        boolean[] matched = new boolean[patterns.size()];
        for (int i = 0; i < patterns.size(); i++) {
            IgnorePattern pattern = patterns.get(i);
            boolean match = parentMatched != null && parentMatched[i];
            if (!match) {
                if (pattern.isException() != excluded) {
                    continue;
                }
                match = pattern.matches(path);
            }
            matched[i] = match;
            if (match) {
                excluded = !pattern.isException();
            }
        }
        return new Decision(excluded, matched);
    }

    private static String normalize(String relativePath) {
        Objects.requireNonNull(relativePath, "relativePath");
        String path = GoPath.clean(relativePath);
        if (path.startsWith("/")) {
            throw new IllegalArgumentException("Path must be relative to the context root: " + relativePath);
        }
        if (path.equals("..") || path.startsWith("../")) {
            throw new IllegalArgumentException("Path leads outside the context: " + relativePath);
        }
        return path;
    }

    /**
     * Splits like Go's {@code bufio.ScanLines}: on {@code \n}, dropping one {@code \r} before it; a last line
     * without terminator counts, an empty remainder does not. Invalid UTF-8 becomes U+FFFD.
     */
    static List<String> splitLines(byte[] content) {
        String text = new String(content, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int newline = text.indexOf('\n', start);
            int end = newline < 0 ? text.length() : newline;
            String line = text.substring(start, end);
            lines.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
            start = end + 1;
        }
        return lines;
    }

    /**
     * The path {@code root/unsafePath} with every symbolic link resolved as if {@code root} were the file system
     * root ({@code filepath-securejoin}'s {@code SecureJoin}, which buildah uses to open the ignore file): absolute
     * link targets restart at {@code root}, and {@code ..} never climbs above it.
     */
    static Path resolveInside(Path root, String unsafePath) throws IOException {
        String remaining = unsafePath;
        String current = ""; // relative to root, cleaned, free of symbolic links
        int links = 0;
        while (!remaining.isEmpty()) {
            int slash = remaining.indexOf('/');
            String part = slash < 0 ? remaining : remaining.substring(0, slash);
            remaining = slash < 0 ? "" : remaining.substring(slash + 1);
            String next = GoPath.clean("/" + current + "/" + part).substring(1);
            if (next.isEmpty()) {
                current = "";
                continue;
            }
            Path candidate = root.resolve(next);
            if (!Files.isSymbolicLink(candidate)) {
                current = next;
                continue;
            }
            if (++links > MAX_SYMLINKS) {
                throw new FileSystemException(root.resolve(unsafePath).toString(), null,
                        "Too many levels of symbolic links");
            }
            String target = Files.readSymbolicLink(candidate).toString();
            remaining = remaining.isEmpty() ? target : target + "/" + remaining;
            if (target.startsWith("/")) {
                current = "";
            }
        }
        return current.isEmpty() ? root : root.resolve(current);
    }

    @Override
    public String toString() {
        return "IgnoreFile[" + source + ", " + patterns + "]";
    }
}
