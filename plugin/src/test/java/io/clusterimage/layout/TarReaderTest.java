package io.clusterimage.layout;

import io.clusterimage.core.TarReader;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tar reader (io.clusterimage.core) as the chart archive checks use it. */
class TarReaderTest {

    @Test
    void listsRegularFilesOnlyWithLongAndPaxNames() throws IOException {
        String longName = "chart/" + "x".repeat(120) + "/values.yaml";
        byte[] tar = new LayoutFixture.TarWriter()
                .directory("chart")
                .file("chart/Chart.yaml", "name: chart\n")
                .gnuLongName(longName).file(longName.substring(0, 100), "a: 1\n")
                .paxPath("chart/templates/deployment.yaml").file("PaxHeaders/ignored", "kind: Deployment\n")
                .entry("chart/link", '2', new byte[0])
                .file("chart/README.md", "readme")
                .finish();

        TarReader reader = new TarReader(new ByteArrayInputStream(tar));
        List<String> names = new ArrayList<>();
        for (String name = reader.nextFile(); name != null; name = reader.nextFile()) {
            names.add(name);
        }

        assertEquals(List.of("chart/Chart.yaml", longName, "chart/templates/deployment.yaml", "chart/README.md"), names);
    }

    @Test
    void findReturnsTheContentOfTheFirstMatchUpToTheLimit() throws IOException {
        byte[] tar = LayoutFixture.tar(Map.of("a/Chart.yaml", "name: a\nversion: 1.0.0\n"));

        byte[] content = TarReader.find(new ByteArrayInputStream(tar), n -> n.endsWith("/Chart.yaml"), 7);

        assertArrayEquals("name: a".getBytes(StandardCharsets.UTF_8), content);
        assertNull(TarReader.find(new ByteArrayInputStream(tar), n -> n.equals("nothing"), 100));
    }

    @Test
    void truncatedArchiveFails() {
        byte[] tar = LayoutFixture.tar(Map.of("a/templates/big.yaml", "x".repeat(5000)));
        byte[] truncated = Arrays.copyOf(tar, 512 + 1000);

        IOException e = assertThrows(IOException.class,
                () -> TarReader.find(new ByteArrayInputStream(truncated), n -> n.equals("a/Chart.yaml"), 100));
        assertTrue(e.getMessage().contains("unexpected end of tar archive"), e.getMessage());
    }

    @Test
    void headerWithGarbageSizeFails() {
        byte[] tar = LayoutFixture.tar(Map.of("a/Chart.yaml", "name: a\n"));
        System.arraycopy("zzzzzzzzzzz".getBytes(StandardCharsets.US_ASCII), 0, tar, 124, 11);

        IOException e = assertThrows(IOException.class,
                () -> TarReader.find(new ByteArrayInputStream(tar), n -> true, 100));
        assertTrue(e.getMessage().contains("not a tar archive"), e.getMessage());
    }

    @Test
    void ustarPrefixIsJoinedToTheName() throws IOException {
        byte[] tar = LayoutFixture.tar(Map.of("Chart.yaml", "name: a\n"));
        byte[] prefix = "deeply/nested/chart".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(prefix, 0, tar, 345, prefix.length);

        assertEquals("deeply/nested/chart/Chart.yaml", new TarReader(new ByteArrayInputStream(tar)).nextFile());
    }
}
