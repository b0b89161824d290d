package io.clusterimage.kubefile;

import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Docker's word expansion (BuildKit's shell lexer) for FROM, ENV, LABEL, ARG, COPY, ADD, WORKDIR,
 * USER, EXPOSE, VOLUME and STOPSIGNAL: quote removal, escapes, {@code $V}, {@code ${V}},
 * {@code ${V:-x}}, {@code ${V-x}}, {@code ${V:+x}}, {@code ${V+x}}, {@code ${V:?msg}}, {@code ${V?msg}}.
 *
 * <p>{@code $} followed by anything that cannot start a name is kept as is, which is why sealos's
 * run-time {@code $(VAR)} syntax passes through untouched.
 *
 * <p>One expanded word is bounded by {@link #MAX_WORD_CHARS}. BuildKit's lexer has no bound, so a few
 * hundred bytes of ARGs that each double the last one ask for gigabytes and end the build with an
 * OutOfMemoryError; here the expansion stops as soon as the word passes the bound.
 */
public final class VariableExpander {

    /** The longest expanded word: 1 MiB of characters, far beyond any real Kubefile value. */
    public static final int MAX_WORD_CHARS = 1 << 20;

    /** A word expands to more than {@link #MAX_WORD_CHARS}. */
    public static final class TooLongException extends IllegalArgumentException {
        TooLongException() {
            super("expands to more than 1 MiB (" + MAX_WORD_CHARS + " characters), the limit for one word");
        }
    }

    private final char escape;
    private final Function<String, String> lookup;
    private final Consumer<String> undefined;

    /**
     * @param escape    the Kubefile's escape character
     * @param lookup    value of a variable, or null when it is not set
     * @param undefined told the name of every variable used without a default while unset
     */
    public VariableExpander(char escape, Function<String, String> lookup, Consumer<String> undefined) {
        this.escape = escape;
        this.lookup = lookup;
        this.undefined = undefined;
    }

    /** Expands one word. @throws IllegalArgumentException with BuildKit's message on bad syntax */
    public String expand(String word) {
        Scanner scanner = new Scanner(word);
        String result = process(scanner, -1);
        if (result.length() > MAX_WORD_CHARS) {
            throw new TooLongException(); // literal characters after the last variable
        }
        return result;
    }

    private static final class Scanner {
        private final String text;
        private int pos;

        Scanner(String text) {
            this.text = text;
        }

        int peek() {
            return pos < text.length() ? text.charAt(pos) : -1;
        }

        int next() {
            return pos < text.length() ? text.charAt(pos++) : -1;
        }
    }

    private String process(Scanner scanner, int stopChar) {
        StringBuilder result = new StringBuilder();
        while (scanner.peek() != -1) {
            int ch = scanner.peek();
            if (stopChar != -1 && ch == stopChar) {
                scanner.next();
                return result.toString();
            }
            switch (ch) {
                case '\'' -> append(result, singleQuoted(scanner));
                case '"' -> append(result, doubleQuoted(scanner));
                case '$' -> append(result, dollar(scanner));
                default -> {
                    scanner.next();
                    if (ch == escape) {
                        int escaped = scanner.next();
                        if (escaped == -1) {
                            break; // an escape at the very end is dropped
                        }
                        result.append((char) escaped);
                    } else {
                        result.append((char) ch);
                    }
                }
            }
        }
        if (stopChar != -1) {
            throw new IllegalArgumentException("syntax error: missing '}'");
        }
        return result.toString();
    }

    /** Appends a piece, checking the bound first: each piece is bounded itself, so the word never grows past twice it. */
    private static void append(StringBuilder word, String piece) {
        if ((long) word.length() + piece.length() > MAX_WORD_CHARS) {
            throw new TooLongException();
        }
        word.append(piece);
    }

    private String singleQuoted(Scanner scanner) {
        scanner.next();
        StringBuilder result = new StringBuilder();
        while (true) {
            int ch = scanner.next();
            if (ch == -1) {
                throw new IllegalArgumentException("unexpected end of statement while looking for matching single-quote");
            }
            if (ch == '\'') {
                return result.toString();
            }
            result.append((char) ch);
        }
    }

    private String doubleQuoted(Scanner scanner) {
        scanner.next();
        StringBuilder result = new StringBuilder();
        while (true) {
            int ch = scanner.peek();
            if (ch == -1) {
                throw new IllegalArgumentException("unexpected end of statement while looking for matching double-quote");
            }
            if (ch == '"') {
                scanner.next();
                return result.toString();
            }
            if (ch == '$') {
                append(result, dollar(scanner));
                continue;
            }
            scanner.next();
            if (ch == escape) {
                int following = scanner.peek();
                if (following == -1) {
                    continue;
                }
                // Inside double quotes only ", $ and the escape character itself can be escaped.
                if (following == '"' || following == '$' || following == escape) {
                    ch = scanner.next();
                }
            }
            result.append((char) ch);
        }
    }

    private String dollar(Scanner scanner) {
        scanner.next();
        if (scanner.peek() != '{') {
            String name = name(scanner);
            if (name.isEmpty()) {
                return "$"; // "$(VAR)", "$ ", a lone "$": not a variable
            }
            return valueOf(name, true);
        }
        scanner.next();
        int first = scanner.peek();
        if (first == -1) {
            throw new IllegalArgumentException("syntax error: missing '}'");
        }
        if (first == '{' || first == '}' || first == ':') {
            throw new IllegalArgumentException("syntax error: bad substitution");
        }
        String name = name(scanner);
        int ch = scanner.next();
        switch (ch) {
            case '}':
                return valueOf(name, true);
            case ':': {
                int modifier = scanner.next();
                String word = process(scanner, '}');
                String value = lookup.apply(name);
                boolean setAndNotEmpty = value != null && !value.isEmpty();
                return switch (modifier) {
                    case '-' -> setAndNotEmpty ? value : word;
                    case '+' -> setAndNotEmpty ? word : "";
                    case '?' -> {
                        if (!setAndNotEmpty) {
                            throw new IllegalArgumentException(name + ": " + (word.isEmpty() ? "is not allowed to be empty" : word));
                        }
                        yield value;
                    }
                    default -> throw new IllegalArgumentException("unsupported modifier (" + (char) modifier + ") in substitution");
                };
            }
            case '-':
            case '+':
            case '?': {
                String word = process(scanner, '}');
                String value = lookup.apply(name);
                if (ch == '-') {
                    return value != null ? value : word;
                }
                if (ch == '+') {
                    return value != null ? word : "";
                }
                if (value == null) {
                    throw new IllegalArgumentException(name + ": " + (word.isEmpty() ? "is not allowed to be unset" : word));
                }
                return value;
            }
            case -1:
                throw new IllegalArgumentException("syntax error: missing '}'");
            default:
                throw new IllegalArgumentException("unsupported modifier (" + (char) ch + ") in substitution");
        }
    }

    private String valueOf(String name, boolean reportUndefined) {
        String value = lookup.apply(name);
        if (value == null) {
            if (reportUndefined && (Character.isLetter(name.charAt(0)) || name.charAt(0) == '_')) {
                undefined.accept(name);
            }
            return "";
        }
        return value;
    }

    private static String name(Scanner scanner) {
        StringBuilder name = new StringBuilder();
        while (scanner.peek() != -1) {
            char ch = (char) scanner.peek();
            if (name.length() == 0 && Character.isDigit(ch)) {
                while (scanner.peek() != -1 && Character.isDigit((char) scanner.peek())) {
                    name.append((char) scanner.next());
                }
                return name.toString();
            }
            if (name.length() == 0 && "@*#?-$!0".indexOf(ch) >= 0) {
                return String.valueOf((char) scanner.next());
            }
            if (!Character.isLetterOrDigit(ch) && ch != '_') {
                break;
            }
            name.append((char) scanner.next());
        }
        return name.toString();
    }
}
