package io.clusterimage;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packages depend on each other only as their package-info says: nothing imports upward, and Maven's
 * types stay in {@code maven}. Read from the sources, so a new import that breaks a rule fails here, naming
 * the file and what it uses.
 */
class PackageDependenciesTest {

    private static final Path SOURCES = Path.of("src/main/java/io/clusterimage");

    /** Per package, the plugin packages it may use (besides itself). */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("core", Set.of()),
            Map.entry("reference", Set.of()),
            Map.entry("layout.ignore", Set.of("core")),
            Map.entry("kubefile", Set.of("core")),
            Map.entry("layout", Set.of("core", "kubefile", "layout.ignore", "reference")),
            Map.entry("inventory", Set.of("core", "layout", "layout.ignore", "reference")),
            Map.entry("registry", Set.of("core", "reference")),
            Map.entry("fetch", Set.of("core", "registry", "reference")),
            Map.entry("image", Set.of("core", "kubefile", "layout.ignore", "reference", "registry")),
            Map.entry("appimage", Set.of("core", "reference", "registry")),
            Map.entry("sbom", Set.of("core", "reference", "registry")));

    private static final Pattern USE = Pattern.compile("io\\.clusterimage\\.([a-z]+(?:\\.[a-z]+)*)\\.[A-Z]");

    @Test
    void everyPackageUsesOnlyWhatItMay() throws IOException {
        List<String> violations = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                String pkg = SOURCES.relativize(file.getParent()).toString().replace('/', '.');
                if (pkg.equals("maven")) {
                    continue; // the goals may use every stage
                }
                seen.add(pkg);
                String text = Files.readString(file);
                if (text.contains("org.apache.maven.") || text.contains("org.eclipse.aether.")) {
                    violations.add(file + " uses Maven types, which stay in io.clusterimage.maven");
                }
                Matcher use = USE.matcher(text);
                while (use.find()) {
                    String used = use.group(1);
                    if (!used.equals(pkg) && !ALLOWED.getOrDefault(pkg, Set.of()).contains(used)) {
                        violations.add(file + " uses io.clusterimage." + used);
                    }
                }
            }
        }
        assertEquals(ALLOWED.keySet(), seen, "every package has a rule here (and in its package-info.java)");
        assertTrue(violations.isEmpty(), String.join("\n", new TreeSet<>(violations)));
    }
}
