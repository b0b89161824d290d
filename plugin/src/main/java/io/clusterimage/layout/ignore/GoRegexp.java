package io.clusterimage.layout.ignore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * A small re-implementation of Go's {@code regexp} package (RE2 syntax, {@code regexp.Compile} flags), limited to
 * what moby's patternmatcher can produce, with a Thompson-NFA matcher.
 *
 * <p>Why not {@link java.util.regex.Pattern}? moby turns a glob into a Go regular expression by copying most
 * characters verbatim, so the user's text is parsed with RE2 rules. Java's syntax differs exactly where that
 * leaks through: {@code [[]} is a valid class in RE2 but an error in Java, {@code [[:digit:]]} is a POSIX class in
 * RE2 but a nested union in Java, {@code \1} is an error in RE2 but a back-reference in Java, {@code $} only matches
 * at the very end in Go but also before a final line break in Java. Parsing the RE2 text ourselves gives the same
 * answers as BuildKit, and owning the automaton also lets us ask whether a pattern could match anything below a
 * directory, which {@code java.util.regex} cannot answer reliably.
 *
 * <p>Supported: literals, {@code .}, {@code ^ $ \A \z \b \B}, classes with ranges, negation, escapes, POSIX
 * {@code [:name:]} and Perl {@code \d \s \w} (and negations), <code>\p{...}</code> Unicode classes (general
 * categories, scripts, {@code Any}, {@code ASCII}, {@code Assigned}; the Unicode tables are Java's, which may differ
 * from Go's in version), {@code \Q...\E}, groups, {@code |}, and the {@code * + ?} and <code>{n,m}</code>
 * repetitions (greedy or lazy: a yes/no match does not care). {@code (?flags)} is rejected: moby never emits
 * {@code (?}.
 */
final class GoRegexp {

    /** A malformed expression; the message follows Go's {@code regexp/syntax} error texts. */
    static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxError(String message) {
            super(message);
        }
    }

    private final String expr;
    private final Program program;

    private GoRegexp(String expr, Program program) {
        this.expr = expr;
        this.program = program;
    }

    static GoRegexp compile(String expr) throws SyntaxError {
        Node tree = new Parser(expr).parse();
        return new GoRegexp(expr, Program.compile(tree));
    }

    /** Go's {@code Regexp.MatchString}: whether the expression matches anywhere in {@code input}. */
    boolean matches(String input) {
        return program.search(input.codePoints().toArray(), false);
    }

    /**
     * Whether some string that starts with {@code prefix} might be matched. Never answers {@code false} when such a
     * string exists; may answer {@code true} when none does (for example when a later {@code ^} can never hold).
     */
    boolean mayMatchSomethingStartingWith(String prefix) {
        return program.search(prefix.codePoints().toArray(), true);
    }

    @Override
    public String toString() {
        return expr;
    }

    // ---------------------------------------------------------------- syntax tree

    private sealed interface Node permits Chars, Assertion, Concat, Alternate, Repeat {
    }

    /** Consumes one code point that satisfies the predicate. */
    private record Chars(IntPredicate set) implements Node {
    }

    private record Assertion(int kind) implements Node {
    }

    private record Concat(List<Node> items) implements Node {
    }

    private record Alternate(List<Node> branches) implements Node {
    }

    /** {@code sub} at least {@code min} and at most {@code max} times; {@code max} -1 means unbounded. */
    private record Repeat(Node sub, int min, int max) implements Node {
    }

    /** Go's limit on a counted repetition: <code>x{1001}</code> is an error. */
    private static final int MAX_REPEAT = 1000;

    private static final int BEGIN_TEXT = 0;
    private static final int END_TEXT = 1;
    private static final int WORD_BOUNDARY = 2;
    private static final int NO_WORD_BOUNDARY = 3;

    // ---------------------------------------------------------------- character sets

    /** Sorted, non-overlapping inclusive ranges; the form Go keeps its classes in. */
    private record Ranges(int[] bounds) implements IntPredicate {
        static Ranges of(int... bounds) {
            return new Ranges(bounds);
        }

        @Override
        public boolean test(int cp) {
            for (int i = 0; i < bounds.length; i += 2) {
                if (cp >= bounds[i] && cp <= bounds[i + 1]) {
                    return true;
                }
            }
            return false;
        }
    }

    private static final Ranges DIGIT = Ranges.of('0', '9');
    private static final Ranges PERL_SPACE = Ranges.of('\t', '\n', '\f', '\r', ' ', ' ');
    private static final Ranges WORD = Ranges.of('0', '9', 'A', 'Z', '_', '_', 'a', 'z');

    private static final Map<Character, IntPredicate> PERL_CLASSES = Map.of(
            'd', DIGIT, 'D', DIGIT.negate(),
            's', PERL_SPACE, 'S', PERL_SPACE.negate(),
            'w', WORD, 'W', WORD.negate());

    /** RE2's POSIX classes, all ASCII-only, as {@code [:name:]} would appear inside brackets. */
    private static final Map<String, Ranges> POSIX_CLASSES = Map.ofEntries(
            Map.entry("alnum", Ranges.of('0', '9', 'A', 'Z', 'a', 'z')),
            Map.entry("alpha", Ranges.of('A', 'Z', 'a', 'z')),
            Map.entry("ascii", Ranges.of(0, 0x7F)),
            Map.entry("blank", Ranges.of('\t', '\t', ' ', ' ')),
            Map.entry("cntrl", Ranges.of(0, 0x1F, 0x7F, 0x7F)),
            Map.entry("digit", DIGIT),
            Map.entry("graph", Ranges.of('!', '~')),
            Map.entry("lower", Ranges.of('a', 'z')),
            Map.entry("print", Ranges.of(' ', '~')),
            Map.entry("punct", Ranges.of('!', '/', ':', '@', '[', '`', '{', '~')),
            Map.entry("space", Ranges.of('\t', '\r', ' ', ' ')),
            Map.entry("upper", Ranges.of('A', 'Z')),
            Map.entry("word", WORD),
            Map.entry("xdigit", Ranges.of('0', '9', 'A', 'F', 'a', 'f')));

    private static boolean isWordChar(int cp) {
        return cp >= 0 && WORD.test(cp);
    }

    /** Go's {@code \p{name}} lookup, approximated with Java's Unicode tables. Returns null for an unknown name. */
    private static IntPredicate unicodeClass(String name) {
        switch (canonicalName(name)) {
            case "Any":
                return cp -> true;
            case "Ascii":
                return cp -> cp <= 0x7F;
            case "Assigned":
                return cp -> Character.getType(cp) != Character.UNASSIGNED;
            case "Lc":
                return categories(Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER);
            default:
                break;
        }
        IntPredicate category = generalCategory(canonicalName(name));
        if (category != null) {
            return category;
        }
        try {
            Character.UnicodeScript script = Character.UnicodeScript.forName(name);
            return cp -> Character.UnicodeScript.of(cp) == script;
        } catch (IllegalArgumentException unknown) {
            return null;
        }
    }

    /** Go 1.25's name normalisation for {@code \p}: drop {@code _ - space}, upper-case the first letter only. */
    private static String canonicalName(String name) {
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '_' || c == '-' || c == ' ') {
                continue;
            }
            b.append(b.length() == 0 ? Character.toUpperCase(c) : Character.toLowerCase(c));
        }
        return b.toString();
    }

    private static IntPredicate generalCategory(String name) {
        return switch (name) {
            case "C" -> categories(Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE);
            case "Cc" -> categories(Character.CONTROL);
            case "Cf" -> categories(Character.FORMAT);
            case "Cn" -> categories(Character.UNASSIGNED);
            case "Co" -> categories(Character.PRIVATE_USE);
            case "Cs" -> categories(Character.SURROGATE);
            case "L" -> categories(Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER,
                    Character.TITLECASE_LETTER, Character.MODIFIER_LETTER, Character.OTHER_LETTER);
            case "Ll" -> categories(Character.LOWERCASE_LETTER);
            case "Lm" -> categories(Character.MODIFIER_LETTER);
            case "Lo" -> categories(Character.OTHER_LETTER);
            case "Lt" -> categories(Character.TITLECASE_LETTER);
            case "Lu" -> categories(Character.UPPERCASE_LETTER);
            case "M" -> categories(Character.NON_SPACING_MARK, Character.COMBINING_SPACING_MARK,
                    Character.ENCLOSING_MARK);
            case "Mc" -> categories(Character.COMBINING_SPACING_MARK);
            case "Me" -> categories(Character.ENCLOSING_MARK);
            case "Mn" -> categories(Character.NON_SPACING_MARK);
            case "N" -> categories(Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER);
            case "Nd" -> categories(Character.DECIMAL_DIGIT_NUMBER);
            case "Nl" -> categories(Character.LETTER_NUMBER);
            case "No" -> categories(Character.OTHER_NUMBER);
            case "P" -> categories(Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION,
                    Character.START_PUNCTUATION, Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION);
            case "Pc" -> categories(Character.CONNECTOR_PUNCTUATION);
            case "Pd" -> categories(Character.DASH_PUNCTUATION);
            case "Pe" -> categories(Character.END_PUNCTUATION);
            case "Pf" -> categories(Character.FINAL_QUOTE_PUNCTUATION);
            case "Pi" -> categories(Character.INITIAL_QUOTE_PUNCTUATION);
            case "Po" -> categories(Character.OTHER_PUNCTUATION);
            case "Ps" -> categories(Character.START_PUNCTUATION);
            case "S" -> categories(Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL,
                    Character.OTHER_SYMBOL);
            case "Sc" -> categories(Character.CURRENCY_SYMBOL);
            case "Sk" -> categories(Character.MODIFIER_SYMBOL);
            case "Sm" -> categories(Character.MATH_SYMBOL);
            case "So" -> categories(Character.OTHER_SYMBOL);
            case "Z" -> categories(Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR);
            case "Zl" -> categories(Character.LINE_SEPARATOR);
            case "Zp" -> categories(Character.PARAGRAPH_SEPARATOR);
            case "Zs" -> categories(Character.SPACE_SEPARATOR);
            default -> null;
        };
    }

    private static IntPredicate categories(int... types) {
        return cp -> {
            int type = Character.getType(cp);
            for (int t : types) {
                if (t == type) {
                    return true;
                }
            }
            return false;
        };
    }

    // ---------------------------------------------------------------- parser

    /**
     * Recursive-descent version of Go's {@code regexp/syntax} parser with the {@code Perl} flags that
     * {@code regexp.Compile} uses: {@code ^}/{@code $} match only at the ends of the text, {@code .} does not match
     * a newline, negated classes do, and Perl escapes are allowed.
     */
    private static final class Parser {
        private final String expr;
        private final int[] cps;
        private int pos;

        Parser(String expr) {
            this.expr = expr;
            this.cps = expr.codePoints().toArray();
        }

        Node parse() throws SyntaxError {
            Node tree = alternation();
            if (pos < cps.length) {
                // alternation() only stops early at a ')' that has no '(' to close.
                throw new SyntaxError("unexpected ): `" + expr + "`");
            }
            return tree;
        }

        private boolean at(int c) {
            return pos < cps.length && cps[pos] == c;
        }

        private boolean atAhead(int offset, int c) {
            return pos + offset < cps.length && cps[pos + offset] == c;
        }

        private String text(int from) {
            return new String(cps, from, Math.min(pos, cps.length) - from);
        }

        private Node alternation() throws SyntaxError {
            List<Node> branches = new ArrayList<>();
            branches.add(concatenation());
            while (at('|')) {
                pos++;
                branches.add(concatenation());
            }
            return branches.size() == 1 ? branches.get(0) : new Alternate(branches);
        }

        private Node concatenation() throws SyntaxError {
            List<Node> items = new ArrayList<>();
            // Go rejects a repetition operator that directly follows another one ("a**").
            boolean afterRepeat = false;
            while (pos < cps.length && !at('|') && !at(')')) {
                int start = pos;
                int c = cps[pos];
                int[] counts = c == '{' ? countedRepeat() : null;
                if (c == '*' || c == '+' || c == '?' || counts != null) {
                    int min;
                    int max;
                    if (counts != null) {
                        min = counts[0];
                        max = counts[1];
                        if (min < 0 || min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && min > max)) {
                            throw new SyntaxError("invalid repeat count: `" + text(start) + "`");
                        }
                    } else {
                        pos++;
                        min = c == '+' ? 1 : 0;
                        max = c == '?' ? 1 : -1;
                    }
                    if (at('?')) {
                        pos++; // lazy variant; irrelevant for a yes/no answer
                    }
                    if (afterRepeat) {
                        throw new SyntaxError("invalid nested repetition operator: `" + text(start) + "`");
                    }
                    if (items.isEmpty()) {
                        throw new SyntaxError("missing argument to repetition operator: `" + text(start) + "`");
                    }
                    items.set(items.size() - 1, new Repeat(items.get(items.size() - 1), min, max));
                    afterRepeat = true;
                    continue;
                }
                afterRepeat = false;
                switch (c) {
                    case '(' -> {
                        if (atAhead(1, '?')) {
                            throw new SyntaxError("invalid or unsupported Perl syntax: `(?`");
                        }
                        pos++;
                        Node group = alternation();
                        if (!at(')')) {
                            throw new SyntaxError("missing closing ): `" + expr + "`");
                        }
                        pos++;
                        items.add(group);
                    }
                    case '^' -> {
                        pos++;
                        items.add(new Assertion(BEGIN_TEXT));
                    }
                    case '$' -> {
                        pos++;
                        items.add(new Assertion(END_TEXT));
                    }
                    case '.' -> {
                        pos++;
                        items.add(new Chars(cp -> cp != '\n'));
                    }
                    case '[' -> items.add(new Chars(characterClass()));
                    case '\\' -> escapeOutsideClass(items);
                    default -> {
                        pos++;
                        items.add(literal(c));
                    }
                }
            }
            return items.size() == 1 ? items.get(0) : new Concat(items);
        }

        /**
         * Go's {@code parseRepeat} at a '{': <code>{n}</code>, <code>{n,}</code> or <code>{n,m}</code> with decimal
         * numbers without leading zeros. Returns {min, max} (max -1 if open, min -1 if a number is absurdly large)
         * and moves past it, or returns null and moves nothing: then the '{' is an ordinary character.
         */
        private int[] countedRepeat() {
            int p = pos + 1;
            int[] min = decimal(p);
            if (min == null) {
                return null;
            }
            p = min[1];
            int max;
            if (p < cps.length && cps[p] == ',') {
                p++;
                if (p < cps.length && cps[p] == '}') {
                    max = -1;
                } else {
                    int[] upper = decimal(p);
                    if (upper == null) {
                        return null;
                    }
                    max = upper[0];
                    p = upper[1];
                    if (max < 0) {
                        min[0] = -1;
                    }
                }
            } else {
                max = min[0];
            }
            if (p >= cps.length || cps[p] != '}') {
                return null;
            }
            pos = p + 1;
            return new int[] {min[0], max};
        }

        /** {value, index after it} for the decimal number at {@code p}; value -1 if it reaches 10^8. */
        private int[] decimal(int p) {
            if (p >= cps.length || cps[p] < '0' || cps[p] > '9') {
                return null;
            }
            if (cps[p] == '0' && p + 1 < cps.length && cps[p + 1] >= '0' && cps[p + 1] <= '9') {
                return null;
            }
            int value = 0;
            while (p < cps.length && cps[p] >= '0' && cps[p] <= '9') {
                if (value >= 0) {
                    value = value >= 100_000_000 ? -1 : value * 10 + (cps[p] - '0');
                }
                p++;
            }
            return new int[] {value, p};
        }

        private static Node literal(int c) {
            return new Chars(cp -> cp == c);
        }

        private void escapeOutsideClass(List<Node> items) throws SyntaxError {
            if (pos + 1 < cps.length) {
                switch (cps[pos + 1]) {
                    case 'A' -> {
                        pos += 2;
                        items.add(new Assertion(BEGIN_TEXT));
                        return;
                    }
                    case 'z' -> {
                        pos += 2;
                        items.add(new Assertion(END_TEXT));
                        return;
                    }
                    case 'b' -> {
                        pos += 2;
                        items.add(new Assertion(WORD_BOUNDARY));
                        return;
                    }
                    case 'B' -> {
                        pos += 2;
                        items.add(new Assertion(NO_WORD_BOUNDARY));
                        return;
                    }
                    case 'C' -> throw new SyntaxError("invalid escape sequence: `\\C`");
                    case 'Q' -> {
                        // Everything up to \E (or the end) is literal.
                        pos += 2;
                        while (pos < cps.length && !(at('\\') && atAhead(1, 'E'))) {
                            items.add(literal(cps[pos++]));
                        }
                        if (pos < cps.length) {
                            pos += 2;
                        }
                        return;
                    }
                    default -> {
                        // handled below
                    }
                }
            }
            IntPredicate set = classEscape();
            if (set != null) {
                items.add(new Chars(set));
            } else {
                items.add(literal(singleEscape()));
            }
        }

        /** {@code \p{..}}, {@code \P{..}} or a Perl class such as {@code \d}; null if the escape is neither. */
        private IntPredicate classEscape() throws SyntaxError {
            if (pos + 1 >= cps.length) {
                return null;
            }
            int kind = cps[pos + 1];
            if (kind == 'p' || kind == 'P') {
                return unicodeClassEscape();
            }
            IntPredicate perl = kind < 0x80 ? PERL_CLASSES.get((char) kind) : null;
            if (perl != null) {
                pos += 2;
            }
            return perl;
        }

        private IntPredicate unicodeClassEscape() throws SyntaxError {
            int start = pos;
            boolean negated = cps[pos + 1] == 'P';
            pos += 2;
            String name;
            if (at('{')) {
                int close = pos;
                while (close < cps.length && cps[close] != '}') {
                    close++;
                }
                if (close == cps.length) {
                    throw new SyntaxError("invalid character class range: `" + text(start) + "`");
                }
                name = new String(cps, pos + 1, close - pos - 1);
                pos = close + 1;
            } else if (pos < cps.length) {
                name = new String(cps, pos, 1);
                pos++;
            } else {
                name = "";
            }
            if (name.startsWith("^")) {
                negated = !negated;
                name = name.substring(1);
            }
            IntPredicate set = name.isEmpty() ? null : unicodeClass(name);
            if (set == null) {
                throw new SyntaxError("invalid character class range: `" + text(start) + "`");
            }
            return negated ? set.negate() : set;
        }

        /** Go's {@code parseEscape}: one escaped code point. {@code pos} is at the backslash. */
        private int singleEscape() throws SyntaxError {
            int start = pos;
            if (pos + 1 >= cps.length) {
                throw new SyntaxError("trailing backslash at end of expression: ``");
            }
            int c = cps[pos + 1];
            pos += 2;
            if (c < 0x80 && !isAlnum(c)) {
                // Escaped punctuation is always itself.
                return c;
            }
            switch (c) {
                case '1', '2', '3', '4', '5', '6', '7':
                    // A lone non-zero digit would be a back-reference, which RE2 does not have.
                    if (!isOctal(pos)) {
                        break;
                    }
                    return octal(c);
                case '0':
                    return octal(c);
                case 'x':
                    return hexEscape(start);
                case 'a':
                    return 0x07;
                case 'f':
                    return '\f';
                case 'n':
                    return '\n';
                case 'r':
                    return '\r';
                case 't':
                    return '\t';
                case 'v':
                    return 0x0B;
                default:
                    break;
            }
            throw new SyntaxError("invalid escape sequence: `" + text(start) + "`");
        }

        private boolean isOctal(int p) {
            return p < cps.length && cps[p] >= '0' && cps[p] <= '7';
        }

        /** Up to three octal digits in total, the first already consumed. */
        private int octal(int first) {
            int value = first - '0';
            for (int i = 1; i < 3 && isOctal(pos); i++) {
                value = value * 8 + (cps[pos++] - '0');
            }
            return value;
        }

        private int hexEscape(int start) throws SyntaxError {
            SyntaxError bad = new SyntaxError("invalid escape sequence: `" + new String(cps, start,
                    Math.min(cps.length, pos + 2) - start) + "`");
            if (pos >= cps.length) {
                throw bad;
            }
            if (at('{')) {
                pos++;
                int value = 0;
                int digits = 0;
                while (true) {
                    if (pos >= cps.length) {
                        throw bad;
                    }
                    int c = cps[pos++];
                    if (c == '}') {
                        break;
                    }
                    int v = Character.digit(c, 16);
                    if (v < 0 || c > 0x7F) {
                        throw bad;
                    }
                    value = value * 16 + v;
                    if (value > Character.MAX_CODE_POINT) {
                        throw bad;
                    }
                    digits++;
                }
                if (digits == 0) {
                    throw bad;
                }
                return value;
            }
            if (pos + 1 >= cps.length) {
                throw bad;
            }
            int hi = hexDigit(cps[pos]);
            int lo = hexDigit(cps[pos + 1]);
            pos += 2;
            if (hi < 0 || lo < 0) {
                throw bad;
            }
            return hi * 16 + lo;
        }

        private static int hexDigit(int c) {
            return c < 0x80 ? Character.digit(c, 16) : -1;
        }

        private static boolean isAlnum(int c) {
            return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
        }

        /** Go's {@code parseClass} in Perl mode: {@code -} may appear anywhere, {@code ]} first is literal. */
        private IntPredicate characterClass() throws SyntaxError {
            int start = pos;
            pos++; // '['
            boolean negated = false;
            if (at('^')) {
                negated = true;
                pos++;
            }
            List<IntPredicate> parts = new ArrayList<>();
            List<Integer> bounds = new ArrayList<>();
            boolean first = true;
            while (pos >= cps.length || cps[pos] != ']' || first) {
                first = false;
                if (at('[') && atAhead(1, ':')) {
                    IntPredicate posix = posixClass();
                    if (posix != null) {
                        parts.add(posix);
                        continue;
                    }
                }
                if (at('\\')) {
                    IntPredicate set = classEscape();
                    if (set != null) {
                        parts.add(set);
                        continue;
                    }
                }
                int rangeStart = pos;
                int lo = classChar(start);
                int hi = lo;
                if (pos + 1 < cps.length && cps[pos] == '-' && cps[pos + 1] != ']') {
                    pos++;
                    hi = classChar(start);
                    if (hi < lo) {
                        throw new SyntaxError("invalid character class range: `" + text(rangeStart) + "`");
                    }
                }
                bounds.add(lo);
                bounds.add(hi);
            }
            pos++; // ']'
            int[] ranges = bounds.stream().mapToInt(Integer::intValue).toArray();
            if (!bounds.isEmpty()) {
                parts.add(new Ranges(ranges));
            }
            IntPredicate union = cp -> {
                for (IntPredicate part : parts) {
                    if (part.test(cp)) {
                        return true;
                    }
                }
                return false;
            };
            return negated ? union.negate() : union;
        }

        private int classChar(int classStart) throws SyntaxError {
            if (pos >= cps.length) {
                throw new SyntaxError("missing closing ]: `" + text(classStart) + "`");
            }
            if (at('\\')) {
                return singleEscape();
            }
            return cps[pos++];
        }

        /**
         * {@code [:name:]} or {@code [:^name:]}. Like Go, looks for the closing {@code :]} anywhere ahead; returns
         * null (and consumes nothing) when there is none, so the {@code [} is then an ordinary character.
         */
        private IntPredicate posixClass() throws SyntaxError {
            int close = -1;
            for (int p = pos + 2; p + 1 < cps.length; p++) {
                if (cps[p] == ':' && cps[p + 1] == ']') {
                    close = p;
                    break;
                }
            }
            if (close < 0) {
                return null;
            }
            String name = new String(cps, pos + 2, close - pos - 2);
            String whole = "[:" + name + ":]";
            boolean negated = name.startsWith("^");
            Ranges set = POSIX_CLASSES.get(negated ? name.substring(1) : name);
            if (set == null) {
                throw new SyntaxError("invalid character class range: `" + whole + "`");
            }
            pos = close + 2;
            return negated ? set.negate() : set;
        }
    }

    // ---------------------------------------------------------------- automaton

    /** A Thompson NFA, simulated breadth-first (Pike VM without captures): linear time, no backtracking. */
    private static final class Program {
        private static final int MATCH = 0;
        private static final int CHARS = 1;
        private static final int SPLIT = 2;
        private static final int ASSERT = 3;

        // Instruction i is op[i] with successors out[i] (and out1[i] for SPLIT), plus sets[i] for CHARS or
        // kind[i] for ASSERT. Flat arrays keep matching free of per-step allocation.
        private final int[] op;
        private final int[] out;
        private final int[] out1;
        private final int[] kind;
        private final IntPredicate[] sets;
        private final int start;

        private Program(Builder builder, int start) {
            int n = builder.ops.size();
            this.op = new int[n];
            this.out = new int[n];
            this.out1 = new int[n];
            this.kind = new int[n];
            this.sets = builder.sets.toArray(new IntPredicate[0]);
            for (int i = 0; i < n; i++) {
                int[] inst = builder.ops.get(i);
                op[i] = inst[0];
                out[i] = inst[1];
                out1[i] = inst[2];
                kind[i] = inst[3];
            }
            this.start = start;
        }

        static Program compile(Node tree) {
            Builder builder = new Builder();
            int match = builder.add(MATCH, -1, -1, -1, null);
            int start = builder.emit(tree, match);
            return new Program(builder, start);
        }

        /** Emits instructions by continuation: each node is compiled knowing the instruction that follows it. */
        private static final class Builder {
            private final List<int[]> ops = new ArrayList<>(); // {op, out, out1, assertion kind}
            private final List<IntPredicate> sets = new ArrayList<>();

            private int add(int op, int out, int out1, int kind, IntPredicate set) {
                ops.add(new int[] {op, out, out1, kind});
                sets.add(set);
                return ops.size() - 1;
            }

            /** Emits {@code node} followed by {@code next}; returns the entry instruction. */
            private int emit(Node node, int next) {
                if (node instanceof Chars chars) {
                    return add(CHARS, next, -1, -1, chars.set());
                }
                if (node instanceof Assertion assertion) {
                    return add(ASSERT, next, -1, assertion.kind(), null);
                }
                if (node instanceof Concat concat) {
                    int entry = next;
                    for (int i = concat.items().size() - 1; i >= 0; i--) {
                        entry = emit(concat.items().get(i), entry);
                    }
                    return entry;
                }
                if (node instanceof Alternate alternate) {
                    List<Node> branches = alternate.branches();
                    int entry = emit(branches.get(branches.size() - 1), next);
                    for (int i = branches.size() - 2; i >= 0; i--) {
                        entry = add(SPLIT, emit(branches.get(i), next), entry, -1, null);
                    }
                    return entry;
                }
                Repeat repeat = (Repeat) node;
                // x{n,m} is n copies of x then m-n nested optional ones, x(x(x)?)?; x{n,} ends with x*.
                int entry;
                if (repeat.max() < 0) {
                    int loop = add(SPLIT, -1, next, -1, null);
                    ops.get(loop)[1] = emit(repeat.sub(), loop);
                    entry = loop;
                } else {
                    entry = next;
                    for (int k = repeat.min(); k < repeat.max(); k++) {
                        entry = add(SPLIT, emit(repeat.sub(), entry), next, -1, null);
                    }
                }
                for (int k = 0; k < repeat.min(); k++) {
                    entry = emit(repeat.sub(), entry);
                }
                return entry;
            }
        }

        /**
         * Unanchored search, as Go's {@code MatchString} does. With {@code partial}, {@code input} is only the
         * beginning of the text: its end is not the end of the text, and word boundaries there are unknown so
         * both {@code \b} and {@code \B} are allowed; the answer is then "a match has been found, or some thread
         * is still alive".
         */
        boolean search(int[] input, boolean partial) {
            int size = op.length;
            Threads current = new Threads(size);
            Threads next = new Threads(size);
            int[] stack = new int[2 * size + 1];
            for (int i = 0; ; i++) {
                // Threads carried over are already expanded at this position; add a fresh start (unanchored).
                addThread(current, stack, start, input, i, partial);
                for (int t = 0; t < current.count; t++) {
                    if (op[current.pcs[t]] == MATCH) {
                        return true;
                    }
                }
                if (i == input.length) {
                    return partial && current.count > 0;
                }
                next.clear();
                for (int t = 0; t < current.count; t++) {
                    int pc = current.pcs[t];
                    if (op[pc] == CHARS && sets[pc].test(input[i])) {
                        addThread(next, stack, out[pc], input, i + 1, partial);
                    }
                }
                Threads swap = current;
                current = next;
                next = swap;
            }
        }

        /**
         * The consuming instructions (and MATCH) at one position, and every instruction visited there, so none
         * is expanded twice. Visits are stamped with a generation number, which makes clearing O(1).
         */
        private static final class Threads {
            final int[] pcs;
            final int[] visited;
            int count;
            int generation = 1;

            Threads(int size) {
                pcs = new int[size];
                visited = new int[size];
            }

            void clear() {
                count = 0;
                generation++;
            }

            boolean visit(int pc) {
                if (visited[pc] == generation) {
                    return false;
                }
                visited[pc] = generation;
                return true;
            }
        }

        /** Adds the consuming instructions reachable from {@code pc} without consuming input. */
        private void addThread(Threads threads, int[] stack, int pc, int[] input, int at, boolean partial) {
            // Explicit stack: a long pattern must not overflow the Java stack. Each instruction is expanded at
            // most once per position and pushes at most two successors, so the stack cannot overflow either.
            int top = 0;
            stack[top++] = pc;
            while (top > 0) {
                int p = stack[--top];
                if (!threads.visit(p)) {
                    continue;
                }
                switch (op[p]) {
                    case SPLIT -> {
                        stack[top++] = out1[p];
                        stack[top++] = out[p];
                    }
                    case ASSERT -> {
                        if (holds(kind[p], input, at, partial)) {
                            stack[top++] = out[p];
                        }
                    }
                    default -> threads.pcs[threads.count++] = p;
                }
            }
        }

        private static boolean holds(int kind, int[] input, int at, boolean partial) {
            boolean unknownEnd = partial && at == input.length;
            int before = at > 0 ? input[at - 1] : -1;
            int after = at < input.length ? input[at] : -1;
            return switch (kind) {
                case BEGIN_TEXT -> at == 0;
                case END_TEXT -> at == input.length && !partial;
                case WORD_BOUNDARY -> unknownEnd || isWordChar(before) != isWordChar(after);
                default -> unknownEnd || isWordChar(before) == isWordChar(after);
            };
        }
    }
}
