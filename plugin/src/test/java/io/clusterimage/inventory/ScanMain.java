package io.clusterimage.inventory;

import java.nio.file.Path;
import java.time.Duration;

/**
 * {@link ImageScanner} in a JVM of its own, for tests that send it signals or must see it exit.
 * Arguments: {@code RENDER_TIMEOUT_MILLIS CONTEXT WORK_DIR [CONTEXT WORK_DIR]...}: scans each context
 * in turn and prints {@code FINDING <finding>} and {@code IMAGE <canonical>} lines, then
 * {@code SCANNED <n>} after the n-th; returns from main when done (nothing else ends the JVM). A scan that
 * fails prints {@code ERROR <message>} and exits with 2.
 */
public final class ScanMain {

    private ScanMain() {
    }

    public static void main(String[] args) throws Exception {
        Duration timeout = Duration.ofMillis(Long.parseLong(args[0]));
        for (int i = 1; i + 1 < args.length; i += 2) {
            ImageInventory inventory;
            try {
                inventory = ScanFixtures.scan(Path.of(args[i]), ScanOptions.defaults(Path.of(args[i + 1])).withChartRenderTimeout(timeout));
            } catch (java.io.IOException e) {
                System.out.println("ERROR " + e.getMessage());
                System.exit(2);
                return;
            }
            ScanFixtures.describe(inventory.findings()).forEach(finding -> System.out.println("FINDING " + finding));
            inventory.canonicalReferences().forEach(image -> System.out.println("IMAGE " + image));
            System.out.println("SCANNED " + (i + 1) / 2);
            System.out.flush();
        }
    }
}
