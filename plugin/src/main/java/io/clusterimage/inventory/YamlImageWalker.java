package io.clusterimage.inventory;

import io.clusterimage.core.YamlNodes;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds images by the structure of YAML (and JSON) documents, which a line scan cannot see: flow
 * style ({@code {image: x}}), JSON ({@code "image": "x"}), anchors and aliases, image maps
 * ({@code image: {registry, repository, tag|digest}}), {@code volumes[].image.reference},
 * {@code *_IMAGE} / {@code RELATED_IMAGE_*} environment values and {@code fooImage:} keys.
 */
final class YamlImageWalker {

    private static final Set<String> CONTAINER_LISTS = Set.of("containers", "initContainers", "ephemeralContainers");
    private static final Pattern ENV_IMAGE_NAME = Pattern.compile("(?i)(.+_IMAGE|RELATED_IMAGE_.+)");
    private static final Pattern IMAGE_KEY = Pattern.compile("[a-z][A-Za-z0-9]*Image");
    private static final LoaderOptions OPTIONS = YamlNodes.options(64 * 1024 * 1024);

    private final List<Candidate> found = new ArrayList<>();
    private final Map<Node, Boolean> visited = new IdentityHashMap<>();

    /** The result of a walk: the candidates, and whether the text was YAML at all. */
    record Result(List<Candidate> candidates, boolean parsed) {
    }

    static Result walk(String text) {
        YamlImageWalker walker = new YamlImageWalker();
        try {
            for (Node document : YamlNodes.documents(new StringReader(text), OPTIONS)) {
                if (document != null) {
                    walker.visit(document, null, false);
                    // an alias never reaches into another document: forget this one's nodes, or a file of
                    // many documents is held in memory whole
                    walker.visited.clear();
                }
            }
            return new Result(walker.found, true);
        } catch (YAMLException | IllegalArgumentException e) {
            return new Result(walker.found, false);
        }
    }

    private void visit(Node node, String key, boolean inContainerList) {
        if (visited.put(node, Boolean.TRUE) != null) {
            return; // an alias of a node seen before: its images are already found
        }
        if (node instanceof MappingNode mapping) {
            Map<String, Node> entries = entries(mapping);
            checkEnvEntry(entries);
            for (NodeTuple tuple : mapping.getValue()) {
                if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
                    continue;
                }
                String name = keyNode.getValue();
                Node value = tuple.getValueNode();
                if (name.equals("image")) {
                    imageValue(value, inContainerList);
                } else if (IMAGE_KEY.matcher(name).matches() && value instanceof ScalarNode scalar && looksQualified(scalar.getValue())) {
                    add(scalar, false);
                }
                visit(value, name, false);
            }
        } else if (node instanceof SequenceNode sequence) {
            boolean containers = key != null && CONTAINER_LISTS.contains(key);
            for (Node item : sequence.getValue()) {
                visit(item, null, containers);
            }
        }
    }

    private void imageValue(Node value, boolean workload) {
        if (value instanceof ScalarNode scalar) {
            add(scalar, workload);
        } else if (value instanceof MappingNode map) {
            Map<String, Node> parts = entries(map);
            if (parts.get("reference") instanceof ScalarNode reference) {
                add(reference, workload); // Kubernetes image volumes: volumes[].image.reference
                return;
            }
            if (parts.get("repository") instanceof ScalarNode repository && !repository.getValue().isBlank()) {
                StringBuilder assembled = new StringBuilder();
                if (parts.get("registry") instanceof ScalarNode registry && !registry.getValue().isBlank()) {
                    assembled.append(registry.getValue().replaceAll("/+$", "")).append('/');
                }
                assembled.append(repository.getValue());
                if (parts.get("tag") instanceof ScalarNode tag && !tag.getValue().isBlank()) {
                    assembled.append(':').append(tag.getValue());
                }
                if (parts.get("digest") instanceof ScalarNode digest && !digest.getValue().isBlank()) {
                    assembled.append('@').append(digest.getValue());
                }
                found.add(new Candidate(assembled.toString(), repository.getStartMark().getLine() + 1, workload));
            }
        }
    }

    private void checkEnvEntry(Map<String, Node> entries) {
        if (entries.get("name") instanceof ScalarNode name && entries.get("value") instanceof ScalarNode value
                && ENV_IMAGE_NAME.matcher(name.getValue()).matches() && looksQualified(value.getValue())) {
            add(value, false);
        }
    }

    /** Values of {@code *Image} keys and env vars are only taken when they look like a reference with a tag or path. */
    private static boolean looksQualified(String value) {
        return (value.contains("/") || value.contains(":")) && !value.contains(" ") && References.isValid(value);
    }

    private void add(ScalarNode scalar, boolean workload) {
        String value = scalar.getValue().strip();
        if (!value.isEmpty()) {
            found.add(new Candidate(value, scalar.getStartMark().getLine() + 1, workload));
        }
    }

    private static Map<String, Node> entries(MappingNode mapping) {
        Map<String, Node> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode key) {
                entries.put(key.getValue(), tuple.getValueNode());
            }
        }
        return entries;
    }
}
