package io.clusterimage.kubefile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** BuildKit's word expansion: quotes, escapes and every supported ${...} form. */
class VariableExpanderTest {

    /** SET=value, EMPTY= (set but empty); UNSET is not set. */
    private final Map<String, String> env = new HashMap<>(Map.of("SET", "value", "EMPTY", "", "DIR", "/opt/app", "W", "w"));
    private final List<String> undefined = new ArrayList<>();

    private String expand(String word) {
        return new VariableExpander('\\', env::get, undefined::add).expand(word);
    }

    private String expandWithBacktick(String word) {
        return new VariableExpander('`', env::get, undefined::add).expand(word);
    }

    @Test
    void plainTextIsUnchanged() {
        assertEquals("registry/charts:v1.0", expand("registry/charts:v1.0"));
        assertEquals("", expand(""));
        assertEquals(List.of(), undefined);
    }

    @ParameterizedTest(name = "{0} -> [{1}]")
    @CsvSource(delimiter = '|', quoteCharacter = '~', emptyValue = "", value = {
            "$SET              | value",
            "${SET}            | value",
            "${SET}x           | valuex",
            "$SET/x            | value/x",
            "$SETx             | ''",
            "${DIR}/bin        | /opt/app/bin",
            "a$SET-b           | avalue-b",
            "$EMPTY            | ''",
            "$UNSET            | ''",
            "${UNSET}          | ''",
    })
    void references(String word, String expected) {
        assertEquals(expected.equals("''") ? "" : expected, expand(word));
    }

    @ParameterizedTest(name = "{0} -> [{1}]")
    @CsvSource(delimiter = '|', emptyValue = "", value = {
            // ${V:-x}: x when unset or empty
            "${SET:-x}    | value",
            "${EMPTY:-x}  | x",
            "${UNSET:-x}  | x",
            // ${V-x}: x only when unset
            "${SET-x}     | value",
            "${EMPTY-x}   | ''",
            "${UNSET-x}   | x",
            // ${V:+x}: x when set and not empty
            "${SET:+x}    | x",
            "${EMPTY:+x}  | ''",
            "${UNSET:+x}  | ''",
            // ${V+x}: x when set, even empty
            "${SET+x}     | x",
            "${EMPTY+x}   | x",
            "${UNSET+x}   | ''",
            // ${V:?msg} and ${V?msg} when the value is there
            "${SET:?msg}  | value",
            "${SET?msg}   | value",
            "${EMPTY?msg} | ''",
    })
    void modifiers(String word, String expected) {
        assertEquals(expected.equals("''") ? "" : expected, expand(word));
        assertEquals(List.of(), undefined, "a reference with a modifier is never reported as undefined");
    }

    @Test
    void defaultsAreExpandedThemselves() {
        assertEquals("w", expand("${UNSET:-$W}"));
        assertEquals("/opt/app/x", expand("${UNSET:-${DIR}/x}"));
        assertEquals("a b", expand("${UNSET:-\"a b\"}"));
        assertEquals("amd64", expand("${arch:-\"amd64\"}"));
        assertEquals("-w-", expand("-${SET:+$W}-"));
    }

    @Test
    void requiredVariableMissingIsAnError() {
        assertEquals("UNSET: must be set", assertThrows(IllegalArgumentException.class, () -> expand("${UNSET:?must be set}")).getMessage());
        assertEquals("EMPTY: must be set", assertThrows(IllegalArgumentException.class, () -> expand("${EMPTY:?must be set}")).getMessage());
        assertEquals("EMPTY: is not allowed to be empty", assertThrows(IllegalArgumentException.class, () -> expand("${EMPTY:?}")).getMessage());
        assertEquals("UNSET: is not allowed to be unset", assertThrows(IllegalArgumentException.class, () -> expand("${UNSET?}")).getMessage());
        assertEquals("UNSET: gone", assertThrows(IllegalArgumentException.class, () -> expand("${UNSET?gone}")).getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "${}          | bad substitution",
            "${:-x}       | bad substitution",
            "${{x}}       | bad substitution",
            "${SET        | missing '}'",
            "${SET:-x     | missing '}'",
            "${           | missing '}'",
            "${SET%x}     | unsupported modifier (%)",
            "'abc         | matching single-quote",
            "\"abc        | matching double-quote",
            "\"$SET       | matching double-quote",
    })
    void syntaxErrors(String word, String phrase) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> expand(word));
        assertEquals(true, e.getMessage().contains(phrase), e.getMessage());
    }

    @Test
    void escapes() {
        assertEquals("$SET", expand("\\$SET"));
        assertEquals("${SET}", expand("\\${SET}"));
        assertEquals("a b", expand("a\\ b"));
        assertEquals("\\", expand("\\\\"));
        assertEquals("\"", expand("\\\""));
        assertEquals("ab", expand("ab\\"), "an escape at the very end is dropped");
        assertEquals(List.of(), undefined);
    }

    @Test
    void doubleQuotes() {
        assertEquals("a value b", expand("\"a $SET b\""));
        assertEquals("$SET", expand("\"\\$SET\""));
        assertEquals("say \"hi\"", expand("\"say \\\"hi\\\"\""));
        assertEquals("a\\nb", expand("\"a\\nb\""), "inside double quotes only \\\", \\$ and \\\\ are escapes");
        assertEquals("a\\b", expand("\"a\\\\b\""));
        assertEquals("it's", expand("\"it's\""));
        assertEquals("", expand("\"\""));
    }

    @Test
    void singleQuotesAreLiteral() {
        assertEquals("$SET ${UNSET} \\n \"", expand("'$SET ${UNSET} \\n \"'"));
        assertEquals(List.of(), undefined);
    }

    @Test
    void quotesAreJoinedWithTheirNeighbours() {
        assertEquals("abcvalue", expand("a\"b\"'c'$SET"));
        assertEquals("check.sh $registryData", expand("\"check.sh \\$registryData\""));
    }

    @Test
    void sealosRunTimeReferencesAreLeftUntouched() {
        assertEquals("$(DOMAIN)", expand("$(DOMAIN)"));
        assertEquals("https://$(NODE_IP):$(NODE_PORT)", expand("https://$(NODE_IP):$(NODE_PORT)"));
        assertEquals("\"$(X)\" ok", expand("'\"$(X)\"' ok"));
        assertEquals("$", expand("$"));
        assertEquals("a $ b", expand("\"a $ b\""));
        assertEquals("100$", expand("100$"));
        assertEquals(List.of(), undefined);
    }

    @Test
    void undefinedVariablesAreReportedByName() {
        assertEquals("a---b", expand("a-$NOPE-${NOPE2}-b"));
        assertEquals(List.of("NOPE", "NOPE2"), undefined);
    }

    @Test
    void positionalAndSpecialParametersAreEmptyAndNotReported() {
        assertEquals("", expand("$1"));
        assertEquals("x", expand("$12x"));
        assertEquals("", expand("$@"));
        assertEquals(List.of(), undefined);
    }

    @Test
    void backtickEscape() {
        assertEquals("$SET", expandWithBacktick("`$SET"));
        assertEquals("C:\\tools\\value", expandWithBacktick("C:\\tools\\$SET"));
        assertEquals("\"", expandWithBacktick("\"`\"\""));
        assertEquals("a\\b", expandWithBacktick("\"a\\b\""));
    }

    @Test
    void aWordStopsExpandingAsSoonAsItPassesOneMebibyte() {
        env.put("HALF", "x".repeat(VariableExpander.MAX_WORD_CHARS / 2));
        assertEquals(VariableExpander.MAX_WORD_CHARS, expand("$HALF${HALF}").length(), "exactly at the limit is fine");
        for (String word : List.of("$HALF$HALF$HALF", "$HALF${HALF}x", "\"$HALF$HALF-\"x", "${UNSET:-$HALF$HALF$HALF}", "'-'$HALF$HALF")) {
            VariableExpander.TooLongException error = assertThrows(VariableExpander.TooLongException.class, () -> expand(word), word);
            assertEquals("expands to more than 1 MiB (1048576 characters), the limit for one word", error.getMessage());
        }
    }
}
