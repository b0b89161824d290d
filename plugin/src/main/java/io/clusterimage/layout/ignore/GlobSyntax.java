package io.clusterimage.layout.ignore;

/**
 * The two steps moby's patternmatcher applies to a cleaned pattern.
 *
 * <ol>
 *   <li>{@link #check}: {@code patternmatcher.New} calls Go's {@code filepath.Match(pattern, ".")} only to see
 *       whether it reports {@code ErrBadPattern}; we reproduce that syntax check.</li>
 *   <li>{@link #translate}: {@code Pattern.compile} rewrites the glob into a Go regular expression, or into one of
 *       the string shortcuts (exact, prefix, suffix).</li>
 * </ol>
 *
 * <p>The two disagree on purpose-free details, and BuildKit's behaviour is the combination: a pattern must pass
 * the {@code filepath.Match} check, and is then matched with the regular expression, whose syntax errors
 * (such as the range {@code l-O} in {@code [Local-Only]}) BuildKit only reports when it first matches a path.
 * We report them when the file is parsed.
 */
final class GlobSyntax {

    /**
     * The characters moby escapes when copying a glob into a regular expression. moby means to escape
     * <code>.+()|{}$</code>, but its lookup table ({@code shouldEscape}: 8 bytes, indexed by {@code b%8}, bit
     * {@code 1<<(b/8)}) overflows for every character from {@code @} (64) up, so {@code |} and the braces reach the
     * regular expression unescaped: in BuildKit {@code a*|b} means "{@code a*} or {@code b}" and
     * <code>a{2}*</code> repeats the {@code a}. We reproduce that.
     */
    private static final String ESCAPED = ".+()$";

    private GlobSyntax() {
    }

    /**
     * Go's {@code filepath.Match} syntax rules on Unix: returns null if the pattern is well formed, otherwise why
     * not. Classes are {@code [...]} or {@code [^...]} (not {@code [!...]}: {@code !} is an ordinary member),
     * must not be empty, must not start a member with an unescaped {@code -} or {@code ]}, and must be closed;
     * a backslash escapes the next character and must not end the pattern.
     */
    static String check(String pattern) {
        int[] cps = pattern.codePoints().toArray();
        int i = 0;
        while (i < cps.length) {
            int c = cps[i];
            if (c == '\\') {
                if (i + 1 >= cps.length) {
                    return "trailing backslash";
                }
                i += 2;
            } else if (c == '[') {
                i++;
                if (i < cps.length && cps[i] == '^') {
                    i++;
                }
                int members = 0;
                while (true) {
                    if (i < cps.length && cps[i] == ']' && members > 0) {
                        i++;
                        break;
                    }
                    // One member: a character, or a range lo-hi (Go does not require lo <= hi here).
                    i = classChar(cps, i);
                    if (i >= 0 && cps[i] == '-') {
                        i = classChar(cps, i + 1);
                    }
                    if (i == UNTERMINATED) {
                        return "unterminated character class";
                    }
                    if (i == MISPLACED) {
                        return "'-' or ']' must be escaped in a character class (and a class must not be empty)";
                    }
                    members++;
                }
            } else {
                i++;
            }
        }
        return null;
    }

    private static final int UNTERMINATED = -1;
    private static final int MISPLACED = -2;

    /**
     * Go's {@code getEsc}: reads one possibly escaped class character at {@code i} and returns the index after
     * it; {@link #MISPLACED} for an unescaped {@code -} or {@code ]}; {@link #UNTERMINATED} if the pattern ends
     * at or right after it, since a class still needs its {@code ]}.
     */
    private static int classChar(int[] cps, int i) {
        if (i >= cps.length) {
            return UNTERMINATED;
        }
        if (cps[i] == '-' || cps[i] == ']') {
            return MISPLACED;
        }
        if (cps[i] == '\\') {
            i++;
        }
        i++;
        return i < cps.length ? i : UNTERMINATED;
    }

    /**
     * moby's {@code Pattern.compile} for the Unix separator. Walks the pattern once, building a Go regular
     * expression and tracking which shortcut still applies:
     * <ul>
     *   <li>{@code **} followed by {@code /} or the end matches across directories: <code>(.*&#47;)?</code> or {@code .*};
     *       at the very start it makes the pattern a suffix test, at the very end (after only literals) a prefix
     *       test;</li>
     *   <li>{@code *} is {@code [^/]*} and {@code ?} is {@code [^/]}: neither crosses a directory;</li>
     *   <li>{@code [}, {@code ]} and {@code \x} are copied into the expression, which is why class and escape
     *       syntax is ultimately RE2's ({@code [[:digit:]]} is a POSIX class, {@code \t} a tab);</li>
     *   <li>{@code . + ( ) $} are escaped; every other character is copied as is, so in a pattern that is not
     *       a plain literal {@code ^} is an anchor, {@code |} an alternation and <code>{n,m}</code> a repetition (see
     *       {@link #ESCAPED}).</li>
     * </ul>
     */
    static CompiledPattern translate(String pattern) throws CompiledPattern.InvalidPatternException {
        int[] cps = pattern.codePoints().toArray();
        StringBuilder regex = new StringBuilder("^");
        Kind kind = Kind.EXACT;
        int pos = 0;
        // moby counts loop iterations, not characters: "only at the very start" means "in the first iteration".
        for (int iteration = 0; pos < cps.length; iteration++) {
            int c = cps[pos++];
            if (c == '*') {
                if (pos < cps.length && cps[pos] == '*') {
                    pos++;
                    if (pos < cps.length && cps[pos] == '/') {
                        pos++; // "**/" is treated like "**"
                    }
                    if (pos == cps.length) {
                        // A trailing "**" accepts everything, as in .gitignore.
                        if (kind == Kind.EXACT) {
                            kind = Kind.PREFIX;
                        } else {
                            regex.append(".*");
                            kind = Kind.REGEX;
                        }
                    } else {
                        // Any number of directories, including none.
                        regex.append("(.*/)?");
                        kind = Kind.REGEX;
                    }
                    if (iteration == 0) {
                        kind = Kind.SUFFIX;
                    }
                } else {
                    regex.append("[^/]*");
                    kind = Kind.REGEX;
                }
            } else if (c == '?') {
                regex.append("[^/]");
                kind = Kind.REGEX;
            } else if (c < 0x80 && ESCAPED.indexOf(c) >= 0) {
                regex.append('\\').appendCodePoint(c);
            } else if (c == '\\') {
                if (pos < cps.length) {
                    regex.append('\\').appendCodePoint(cps[pos++]);
                    kind = Kind.REGEX;
                } else {
                    regex.append('\\');
                }
            } else if (c == '[' || c == ']') {
                regex.appendCodePoint(c);
                kind = Kind.REGEX;
            } else {
                regex.appendCodePoint(c);
            }
        }
        switch (kind) {
            case EXACT:
                return new CompiledPattern.Exact(pattern);
            case PREFIX:
                return new CompiledPattern.Prefix(pattern.substring(0, pattern.length() - 2));
            case SUFFIX:
                return new CompiledPattern.Suffix(pattern.substring(2));
            default:
                regex.append('$');
                try {
                    return new CompiledPattern.Regex(GoRegexp.compile(regex.toString()));
                } catch (GoRegexp.SyntaxError e) {
                    throw new CompiledPattern.InvalidPatternException(
                            "syntax error in pattern: error parsing regexp: " + e.getMessage());
                }
        }
    }

    private enum Kind { EXACT, PREFIX, SUFFIX, REGEX }
}
