package io.clusterimage.layout.ignore;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GoRegexp against cases of Go's own regexp tests (regexp/find_test.go's findTests, and the error cases of
 * regexp/syntax/parse_test.go), as {@code MatchString} answers them: whether the expression matches anywhere.
 */
class GoRegexpTableTest {

    static Stream<Arguments> matches() {
        return Stream.of(
                Arguments.of("", "", true),
                Arguments.of("^abcdefg", "abcdefg", true),
                Arguments.of("a+", "baaab", true),
                Arguments.of("abcd..", "abcdef", true),
                Arguments.of("a", "a", true),
                Arguments.of("x", "y", false),
                Arguments.of("b", "abc", true),
                Arguments.of(".", "a", true),
                Arguments.of(".*", "abcdef", true),
                Arguments.of("^", "abcde", true),
                Arguments.of("$", "abcde", true),
                Arguments.of("^abcd$", "abcd", true),
                Arguments.of("^bcd'", "abcdef", false),
                Arguments.of("^abcd$", "abcde", false),
                Arguments.of("a+", "baaab", true),
                Arguments.of("a*", "baaab", true),
                Arguments.of("[a-z]+", "abcd", true),
                Arguments.of("[^a-z]+", "ab1234cd", true),
                Arguments.of("[a\\-\\]z]+", "az]-bcz", true),
                Arguments.of("[^\\n]+", "abcd\n", true),
                Arguments.of("[日本語]+", "日本語日本語", true),
                Arguments.of("日本語+", "日本語", true),
                Arguments.of("日本語+", "日本語語語語", true),
                Arguments.of("()", "", true),
                Arguments.of("(a)", "a", true),
                Arguments.of("(.)(.)", "日a", true),
                Arguments.of("(.*)", "", true),
                Arguments.of("(..)(..)", "abcd", true),
                Arguments.of("(([^xyz]*)(d))", "abcd", true),
                Arguments.of("((a|b|c)*(d))", "abcd", true),
                Arguments.of("(((a|b|c)*)(d))", "abcd", true),
                Arguments.of("\\a\\f\\n\\r\\t\\v", "\u0007\f\n\r\t\u000b", true),
                Arguments.of("[\\a\\f\\n\\r\\t\\v]+", "\u0007\f\n\r\t\u000b", true),
                Arguments.of("(.*).*", "ab", true),
                Arguments.of("[.]", ".", true),
                Arguments.of("/$", "/abc/", true),
                Arguments.of("/$", "/abc", false),
                Arguments.of(".", "", false),
                Arguments.of("(|a)*", "aa", true),
                Arguments.of("(|a)+", "aa", true),
                Arguments.of("\\b", "x", true),
                Arguments.of("\\b", "xx", true),
                Arguments.of("\\b", "x y", true),
                Arguments.of("\\B", "x", false),
                Arguments.of("\\B", "xx", true),
                Arguments.of("\\B", "x y", false),
                Arguments.of("\\B", "xx yy", true),
                Arguments.of("[^\\S\\s]", "abcd", false),
                Arguments.of("[^\\S[:space:]]", "abcd", false),
                Arguments.of("[^\\D\\d]", "abcd", false),
                Arguments.of("[^\\D[:digit:]]", "abcd", false),
                Arguments.of("\\Q+|*?{[\\E", "+|*?{[", true),
                Arguments.of("\\Qa.b\\E", "axb", false),
                Arguments.of("\\A", "abc", true),
                Arguments.of("a\\z", "ba", true),
                Arguments.of("a$", "a\n", false), // Go's $ without (?m) is the very end, unlike Java's
                Arguments.of("x{2}", "xx", true),
                Arguments.of("^x{2}$", "x", false),
                Arguments.of("^x{2,}$", "xxxx", true),
                Arguments.of("^x{1,2}$", "xxx", false),
                Arguments.of("[[]", "[", true),
                Arguments.of("[[:digit:]]+", "a1", true),
                Arguments.of("[[:alpha:]]", "123", false),
                Arguments.of("\\pL", "日", true),
                Arguments.of("\\p{Greek}", "α", true),
                Arguments.of("\\PL", "abc", false));
    }

    @ParameterizedTest(name = "{0} on \"{1}\" -> {2}")
    @MethodSource("matches")
    void matchesAsGoMatchString(String expr, String input, boolean expected) throws Exception {
        assertEquals(expected, GoRegexp.compile(expr).matches(input), expr + " on " + input);
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of("[", "missing closing ]"),
                Arguments.of("(", "missing closing )"),
                Arguments.of(")", "unexpected )"),
                Arguments.of("*", "missing argument to repetition operator"),
                Arguments.of("a**", "invalid nested repetition operator"),
                Arguments.of("x{1001}", "invalid repeat count"),
                Arguments.of("\\1", "invalid escape sequence"),
                Arguments.of("[z-a]", "invalid character class range"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("errors")
    void malformedExpressionsAreRefusedAsGoRefusesThem(String expr, String reason) {
        GoRegexp.SyntaxError error = assertThrows(GoRegexp.SyntaxError.class, () -> GoRegexp.compile(expr));
        assertTrue(error.getMessage().contains(reason), error.getMessage());
    }
}
