package io.clusterimage.inventory;

import io.clusterimage.core.Quotes;
import java.util.ArrayList;
import java.util.List;

/**
 * sealos's scan, line by line: the text after the first {@code image:} of every line that is not a
 * comment, trimmed, one pair of matching quotes removed. It finds what a migrating user's sealos
 * build found; the values are validated by the caller, not here.
 */
final class ImageLineScanner {

    private ImageLineScanner() {
    }

    static List<Candidate> scan(String text) {
        List<Candidate> candidates = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.startsWith("#")) {
                continue;
            }
            int at = line.indexOf("image:");
            if (at < 0) {
                continue;
            }
            String value = Quotes.unquote(line.substring(at + "image:".length()).strip());
            if (!value.isEmpty()) {
                candidates.add(new Candidate(value, i + 1, false));
            }
        }
        return candidates;
    }
}
