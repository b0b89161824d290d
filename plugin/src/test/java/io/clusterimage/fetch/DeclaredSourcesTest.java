package io.clusterimage.fetch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.clusterimage.core.Platform;
import io.clusterimage.core.TarWriter;
import io.clusterimage.registry.BlobCache;
import io.clusterimage.registry.Credentials;
import io.clusterimage.registry.RegistryOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Charts and files from a Helm repository and URLs on 127.0.0.1: versions resolved, digests verified,
 * archives placed per platform without escapes, the lock used and required, the cache used offline.
 */
class DeclaredSourcesTest {

    private static final Platform AMD64 = Platform.LINUX_AMD64;
    private static final Platform ARM64 = Platform.parse("linux/arm64");

    @TempDir
    Path dir;

    private HttpServer server;
    private String base;
    private final Map<String, byte[]> content = new ConcurrentHashMap<>();
    private final Map<String, Integer> failuresLeft = new ConcurrentHashMap<>();
    private final List<String> requests = new ArrayList<>();
    private final List<String> authorizations = new ArrayList<>();
    private final AtomicInteger indexReads = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::serve);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private synchronized void serve(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        requests.add(path);
        authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
        if (path.endsWith("index.yaml")) {
            indexReads.incrementAndGet();
        }
        if (path.startsWith("/redirect/")) {
            exchange.getResponseHeaders().add("Location", path.substring("/redirect".length()));
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
            return;
        }
        int failures = failuresLeft.getOrDefault(path, 0);
        if (failures > 0) {
            failuresLeft.put(path, failures - 1);
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
            return;
        }
        byte[] body = content.get(path);
        if (body == null) {
            exchange.sendResponseHeaders(404, -1);
        } else {
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }

    // ---- fixtures ----

    private static byte[] tgz(Map<String, String> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes); TarWriter tar = new TarWriter(gzip)) {
            for (Map.Entry<String, String> file : files.entrySet()) {
                if (file.getValue().startsWith("->")) {
                    tar.symlink(file.getKey(), file.getValue().substring(2), 0, 0, 0);
                } else {
                    byte[] data = file.getValue().getBytes(StandardCharsets.UTF_8);
                    tar.file(file.getKey(), file.getKey().endsWith("tool") ? 0755 : 0644, 0, 0, 0, data.length, new ByteArrayInputStream(data));
                }
            }
        }
        return bytes.toByteArray();
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    private byte[] chart(String version) throws IOException {
        return tgz(new java.util.TreeMap<>(Map.of("demo/Chart.yaml", "apiVersion: v2\nname: demo\nversion: " + version + "\n",
                "demo/templates/deploy.yaml", "image: example.com/demo:" + version + "\n")));
    }

    /** A repository with demo 0.1.0, 0.2.0 (relative urls, digests) and 1.0.0-rc.1. */
    private void repository() throws Exception {
        byte[] v1 = chart("0.1.0");
        byte[] v2 = chart("0.2.0");
        content.put("/charts/demo-0.1.0.tgz", v1);
        content.put("/charts/archives/demo-0.2.0.tgz", v2);
        content.put("/charts/demo-1.0.0-rc.1.tgz", chart("1.0.0-rc.1"));
        content.put("/charts/index.yaml", ("apiVersion: v1\nentries:\n  demo:\n"
                + "  - version: 1.0.0-rc.1\n    urls: [demo-1.0.0-rc.1.tgz]\n"
                + "  - version: 0.2.0\n    urls: [archives/demo-0.2.0.tgz]\n    digest: " + sha256(v2) + "\n"
                + "  - version: 0.1.0\n    urls: [" + base + "/charts/demo-0.1.0.tgz]\n    digest: " + sha256(v1) + "\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    private Fetcher fetcher(boolean offline) throws IOException {
        RegistryOptions options = RegistryOptions.defaults().withRetries(3, Duration.ofMillis(1))
                .withCredentials(host -> host.equals("127.0.0.1:" + server.getAddress().getPort())
                        ? Optional.of(new Credentials("user", "secret")) : Optional.empty());
        return Fetcher.create(new BlobCache(dir.resolve("cache")), offline, options);
    }

    private ChartSource demo(String version) {
        return new ChartSource("demo", base + "/charts", version, "<charts><chart>demo");
    }

    private FileSource tool(Map<Platform, String> sha256) {
        return new FileSource("<files><file>tool", base + "/tool-${os}-${arch}.tar.gz", null, sha256, "opt", "auto",
                List.of("*/tool"), 1, 0750);
    }

    private DeclaredSources.Result fetch(List<ChartSource> charts, List<FileSource> files, Optional<LockFile> lock,
                                         DeclaredSources.LockUse use, boolean offline, List<String> warnings) throws Exception {
        return DeclaredSources.fetch(charts, files, List.of(AMD64, ARM64), lock, use, dir.resolve("out"), fetcher(offline),
                warnings::add);
    }

    private Path root(Platform platform) {
        return GeneratedContext.root(dir.resolve("out"), platform);
    }

    // ---- tests ----

    @Test
    void aRangeTakesTheHighestReleaseAndEveryPlatformGetsItsOwnFile() throws Exception {
        repository();
        content.put("/tool-linux-amd64.tar.gz", tgz(Map.of("linux-amd64/tool", "amd64 tool", "linux-amd64/README", "x")));
        content.put("/tool-linux-arm64.tar.gz", tgz(Map.of("linux-arm64/tool", "arm64 tool")));
        List<String> warnings = new ArrayList<>();

        DeclaredSources.Result result = fetch(List.of(demo(">=0.1.0 <2.0.0")), List.of(tool(Map.of())), Optional.empty(),
                DeclaredSources.LockUse.PREFER, false, warnings);

        LockedChart chart = result.lock().charts().get(0);
        assertEquals("0.2.0", chart.version(), "the highest release in range; 1.0.0-rc.1 is a pre-release");
        assertEquals(base + "/charts/archives/demo-0.2.0.tgz", chart.url(), "a relative url is resolved against the repository");
        assertEquals("sha256:" + sha256(content.get("/charts/archives/demo-0.2.0.tgz")), chart.digest());
        for (Platform platform : List.of(AMD64, ARM64)) {
            assertTrue(Files.readString(root(platform).resolve("charts/demo/Chart.yaml")).contains("version: 0.2.0"));
            Path tool = root(platform).resolve("opt/tool");
            assertEquals(platform.architecture() + " tool", Files.readString(tool));
            assertEquals("rwxr-x---", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(tool)));
            assertFalse(Files.exists(root(platform).resolve("opt/README")), "only what <includes> names");
        }
        LockFile.LockedFiles files = result.lock().files().get(0);
        assertEquals(base + "/tool-${os}-${arch}.tar.gz", files.source());
        assertEquals(sha256(content.get("/tool-linux-arm64.tar.gz")), files.platforms().get("linux/arm64").sha256());
        assertEquals(List.of("<charts><chart>demo", "<files><file>tool"), result.unlocked());
        assertTrue(warnings.isEmpty(), "no lock, nothing to warn about: " + warnings);
        assertTrue(authorizations.stream().allMatch(a -> a.startsWith("Basic ")), "credentials of the repository's host: " + authorizations);
    }

    @Test
    void withTheLockNoIndexIsReadAndOfflineWorksFromTheCache() throws Exception {
        repository();
        content.put("/tool-linux-amd64.tar.gz", tgz(Map.of("a/tool", "1")));
        content.put("/tool-linux-arm64.tar.gz", tgz(Map.of("a/tool", "2")));
        LockFile lock = fetch(List.of(demo("0.1.0")), List.of(tool(Map.of())), Optional.empty(), DeclaredSources.LockUse.REFRESH,
                false, new ArrayList<>()).lock();
        int before = requests.size();

        fetch(List.of(demo("0.1.0")), List.of(tool(Map.of())), Optional.of(lock), DeclaredSources.LockUse.REQUIRE, true, new ArrayList<>());

        assertEquals(before, requests.size(), "everything came from the cache: " + requests.subList(before, requests.size()));
        assertEquals("1", Files.readString(root(AMD64).resolve("opt/tool")));
        assertEquals(1, indexReads.get());
    }

    @Test
    void aDownloadThatDiffersFromTheLockNamesTheEntryAndBothDigestsAndLeavesThePreviousTree() throws Exception {
        repository();
        LockFile lock = fetch(List.of(demo("0.2.0")), List.of(), Optional.empty(), DeclaredSources.LockUse.REFRESH, false,
                new ArrayList<>()).lock();
        String locked = lock.charts().get(0).digest();
        io.clusterimage.core.PathTrees.deleteTree(dir.resolve("cache")); // another machine: the locked bytes are not cached
        content.put("/charts/archives/demo-0.2.0.tgz", chart("0.2.0-changed"));

        FetchException e = assertThrows(FetchException.class, () -> fetch(List.of(demo("0.2.0")), List.of(), Optional.of(lock),
                DeclaredSources.LockUse.PREFER, false, new ArrayList<>()));

        assertTrue(e.getMessage().startsWith("<charts><chart>demo: " + base + "/charts/archives/demo-0.2.0.tgz has sha256 "
                + sha256(content.get("/charts/archives/demo-0.2.0.tgz")) + ", but " + locked.substring(7) + " was expected"), e.getMessage());
        assertTrue(Files.readString(root(AMD64).resolve("charts/demo/Chart.yaml")).contains("version: 0.2.0\n"),
                "the previous generated context stays");
    }

    @Test
    void requireLockListsEveryDeclarationTheLockDoesNotAnswer() throws Exception {
        FetchException e = assertThrows(FetchException.class, () -> fetch(List.of(demo("0.2.0")), List.of(tool(Map.of())),
                Optional.of(LockFile.empty()), DeclaredSources.LockUse.REQUIRE, false, new ArrayList<>()));
        assertTrue(e.getMessage().startsWith("cluster-image.lock does not answer 3 declaration(s)"), e.getMessage());
        assertTrue(e.getMessage().contains(base + "/tool-linux-arm64.tar.gz for linux/arm64"), e.getMessage());
        assertTrue(requests.isEmpty(), "nothing is fetched: " + requests);
    }

    @Test
    void aLockedVersionOutsideTheNewRangeIsResolvedAgainWithAWarning() throws Exception {
        repository();
        LockFile lock = fetch(List.of(demo("0.1.0")), List.of(), Optional.empty(), DeclaredSources.LockUse.REFRESH, false,
                new ArrayList<>()).lock();
        List<String> warnings = new ArrayList<>();
        DeclaredSources.Result result = fetch(List.of(demo("^0.2")), List.of(), Optional.of(lock), DeclaredSources.LockUse.PREFER,
                false, warnings);
        assertEquals("0.2.0", result.lock().charts().get(0).version());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("<charts><chart>demo is not in cluster-image.lock"), warnings.get(0));
    }

    @Test
    void noVersionInRangeListsTheNearestAndAnUnknownChartListsTheCharts() throws Exception {
        repository();
        String message = assertThrows(FetchException.class, () -> fetch(List.of(demo("0.3.0")), List.of(), Optional.empty(),
                DeclaredSources.LockUse.PREFER, false, new ArrayList<>())).getMessage();
        assertTrue(message.contains("satisfies '0.3.0'; the nearest are [1.0.0-rc.1, 0.2.0, 0.1.0]"), message);

        message = assertThrows(FetchException.class, () -> fetch(List.of(new ChartSource("other", base + "/charts", "1.0.0",
                "<charts><chart>other")), List.of(), Optional.empty(), DeclaredSources.LockUse.PREFER, false, new ArrayList<>())).getMessage();
        assertTrue(message.contains("has no chart 'other'; it has [demo]"), message);
    }

    @Test
    void aServerErrorIsRetriedAndNotFoundNamesTheUrl() throws Exception {
        content.put("/tool-linux-amd64.tar.gz", tgz(Map.of("a/tool", "1")));
        content.put("/tool-linux-arm64.tar.gz", tgz(Map.of("a/tool", "2")));
        failuresLeft.put("/tool-linux-amd64.tar.gz", 2);
        fetch(List.of(), List.of(tool(Map.of())), Optional.empty(), DeclaredSources.LockUse.PREFER, false, new ArrayList<>());
        assertEquals("1", Files.readString(root(AMD64).resolve("opt/tool")));

        content.remove("/tool-linux-arm64.tar.gz");
        String message = assertThrows(FetchException.class, () -> fetch(List.of(), List.of(tool(Map.of())), Optional.empty(),
                DeclaredSources.LockUse.REFRESH, false, new ArrayList<>())).getMessage();
        assertEquals("<files><file>tool: " + base + "/tool-linux-arm64.tar.gz answered HTTP 404 (not found): check the URL and"
                + " its placeholders", message);
    }

    @Test
    void aPinnedSha256ThatDiffersFailsAndNothingIsCached() throws Exception {
        content.put("/tool-linux-amd64.tar.gz", tgz(Map.of("a/tool", "1")));
        content.put("/tool-linux-arm64.tar.gz", tgz(Map.of("a/tool", "2")));
        String wrong = "0".repeat(64);
        String message = assertThrows(FetchException.class, () -> fetch(List.of(), List.of(tool(Map.of(AMD64, wrong))),
                Optional.empty(), DeclaredSources.LockUse.PREFER, false, new ArrayList<>())).getMessage();
        assertTrue(message.contains("but " + wrong + " was expected"), message);
        assertFalse(Files.exists(root(AMD64)));
        assertTrue(new BlobCache(dir.resolve("cache")).blob("sha256:" + wrong).isEmpty());
    }

    @Test
    void archivesThatEscapeOrHoldLinksAreRefused() throws Exception {
        for (Map<String, String> hostile : List.of(Map.of("a/../../evil", "x"), Map.of("/etc/evil", "x"),
                Map.of("a/tool", "->/etc/passwd"))) {
            content.put("/tool-linux-amd64.tar.gz", tgz(hostile));
            content.put("/tool-linux-arm64.tar.gz", tgz(hostile));
            FileSource all = new FileSource("<files><file>tool", base + "/tool-${os}-${arch}.tar.gz", null, Map.of(), "opt", "auto",
                    List.of(), 0, null);
            String message = assertThrows(FetchException.class, () -> fetch(List.of(), List.of(all), Optional.empty(),
                    DeclaredSources.LockUse.REFRESH, false, new ArrayList<>())).getMessage();
            assertTrue(message.contains("points outside the directory") || message.contains("is a link to '/etc/passwd'"), message);
            assertFalse(Files.exists(dir.resolve("out/fetched/evil")) || Files.exists(dir.resolve("evil")));
        }
    }

    @Test
    void includesThatMatchNothingAndDestinationsOutsideTheContextAreErrors() throws Exception {
        content.put("/tool-linux-amd64.tar.gz", tgz(Map.of("a/other", "1")));
        content.put("/tool-linux-arm64.tar.gz", tgz(Map.of("a/other", "1")));
        String message = assertThrows(FetchException.class, () -> fetch(List.of(), List.of(tool(Map.of())), Optional.empty(),
                DeclaredSources.LockUse.PREFER, false, new ArrayList<>())).getMessage();
        assertTrue(message.contains("<includes> [*/tool] match no file in the archive"), message);

        FileSource outside = new FileSource("<files><file>x", base + "/x", null, Map.of(), "../x", "none", List.of(), 0, null);
        message = assertThrows(FetchException.class, () -> fetch(List.of(), List.of(outside), Optional.empty(),
                DeclaredSources.LockUse.PREFER, false, new ArrayList<>())).getMessage();
        assertTrue(message.startsWith("<files><file>x: <destination> '../x' leaves the build context"), message);
    }

    @Test
    void credentialsAreNotSentAfterARedirectToAnotherHost() throws Exception {
        HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        List<String> seen = new ArrayList<>();
        byte[] file = "plain".getBytes(StandardCharsets.UTF_8);
        other.createContext("/", exchange -> {
            seen.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            exchange.sendResponseHeaders(200, file.length);
            exchange.getResponseBody().write(file);
            exchange.close();
        });
        other.start();
        try {
            String elsewhere = "http://localhost:" + other.getAddress().getPort() + "/file";
            server.createContext("/away", exchange -> {
                exchange.getResponseHeaders().add("Location", elsewhere);
                exchange.sendResponseHeaders(302, -1);
                exchange.close();
            });
            FileSource away = new FileSource("<files><file>away", base + "/away", null, Map.of(), "opt/file", "none", List.of(), 0, null);
            fetch(List.of(), List.of(away), Optional.empty(), DeclaredSources.LockUse.PREFER, false, new ArrayList<>());
            assertEquals("plain", Files.readString(root(ARM64).resolve("opt/file")));
            assertEquals(List.of("null", "null"), seen, "no Authorization to another host");
        } finally {
            other.stop(0);
        }
    }

    @Test
    void offlineEveryDownloadTheCacheCannotAnswerIsListedAtOnce() throws Exception {
        String message = assertThrows(FetchException.class, () -> fetch(List.of(demo("0.1.0")), List.of(tool(Map.of())), Optional.empty(),
                DeclaredSources.LockUse.PREFER, true, new ArrayList<>())).getMessage();
        assertTrue(message.startsWith("Maven runs offline (-o), and 3 download(s) are not in the cache: <charts><chart>demo: "
                + base + "/charts/index.yaml must be read to resolve the version"), message);
        assertTrue(message.contains("<files><file>tool: " + base + "/tool-linux-arm64.tar.gz has no sha256 in the POM or the lock file"),
                message);
        assertTrue(requests.isEmpty(), "offline: no request at all: " + requests);
    }

    @Test
    void urlPlaceholdersAreExpandedPerPlatformAndAnUnknownOneIsAnError() throws Exception {
        FileSource file = new FileSource("<files><file>x", "https://x/v@{version}/t-${os}_${arch}${variant}", "1.2", Map.of(), "opt/", "none",
                List.of(), 0, null);
        assertEquals("https://x/v1.2/t-linux_armv7", Fetcher.expandUrl(file, Platform.parse("linux/arm/v7")));
        FileSource bad = new FileSource("<files><file>x", "https://x/${project.version}", null, Map.of(), "opt/", "none", List.of(), 0, null);
        assertTrue(assertThrows(FetchException.class, () -> Fetcher.expandUrl(bad, AMD64)).getMessage()
                .contains("has the placeholder ${project.version}"));
    }

    @Test
    void aFileByMavenCoordinatesIsResolvedPerPlatformAndAZipIsExtracted() throws Exception {
        Map<String, Path> repository = new java.util.HashMap<>();
        for (String arch : List.of("x86_64", "aarch_64")) {
            Path zip = dir.resolve("repo/protoc-3.25.1-linux-" + arch + ".zip");
            Files.createDirectories(zip.getParent());
            try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
                out.putNextEntry(new java.util.zip.ZipEntry("bin/protoc"));
                out.write(("protoc " + arch).getBytes(StandardCharsets.UTF_8));
                out.putNextEntry(new java.util.zip.ZipEntry("include/x.proto"));
                out.write("x".getBytes(StandardCharsets.UTF_8));
            }
            repository.put("com.google.protobuf:protoc:zip:linux-" + arch + ":3.25.1", zip);
        }
        List<String> asked = new ArrayList<>();
        ArtifactResolver maven = (coordinates, element) -> {
            asked.add(coordinates);
            Path file = repository.get(coordinates);
            if (file == null) {
                throw new FetchException(element + ": " + coordinates + " not found");
            }
            return file;
        };
        // protoc names its architectures itself: one declaration per platform pins it with <checksums>
        FileSource amd64 = new FileSource("<files><file> protoc", "maven:com.google.protobuf:protoc:zip:linux-x86_64:3.25.1", null,
                Map.of(), "opt/", "auto", List.of("bin/protoc"), 1, 0755);
        Fetcher fetcher = Fetcher.create(new BlobCache(dir.resolve("cache")), false, RegistryOptions.defaults(), maven);

        LockFile lock = DeclaredSources.fetch(List.of(), List.of(amd64), List.of(AMD64), Optional.empty(), DeclaredSources.LockUse.PREFER,
                dir.resolve("out"), fetcher, m -> { }).lock();

        assertEquals("protoc x86_64", Files.readString(root(AMD64).resolve("opt/protoc")));
        assertFalse(Files.exists(root(AMD64).resolve("opt/x.proto")));
        assertEquals(sha256(Files.readAllBytes(repository.get("com.google.protobuf:protoc:zip:linux-x86_64:3.25.1"))),
                lock.files().get(0).platforms().get("linux/amd64").sha256());
        assertEquals("maven:com.google.protobuf:protoc:zip:linux-x86_64:3.25.1", lock.files().get(0).source());
        assertEquals(List.of("com.google.protobuf:protoc:zip:linux-x86_64:3.25.1"), asked);

        FileSource pinnedWrong = new FileSource("<files><file> protoc", amd64.url(), null, Map.of(AMD64, "1".repeat(64)), "opt/",
                "auto", List.of("bin/protoc"), 1, 0755);
        String message = assertThrows(FetchException.class, () -> DeclaredSources.fetch(List.of(), List.of(pinnedWrong), List.of(AMD64),
                Optional.empty(), DeclaredSources.LockUse.PREFER, dir.resolve("out"), fetcher, m -> { })).getMessage();
        assertTrue(message.contains("but " + "1".repeat(64) + " was expected"), message);
    }

    @Test
    void aServerThatTricklesBytesIsAbandonedAtItsDeadline() throws Exception {
        server.createContext("/slow", exchange -> {
            exchange.sendResponseHeaders(200, 1_000_000);
            try {
                for (int i = 0; i < 100; i++) {
                    exchange.getResponseBody().write(0);
                    exchange.getResponseBody().flush();
                    Thread.sleep(100);
                }
            } catch (IOException | InterruptedException e) {
                // the client gave up: what is tested
            }
            exchange.close();
        });
        FileSource slow = new FileSource("<files><file> slow", base + "/slow", null, Map.of(), "opt/slow", "none", List.of(), 0, null);
        Fetcher fetcher = Fetcher.create(new BlobCache(dir.resolve("cache")), false, RegistryOptions.defaults()
                .withRetries(1, Duration.ofMillis(1)).withDeadlines(Duration.ofMillis(500), 100L * 1024 * 1024));
        long start = System.nanoTime();
        String message = assertThrows(FetchException.class, () -> DeclaredSources.fetch(List.of(), List.of(slow), List.of(AMD64),
                Optional.empty(), DeclaredSources.LockUse.PREFER, dir.resolve("out"), fetcher, m -> { })).getMessage();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(message.startsWith("<files><file> slow: " + base + "/slow did not finish within"), message);
        assertTrue(millis < 5_000, "abandoned at the deadline, not after the server's 10 s: " + millis + " ms");
        assertFalse(Files.exists(root(AMD64)));
    }
}
