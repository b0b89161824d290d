package io.clusterimage.core;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTreeTest {

    @TempDir
    Path temp;

    private static final String DOCUMENT = """
            {"images": [
               {"canonical": "docker.io/library/nginx:1.25", "servedBy": null, "foundIn": [
                  {"file": "manifests/a.yaml", "line": 12, "source": "manifest"},
                  {"file": "charts/x", "line": "7", "written": "nginx:1.25"}]},
               {"canonical": "quay.io/a/b@sha256:00", "ratio": 1.5, "ok": true, "big": 12345678901234}],
             "empty": {}, "list": [], "text": "caf\\u00e9 \\"q\\"", "nothing": null}
            """;

    /** Every accessor answers as databind's JsonNode does on the same document, field by field. */
    @Test
    void readsLikeDatabindsTree() throws IOException {
        Path file = Files.writeString(temp.resolve("images.json"), DOCUMENT);
        compare(Json.MAPPER.readTree(file.toFile()), JsonTree.read(file), "$");
        compare(Json.MAPPER.readTree(DOCUMENT), JsonTree.parse(DOCUMENT), "$");
    }

    private static void compare(JsonNode expected, JsonTree actual, String where) {
        assertEquals(expected.isArray(), actual.isArray(), where + " isArray");
        assertEquals(expected.isObject(), actual.isObject(), where + " isObject");
        assertEquals(expected.isTextual(), actual.isTextual(), where + " isTextual");
        assertEquals(expected.isMissingNode(), actual.isMissing(), where + " isMissing");
        assertEquals(expected.asText(), actual.asText(), where + " asText");
        assertEquals(expected.asText("default"), actual.asText("default"), where + " asText(default)");
        assertEquals(expected.asInt(), actual.asInt(), where + " asInt");
        List<String> names = new ArrayList<>();
        expected.fieldNames().forEachRemaining(names::add);
        assertEquals(names, List.copyOf(actual.fields().keySet()), where + " field names in order");
        for (String name : names) {
            assertTrue(actual.has(name), where + " has " + name);
            compare(expected.path(name), actual.path(name), where + "." + name);
        }
        compare(expected, actual, where, "absent");
        Iterator<JsonNode> elements = expected.elements();
        List<JsonTree> actualElements = actual.isArray() ? actual.elements() : List.of();
        int i = 0;
        for (; elements.hasNext() && expected.isArray(); i++) {
            compare(elements.next(), actualElements.get(i), where + "[" + i + "]");
        }
        assertEquals(expected.isArray() ? expected.size() : 0, actualElements.size(), where + " element count");
    }

    private static void compare(JsonNode expected, JsonTree actual, String where, String missingField) {
        assertFalse(actual.has(missingField));
        JsonTree missing = actual.path(missingField);
        assertTrue(missing.isMissing(), where + "." + missingField);
        assertEquals(expected.path(missingField).asText(), missing.asText());
        assertEquals(expected.path(missingField).asText("d"), missing.asText("d"));
        assertEquals(List.of(), missing.elements());
    }

    @Test
    void malformedDocumentsFailWithTheParsersPosition() throws IOException {
        Path truncated = Files.writeString(temp.resolve("cut.json"), "{\"images\": [\n  {\"canonical\": \"a\"");
        IOException cut = assertThrows(IOException.class, () -> JsonTree.read(truncated));
        assertTrue(cut.getMessage().contains("line: 2"), cut.getMessage());
        assertThrows(IOException.class, () -> JsonTree.parse(""));
        assertThrows(IOException.class, () -> JsonTree.parse("[\"a\"] [\"b\"]"));
        assertThrows(IOException.class, () -> JsonTree.parse("[\"a\"] trailing"));
        assertThrows(IOException.class, () -> JsonTree.parse("[\"a\",]"));
    }

    @Test
    void anArrayOfStringsReadsAsAKubefileExecForm() throws IOException {
        JsonTree form = JsonTree.parse("[\"helm upgrade -i app charts/app\", \"kubectl apply -f manifests/\"]");
        assertTrue(form.isArray());
        assertEquals(List.of("helm upgrade -i app charts/app", "kubectl apply -f manifests/"),
                form.elements().stream().map(JsonTree::asText).toList());
        assertFalse(JsonTree.parse("[1, 2]").elements().get(0).isTextual());
    }

    /** Numbers, escapes and nesting as databind reads them: the same text and int from every node. */
    @Test
    void numbersEscapesAndUnicodeReadLikeDatabind() throws IOException {
        String document = """
                \uFEFF{"n": [0, -0, 7, -12, 2147483647, 2147483648, -9223372036854775808, 12345678901234567890,
                 1.5, -0.25, 1e2, 1E-2, 2.5e+3], "s": ["a\\/b", "\\b\\f\\n\\r\\t", "\\ud83d\\ude00 \\u00e9", "", "\\"\\\\"],
                 "deep": [[[{"x": [true, false, null]}]]]}
                """;
        compare(Json.MAPPER.readTree(document.substring(1)), JsonTree.parse(document), "$");
        assertEquals("\ud83d\ude00 \u00e9", JsonTree.parse(document).path("s").elements().get(2).asText());
    }

    /** Strict as jackson's defaults and Go's encoding/json (what Docker reads an exec form with): each is refused. */
    @Test
    void whatStrictJsonRefusesIsRefused() {
        for (String bad : List.of("[01]", "[1.]", "[.5]", "[-]", "[+1]", "[1e]", "[NaN]", "{'a': 1}", "{\"a\": 1,}", "{\"a\" 1}",
                "{a: 1}", "[\"a\\x\"]", "[\"\\u12\"]", "[\"tab\there\"]", "// c\n[1]", "[tru]", "[nul]", "[1 2]", "{\"a\": 1",
                "[\"open")) {
            assertThrows(IOException.class, () -> JsonTree.parse(bad), bad);
            assertThrows(Exception.class, () -> Json.MAPPER.readTree(bad), "databind refuses it too: " + bad);
        }
    }

    @Test
    void errorsNameLineAndColumnAndNestingIsBounded() throws IOException {
        IOException bad = assertThrows(IOException.class, () -> JsonTree.parse("{\"a\": [1,\n  2,\n  x]}"));
        assertTrue(bad.getMessage().contains("line: 3, column: 3"), bad.getMessage());
        Path file = Files.writeString(temp.resolve("bad.json"), "{\n\"a\": tru}");
        IOException named = assertThrows(IOException.class, () -> JsonTree.read(file));
        assertTrue(named.getMessage().startsWith(file + ": ") && named.getMessage().contains("line: 2"), named.getMessage());

        Path latin1 = Files.write(temp.resolve("latin1.json"), new byte[] {'[', '"', (byte) 0xE9, '"', ']'});
        IOException notUtf8 = assertThrows(IOException.class, () -> JsonTree.read(latin1));
        assertTrue(notUtf8.getMessage().equals(latin1 + ": not JSON: not UTF-8 text"), notUtf8.getMessage());

        String deep = "[".repeat(JsonTree.MAX_DEPTH) + "]".repeat(JsonTree.MAX_DEPTH);
        assertEquals(1, JsonTree.parse(deep).elements().size());
        String tooDeep = "[".repeat(100_000) + "]".repeat(100_000); // would overflow the stack without the bound
        IOException refused = assertThrows(IOException.class, () -> JsonTree.parse(tooDeep));
        assertTrue(refused.getMessage().contains("nested deeper than " + JsonTree.MAX_DEPTH), refused.getMessage());
    }
}
