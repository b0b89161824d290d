package io.clusterimage.inventory;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** sealos's line scan (pkg/sreg/buildimage, ParseImages): what it takes from each line, and from which line. */
class ImageLineScannerTest {

    private static List<String> values(String text) {
        return ImageLineScanner.scan(text).stream().map(Candidate::value).toList();
    }

    @Test
    void takesTheTextAfterTheFirstImageColonAnywhereInTheLine() {
        assertEquals(List.of("nginx:1.25"), values("image: nginx:1.25"));
        assertEquals(List.of("nginx:1.25"), values("    - image: nginx:1.25"));
        assertEquals(List.of("nginx"), values("image:nginx"));
        assertEquals(List.of("quay.io/x/base:1"), values("baseimage: quay.io/x/base:1"));
        // the first occurrence counts, everything after it is the value
        assertEquals(List.of("a image: b"), values("image: a image: b"));
    }

    @Test
    void otherKeysThatMerelyContainImageDoNotMatch() {
        assertEquals(List.of(), values("imagePullPolicy: IfNotPresent"));
        assertEquals(List.of(), values("containerImage: nginx"));
        assertEquals(List.of(), values("imagePullSecrets:\n- name: x"));
        assertEquals(List.of(), values("IMAGE: nginx"));
        // JSON: the substring is image":, not image:
        assertEquals(List.of(), values("{\"image\": \"nginx\"}"));
    }

    @Test
    void commentLinesAreSkippedButTrailingCommentsAreKept() {
        assertEquals(List.of(), values("# image: nginx"));
        assertEquals(List.of(), values("   # image: nginx"));
        assertEquals(List.of(), values("#image: nginx"));
        assertEquals(List.of("nginx # pinned"), values("image: nginx # pinned"));
    }

    @Test
    void oneMatchingPairOfQuotesIsStripped() {
        assertEquals(List.of("nginx:1.25"), values("image: \"nginx:1.25\""));
        assertEquals(List.of("nginx:1.25"), values("image: 'nginx:1.25'"));
        assertEquals(List.of("\"nginx:1.25'"), values("image: \"nginx:1.25'"));
        assertEquals(List.of("\"nginx:1.25"), values("image: \"nginx:1.25"));
        assertEquals(List.of("nginx:1.25\""), values("image: nginx:1.25\""));
        assertEquals(List.of("'nginx'"), values("image: \"'nginx'\""));
        assertEquals(List.of("  nginx  "), values("image: \"  nginx  \""));
    }

    @Test
    void emptyValuesAreSkipped() {
        assertEquals(List.of(), values("image:"));
        assertEquals(List.of(), values("image:    "));
        assertEquals(List.of(), values("image:\n  repository: nginx"));
        // sealos strips the quotes and drops what is empty afterwards
        assertEquals(List.of(), values("image: \"\""));
        assertEquals(List.of(), values("image: ''"));
    }

    @Test
    void lineNumbersAreOneBasedAndCountEveryLine() {
        String text = "# header\n"
                + "\n"
                + "spec:\n"
                + "  containers:\n"
                + "  - image: a:1\n"
                + "    imagePullPolicy: Always\n"
                + "  - image: b:2\n";
        List<Candidate> candidates = ImageLineScanner.scan(text);
        assertEquals(List.of(new Candidate("a:1", 5, false), new Candidate("b:2", 7, false)), candidates);
    }

    @Test
    void crlfLineEndsAreStripped() {
        List<Candidate> candidates = ImageLineScanner.scan("kind: Pod\r\nimage: a:1\r\n  image: 'b:2'\r\n");
        assertEquals(List.of(new Candidate("a:1", 2, false), new Candidate("b:2", 3, false)), candidates);
    }

    @Test
    void theLastLineCountsWithoutANewline() {
        assertEquals(List.of(new Candidate("a:1", 1, false), new Candidate("b:2", 2, false)),
                ImageLineScanner.scan("image: a:1\nimage: b:2"));
        assertEquals(List.of(new Candidate("b:2", 2, false)), ImageLineScanner.scan("x: 1\r\nimage: b:2"));
    }

    @Test
    void surroundingWhitespaceIsTrimmed() {
        assertEquals(List.of("nginx"), values("\t  image:   nginx  \t"));
    }

    @Test
    void everyLineIsTakenEvenWhenItRepeats() {
        // de-duplication is the caller's business: each line is reported with its own number
        assertEquals(List.of(new Candidate("nginx", 1, false), new Candidate("nginx", 2, false)),
                ImageLineScanner.scan("image: nginx\nimage: nginx\n"));
    }
}
