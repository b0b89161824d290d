package io.clusterimage.layout;

import io.clusterimage.core.Finding;
import io.clusterimage.core.MemoryExhaustedException;
import io.clusterimage.core.YamlNodes;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code manifests/}: YAML files parse (every document), and {@code .tmpl} files, which sealos
 * renders at run time in etc/, scripts/ and manifests/, do not collide with an existing file.
 */
final class ManifestChecks {

    private final ContextPaths paths;
    private final List<Finding> findings;

    ManifestChecks(ContextPaths paths, List<Finding> findings) {
        this.paths = paths;
        this.findings = findings;
    }

    void check() throws IOException {
        for (String dir : List.of("manifests", "etc", "scripts")) {
            Path root = paths.root().resolve(dir);
            if (!Files.isDirectory(root)) {
                continue;
            }
            for (Path file : paths.regularFiles(root)) {
                String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
                if (name.endsWith(".tmpl")) {
                    checkTemplateTarget(file);
                } else if (dir.equals("manifests") && (name.endsWith(".yaml") || name.endsWith(".yml"))) {
                    checkYaml(file);
                }
            }
        }
    }

    private void checkTemplateTarget(Path template) {
        String fileName = template.getFileName().toString();
        Path rendered = template.resolveSibling(fileName.substring(0, fileName.length() - ".tmpl".length()));
        if (Files.exists(rendered)) {
            findings.add(Finding.error("manifests.template-collision", rel(template), 0,
                    "sealos renders " + fileName + " to " + rendered.getFileName() + ", which already exists and would be silently overwritten",
                    "rename one of the two files"));
        }
    }

    private void checkYaml(Path file) throws IOException {
        try {
            parseYaml(file);
        } catch (OutOfMemoryError e) {
            throw new MemoryExhaustedException(rel(file).toString(), e);
        }
    }

    /**
     * Reads the file's events as a stream: the syntax is checked without a tree of any document, so a
     * manifest of any size takes the parser's buffer of memory. The file is read whole only to place an error.
     */
    private void parseYaml(Path file) throws IOException {
        try (Reader in = YamlNodes.utf8(Files.newInputStream(file))) {
            YamlNodes.checkSyntax(in);
        } catch (RuntimeException e) { // SnakeYAML's YAMLException, with a MalformedInputException inside for bytes that are not UTF-8
            byte[] content = Files.readAllBytes(file);
            findings.add(Finding.error("manifests.yaml", rel(file), YamlErrors.line(e, content),
                    "not valid YAML: " + YamlErrors.message(e, content),
                    "fix the YAML (kubectl apply would reject it too); if it is a template, name it *.tmpl"));
        }
    }

    private Path rel(Path path) {
        return Path.of(paths.relativize(path));
    }
}
