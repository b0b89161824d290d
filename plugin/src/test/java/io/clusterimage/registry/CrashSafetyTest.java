package io.clusterimage.registry;

import io.clusterimage.core.Platform;
import io.clusterimage.reference.ImageReference;
import io.clusterimage.testing.ChildJvm;
import io.clusterimage.testing.LocalRegistry;
import io.clusterimage.testing.SaveMain;
import io.clusterimage.testing.TestImages;
import io.clusterimage.testing.TreeChecks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Saves killed with SIGKILL at random points (in a separate JVM) never leave a corrupt blob or a tag
 * whose image is incomplete, and a normal save afterwards into the same target and cache completes
 * the trees, identical to the trees of an uninterrupted save.
 */
@Tag("tools")
class CrashSafetyTest {

    static final List<String> PLATFORMS = List.of("linux/amd64", "linux/arm64");

    @TempDir
    static Path work;
    static LocalRegistry source;
    static final Map<String, TestImages.Blob> tops = new LinkedHashMap<>();

    @BeforeAll
    static void pushFixtures() throws Exception {
        source = LocalRegistry.start(work.resolve("root"), false, null, work.resolve("logs"));
        TestImages images = new TestImages(source.url());
        TestImages.Blob base = TestImages.layer("base.bin", 3_000_000, 1);
        for (int i = 1; i <= 3; i++) {
            tops.put("crash/app" + i + ":1.0", images.pushIndex("crash/app" + i, "1.0", PLATFORMS,
                    List.of(base, TestImages.layer("app" + i + ".bin", 2_500_000 + i * 100_000, 10 + i)), 100 + 10L * i));
        }
        tops.put("crash/tool:2.0", images.pushImage("crash/tool", "2.0", "linux/amd64",
                List.of(base, TestImages.layer("tool.bin", 4_000_000, 50))));
    }

    @AfterAll
    static void stop() {
        if (source != null) {
            source.close();
        }
    }

    private static List<String> images() {
        List<String> images = new ArrayList<>();
        images.add(source.host() + "/crash/app1:1.0");
        images.add(source.host() + "/crash/app2:1.0");
        images.add(source.host() + "/crash/app3:1.0");
        images.add(source.host() + "/crash/tool:2.0");
        return images;
    }

    /**
     * Starts a save in a child JVM, waits until it is about to save, lets it run for {@code millis},
     * then kills it with SIGKILL. Returns whether it was still running when killed.
     */
    private static boolean saveAndKill(Path out, Path cache, long millis) throws Exception {
        List<String> args = new ArrayList<>(List.of("out=" + out, "cache=" + cache, "insecure=" + source.host(), "concurrency=4"));
        PLATFORMS.forEach(p -> args.add("platform=" + p));
        args.addAll(images());
        Process process = ChildJvm.command(SaveMain.class, args)
                .redirectError(work.resolve("logs").resolve("child-stderr.log").toFile()).start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            for (String line = lines.readLine(); !"READY".equals(line); line = lines.readLine()) {
                assertTrue(line != null, "the child JVM ended before saving; see " + work.resolve("logs/child-stderr.log"));
            }
            Thread.sleep(millis);
            boolean running = process.isAlive();
            process.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks
            assertTrue(process.waitFor(10, TimeUnit.SECONDS));
            return running;
        } finally {
            process.destroyForcibly();
        }
    }

    /**
     * Kills a save into {@code out} and {@code cache} after each delay and checks, after every kill,
     * that every visible blob verifies and every tag's image is complete. Returns how many kills hit a
     * save that was still running.
     */
    private static int killRepeatedly(Path out, Path cache, List<Long> delays, int minimumKilled, String context) throws Exception {
        int interrupted = 0;
        List<String> log = new ArrayList<>();
        for (long delay : delays) {
            boolean running = saveAndKill(out, cache, delay);
            interrupted += running ? 1 : 0;
            String when = context + ", after a kill at " + delay + " ms (" + String.join("; ", log) + ")";
            try {
                int cached = TreeChecks.assertEveryBlobVerifies(cache);
                List<Integer> tags = new ArrayList<>();
                List<Integer> blobs = new ArrayList<>();
                for (String platform : List.of("linux-amd64", "linux-arm64")) {
                    blobs.add(TreeChecks.assertEveryBlobVerifies(out.resolve(platform)));
                    tags.add(TreeChecks.assertTagsComplete(out.resolve(platform).resolve("registry")).size());
                }
                log.add(delay + " ms: " + (running ? "killed" : "had finished") + ", " + cached + " cached blobs, tree blobs " + blobs
                        + ", tags " + tags);
            } catch (AssertionError e) {
                throw new AssertionError(when + ": " + e.getMessage(), e);
            }
        }
        assertTrue(interrupted >= minimumKilled, context + ": too few kills hit a running save to prove anything: "
                + String.join("; ", log));
        return interrupted;
    }

    /** After the kills, a normal save into the same target and cache gives the trees an uninterrupted save gives. */
    private static void resumeAndCompare(Path out, Path cache) throws Exception {
        SaveSummary resumed = save(out, cache);
        assertEquals(images().size() * PLATFORMS.size(), resumed.images());
        Path referenceOut = work.resolve("out-reference");
        if (!java.nio.file.Files.exists(referenceOut)) {
            save(referenceOut, work.resolve("cache-reference"));
        }
        for (String platform : List.of("linux-amd64", "linux-arm64")) {
            Path tree = out.resolve(platform).resolve("registry");
            assertTrue(TreeChecks.assertEveryBlobVerifies(tree) > 0);
            assertEquals(TreeChecks.files(referenceOut.resolve(platform).resolve("registry")), TreeChecks.files(tree),
                    platform + ": the resumed tree has exactly the files of an uninterrupted save");
            String arch = platform.substring("linux-".length());
            Map<String, String> expected = new LinkedHashMap<>();
            for (Map.Entry<String, TestImages.Blob> top : tops.entrySet()) {
                // a single-platform image is stored as it is; an index is stored as the platform's own manifest
                boolean index = top.getValue().mediaType().equals(Manifest.OCI_INDEX);
                expected.put(top.getKey(), index ? childDigest(top.getValue(), arch) : top.getValue().digest());
            }
            assertEquals(expected.keySet(), Set.copyOf(TreeChecks.assertTagsComplete(tree)));
            TreeChecks.assertServes(tree, work.resolve("logs"), expected);
        }
        TreeChecks.assertEveryBlobVerifies(cache);
    }

    /** Kills while blobs are downloaded into the cache and linked into the trees, then resumes. */
    @Test
    void savesKilledWhileDownloadingLeaveNothingCorruptAndTheNextSaveCompletesTheTrees() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<Long> delays = new ArrayList<>(List.of(50L, 150L, 300L));
        delays.add(100L + random.nextInt(200));
        Path out = work.resolve("out-cold");
        Path cache = work.resolve("cache-cold");
        killRepeatedly(out, cache, delays, 3, "cold cache, seed " + seed);
        resumeAndCompare(out, cache);
    }

    /** Kills while a warm cache is linked into fresh trees (the part of a save that writes the trees), then resumes. */
    @Test
    void savesKilledWhileWritingTreesFromAWarmCacheLeaveNothingCorrupt() throws Exception {
        Path cache = work.resolve("cache-warm");
        save(work.resolve("out-warmup"), cache);
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<Long> delays = new ArrayList<>(List.of(30L, 100L));
        for (int i = 0; i < 3; i++) {
            delays.add(90L + random.nextInt(130));
        }
        Path out = work.resolve("out-warm");
        killRepeatedly(out, cache, delays, 2, "warm cache, seed " + seed);
        resumeAndCompare(out, cache);
    }

    private static SaveSummary save(Path out, Path cache) throws Exception {
        RegistryOptions options = RegistryOptions.defaults().withInsecure(Set.of(source.host())).withRetries(3, Duration.ofMillis(20));
        ImageSaver saver = new ImageSaver(new RegistryClient(options),
                new SaveOptions(out, PLATFORMS.stream().map(Platform::parse).toList(), false, 4, cache, false, line -> { }));
        return saver.save(images().stream().map(ImageReference::parse).toList());
    }

    private static String childDigest(TestImages.Blob index, String arch) throws Exception {
        for (Manifest.Descriptor child : Manifest.of(index.content(), null).children()) {
            if (child.architecture().equals(arch)) {
                return child.digest();
            }
        }
        throw new AssertionError(arch);
    }
}
