package io.clusterimage.layout.ignore;

/**
 * One cleaned pattern (without its {@code !}) turned into a matcher the way moby's patternmatcher does it.
 *
 * <p>moby does not match every pattern with a regular expression: a pattern made only of literal characters is
 * compared as a string, {@code lit/**} becomes a prefix test and {@code **lit} a suffix test. These shortcuts are
 * not always equivalent to the regular expression (for example {@code **.md} is a suffix test that matches
 * {@code a/b.md}, while the regular expression would only accept a file named {@code .md}), so we keep them.
 */
sealed interface CompiledPattern {

    /** Whether the pattern matches {@code path} itself (a cleaned, slash-separated, relative path). */
    boolean matches(String path);

    /**
     * Whether the pattern might match some path starting with {@code prefix}, which ends with {@code /}. Must not
     * answer {@code false} when such a path exists.
     */
    boolean mayMatchBelow(String prefix);

    /** Compiles a cleaned pattern, or throws with a reason in the words of Go's error messages. */
    static CompiledPattern compile(String pattern) throws InvalidPatternException {
        String globError = GlobSyntax.check(pattern);
        if (globError != null) {
            throw new InvalidPatternException("syntax error in pattern: " + globError);
        }
        return GlobSyntax.translate(pattern);
    }

    /** A pattern that moby rejects, with the reason. */
    final class InvalidPatternException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidPatternException(String reason) {
            super(reason);
        }
    }

    /** Only literal characters: {@code path == pattern}. */
    record Exact(String literal) implements CompiledPattern {
        @Override
        public boolean matches(String path) {
            return path.equals(literal);
        }

        @Override
        public boolean mayMatchBelow(String prefix) {
            return literal.startsWith(prefix);
        }
    }

    /** Literal characters then a final {@code **}: {@code path.startsWith(literal)}, even across {@code /}. */
    record Prefix(String literal) implements CompiledPattern {
        @Override
        public boolean matches(String path) {
            return path.startsWith(literal);
        }

        @Override
        public boolean mayMatchBelow(String prefix) {
            return literal.startsWith(prefix) || prefix.startsWith(literal);
        }
    }

    /**
     * A leading {@code **} then literal characters: {@code path.endsWith(literal)}; <code>**&#47;foo</code> also matches
     * {@code foo} at the top level.
     */
    record Suffix(String literal) implements CompiledPattern {
        @Override
        public boolean matches(String path) {
            if (path.endsWith(literal)) {
                return true;
            }
            return literal.startsWith("/") && path.equals(literal.substring(1));
        }

        @Override
        public boolean mayMatchBelow(String prefix) {
            // prefix + literal (or prefix + literal without its leading '/') always ends with the literal.
            return true;
        }
    }

    /** Everything else: a Go regular expression {@code ^...$}. */
    record Regex(GoRegexp regexp) implements CompiledPattern {
        @Override
        public boolean matches(String path) {
            return regexp.matches(path);
        }

        @Override
        public boolean mayMatchBelow(String prefix) {
            return regexp.mayMatchSomethingStartingWith(prefix);
        }
    }
}
