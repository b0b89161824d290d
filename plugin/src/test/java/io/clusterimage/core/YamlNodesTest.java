package io.clusterimage.core;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class YamlNodesTest {

    @Test
    void checkSyntaxReadsEveryDocumentOfAnySize() {
        StringBuilder big = new StringBuilder("kind: ConfigMap\ndata:\n");
        while (big.length() < 4 * 1024 * 1024) { // past SnakeYAML's default 3 MB document limit
            big.append("  key").append(big.length()).append(": value\n");
        }
        YamlNodes.checkSyntax(new StringReader(big + "---\nkind: Service\n"));

        MarkedYAMLException e = assertThrows(MarkedYAMLException.class,
                () -> YamlNodes.checkSyntax(new StringReader("kind: a\n---\nkind: b\n  bad: indent\n")));
        assertEquals(3, e.getProblemMark().getLine());
    }

    @Test
    void textThatIsNotUtf8FailsInsteadOfBecomingReplacementCharacters() {
        byte[] latin1 = "city: M\u00fcnchen\n".getBytes(StandardCharsets.ISO_8859_1);
        YAMLException e = assertThrows(YAMLException.class,
                () -> YamlNodes.checkSyntax(YamlNodes.utf8(new ByteArrayInputStream(latin1))));
        assertInstanceOf(CharacterCodingException.class, e.getCause());
        YamlNodes.checkSyntax(YamlNodes.utf8(new ByteArrayInputStream("\uFEFFcity: M\u00fcnchen\n".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void documentsAreComposedAsKubernetesAndHelmReadThem() {
        Node chart = YamlNodes.firstDocument(new StringReader("""
                name: app
                version: 1.10
                appVersion: ~
                name: app-renamed
                dependencies: [{name: db}]
                ---
                name: second
                """), YamlNodes.options(1024));
        assertEquals("app-renamed", YamlNodes.text(YamlNodes.get(chart, "name")), "the last of duplicate keys");
        assertEquals("1.10", YamlNodes.text(YamlNodes.get(chart, "version")), "a scalar as written, not as a float");
        assertNull(YamlNodes.text(YamlNodes.get(chart, "appVersion")), "YAML null");
        assertNull(YamlNodes.text(YamlNodes.get(chart, "dependencies")), "a collection has no text");
        assertNull(YamlNodes.get(chart, "missing"));
        assertNull(YamlNodes.get(YamlNodes.get(chart, "version"), "name"), "a scalar has no fields");
        assertNull(YamlNodes.firstDocument(new StringReader(""), YamlNodes.options(1024)));

        List<String> kinds = new ArrayList<>();
        for (Node document : YamlNodes.documents(new StringReader("kind: a\n---\nkind: b\n"), YamlNodes.options(1024))) {
            kinds.add(YamlNodes.text(YamlNodes.get(document, "kind")));
        }
        assertEquals(List.of("a", "b"), kinds);
    }

    @Test
    void aliasesAndDocumentSizeAreBounded() {
        String manyAliases = "a: &a [x]\nb: [" + "*a, ".repeat(1000) + "*a]\n"; // "billion laughs" needs many
        assertThrows(YAMLException.class, () -> YamlNodes.firstDocument(new StringReader(manyAliases), YamlNodes.options(1 << 20)));
        assertThrows(YAMLException.class,
                () -> YamlNodes.firstDocument(new StringReader("key: " + "x".repeat(2000) + "\n"), YamlNodes.options(1024)));
    }
}
