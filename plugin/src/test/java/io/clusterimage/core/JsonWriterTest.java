package io.clusterimage.core;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** JsonWriter writes what databind writes for the same tree, byte for byte: image digests depend on it. */
class JsonWriterTest {

    @Test
    void writesTheBytesDatabindWritesCompactAndPretty() throws IOException {
        JsonObject root = new JsonObject();
        root.put("schemaVersion", 2);
        root.put("size", 12_345_678_901L);
        root.put("text", "quote \" backslash \\ slash / tab \t newline \n cr \r bell \u0007 nul \u0000 del \u007f caf\u00e9 \u2028 \uD83D\uDE00");
        root.put("nothing", null);
        root.put("yes", true);
        root.put("ratio", 1.5);
        root.put("huge", new BigInteger("123456789012345678901234567890"));
        root.putObject("empty");
        root.putArray("none");
        JsonArray layers = root.putArray("layers");
        layers.addObject().put("digest", "sha256:00");
        layers.add("plain");
        layers.add(List.of(1, List.of(), Map.of()));
        JsonObject nested = layers.addObject();
        nested.putObject("deeper").putArray("list").addObject().put("a", 1);
        nested.put("after", "x");

        assertSameAsDatabind(root);
        assertSameAsDatabind(new JsonObject());
        assertSameAsDatabind(new JsonArray());
        assertSameAsDatabind(List.of(new JsonObject(), "a"));
    }

    @Test
    void randomTreesComeOutAsDatabindWritesThem() throws IOException {
        Random random = new Random(16);
        for (int i = 0; i < 300; i++) {
            assertSameAsDatabind(randomValue(random, 0));
        }
    }

    @Test
    void whatJsonTreeReadsIsWrittenBackAsItWas() throws IOException {
        String pretty = new String(Json.PRETTY.writeValueAsBytes(Json.MAPPER.readTree("""
                {"images": [{"canonical": "a", "servedBy": null, "line": 7, "big": 12345678901234, "ratio": 0.25, "ok": false}],
                 "empty": {}, "list": [], "text": "caf\\u00e9 \\"q\\""}""")), StandardCharsets.UTF_8);
        assertEquals(pretty, JsonWriter.prettyText(JsonTree.parse(pretty).toValue()));
    }

    @Test
    void refusesWhatIsNotJson() {
        assertThrows(IllegalArgumentException.class, () -> JsonWriter.compact(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> JsonWriter.compact(new Object()));
        assertThrows(IllegalArgumentException.class, () -> JsonWriter.compact(Map.of(1, "a")));
    }

    private static void assertSameAsDatabind(Object value) throws IOException {
        assertArrayEquals(Json.MAPPER.writeValueAsBytes(value), JsonWriter.compact(value),
                () -> "compact: " + new String(JsonWriter.compact(value), StandardCharsets.UTF_8));
        assertEquals(Json.PRETTY.writeValueAsString(value), JsonWriter.prettyText(value));
        assertArrayEquals(Json.PRETTY.writeValueAsBytes(value), JsonWriter.pretty(value));
    }

    private static Object randomValue(Random random, int depth) {
        int kind = random.nextInt(depth > 4 ? 6 : 8);
        switch (kind) {
            case 0:
                return null;
            case 1:
                return random.nextBoolean();
            case 2:
                return random.nextInt();
            case 3:
                return random.nextLong();
            case 4:
                return random.nextInt(1000) / 8.0;
            case 5:
                return randomString(random);
            case 6: {
                JsonObject object = new JsonObject();
                for (int i = random.nextInt(4); i > 0; i--) {
                    object.put(randomString(random), randomValue(random, depth + 1));
                }
                return object;
            }
            default: {
                JsonArray array = new JsonArray();
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.add(randomValue(random, depth + 1));
                }
                return array;
            }
        }
    }

    private static String randomString(Random random) {
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(8); i > 0; i--) {
            int pick = random.nextInt(5);
            text.append(switch (pick) {
                case 0 -> (char) random.nextInt(0x20);
                case 1 -> (char) (0x20 + random.nextInt(0x60));
                case 2 -> (char) (0xA0 + random.nextInt(0x2000));
                case 3 -> "\"\\/";
                default -> "\uD83D\uDE00";
            });
        }
        return text.toString();
    }
}
