package io.clusterimage.maven;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Eclipse m2e marks every plugin execution its mapping does not cover ("not covered by lifecycle configuration")
 * on pom.xml: the plugin's own m2e metadata maps every goal it has, and so every goal its packaging binds.
 */
class M2eMappingTest {

    private static String resource(String name) throws Exception {
        try (InputStream in = M2eMappingTest.class.getClassLoader().getResourceAsStream(name)) {
            assertTrue(in != null, name + " is on the classpath");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<String> all(Pattern pattern, String text) {
        List<String> found = new ArrayList<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        return found;
    }

    @Test
    void everyGoalOfThePluginIsMappedForM2e() throws Exception {
        List<String> mapped = all(Pattern.compile("<goal>([a-z-]+)</goal>"), resource("META-INF/m2e/lifecycle-mapping-metadata.xml"));
        List<String> bound = all(Pattern.compile("cluster-image-maven-plugin:[^:<,]+:([a-z-]+)"), resource("META-INF/plexus/components.xml"));
        assertTrue(bound.containsAll(List.of("fetch", "validate-layout", "scan-images", "save-registry", "package-image", "push-image")), bound.toString());
        assertTrue(mapped.containsAll(bound), "bound by the packaging but not mapped for m2e: " + bound.stream().filter(g -> !mapped.contains(g)).toList());
        List<String> goals = all(Pattern.compile("<goal>([a-z-]+)</goal>"), resource("META-INF/maven/plugin.xml"));
        goals.remove("help");
        assertEquals(List.of(), goals.stream().filter(g -> !mapped.contains(g)).toList(), "goals of the plugin not mapped for m2e");
    }
}
