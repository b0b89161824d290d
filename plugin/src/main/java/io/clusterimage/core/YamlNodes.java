package io.clusterimage.core;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * YAML read with SnakeYAML's parser and composer alone: the syntax of every document, or the documents' node trees,
 * never Java objects. The layout check and the scan run on every edit of a manifest; through SnakeYAML's {@code Yaml}
 * facade (its constructor and representer) or Jackson's YAML layer a cold JVM loads some 400 classes that neither
 * needs (~100 ms of such a build, timed).
 * <p>Errors are SnakeYAML's {@link YAMLException}s; a {@code MarkedYAMLException} places the problem. Text that is not
 * UTF-8 fails with a {@link java.nio.charset.CharacterCodingException} as the cause, never read as U+FFFD.
 */
public final class YamlNodes {

    private YamlNodes() {
    }

    /**
     * Options as Kubernetes reads YAML: duplicate keys allowed (the last wins there), aliases bounded (a "billion
     * laughs" document stays small), at most {@code codePointLimit} characters per document.
     */
    public static LoaderOptions options(int codePointLimit) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(true);
        options.setMaxAliasesForCollections(1000);
        options.setCodePointLimit(codePointLimit);
        return options;
    }

    /** UTF-8 text, strictly: a byte that is not part of a UTF-8 character is an error, not U+FFFD. */
    public static Reader utf8(InputStream in) {
        return new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
    }

    /**
     * Reads every event of every document, so that a syntax error anywhere throws; memory stays that of one event,
     * whatever the size of the text (no document limit applies).
     */
    public static void checkSyntax(Reader text) {
        Parser parser = new ParserImpl(new StreamReader(text), options(Integer.MAX_VALUE));
        while (!parser.checkEvent(Event.ID.StreamEnd)) {
            parser.getEvent();
        }
    }

    /** The documents of the text, composed one at a time as the iteration reaches them (an empty document is null). */
    public static Iterable<Node> documents(Reader text, LoaderOptions options) {
        Composer composer = new Composer(new ParserImpl(new StreamReader(text), options), new Resolver(), options);
        return () -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                return composer.checkNode();
            }

            @Override
            public Node next() {
                if (!composer.checkNode()) {
                    throw new NoSuchElementException();
                }
                return composer.getNode();
            }
        };
    }

    /** The first document's root, as Helm reads a Chart.yaml; null when the text holds no document. */
    public static Node firstDocument(Reader text, LoaderOptions options) {
        Iterator<Node> documents = documents(text, options).iterator();
        return documents.hasNext() ? documents.next() : null;
    }

    /** The value under a scalar key of a mapping; null when {@code node} is not a mapping or has no such key. */
    public static Node get(Node node, String key) {
        if (node instanceof MappingNode mapping) {
            Node found = null;
            for (NodeTuple tuple : mapping.getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode scalar && scalar.getValue().equals(key)) {
                    found = tuple.getValueNode(); // the last of duplicate keys, as Kubernetes and Helm take it
                }
            }
            return found;
        }
        return null;
    }

    /** A scalar's text as written ({@code 1.10} stays {@code 1.10}); null for a YAML null, a missing node or a collection. */
    public static String text(Node node) {
        if (node instanceof ScalarNode scalar && !Tag.NULL.equals(scalar.getTag())) {
            return scalar.getValue();
        }
        return null;
    }
}
