package io.clusterimage.fetch;

import io.clusterimage.core.PathTrees;
import io.clusterimage.core.Platform;
import io.clusterimage.core.Pools;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * The fetch stage's entry point: the charts and files the POM declares, resolved (through the lock file
 * when there is one), downloaded into the shared cache and placed into each platform's generated context
 * ({@link GeneratedContext}), which COPY and the scan lay over the build context.
 */
public final class DeclaredSources {

    /** How the lock file is used. */
    public enum LockUse {
        /** Use what the lock says; resolve what it does not answer, with a warning. */
        PREFER,
        /** Use what the lock says; anything it does not answer is an error (CI). */
        REQUIRE,
        /** Resolve everything afresh (the lock goal): ranges move to their newest version. */
        REFRESH
    }

    /**
     * What a fetch came to.
     *
     * @param lock       the lock that describes what was placed (its images are the previous lock's)
     * @param unlocked   the declarations that were resolved because the lock did not answer them
     */
    public record Result(LockFile lock, List<String> unlocked) {
        public Result {
            unlocked = List.copyOf(unlocked);
        }
    }

    private DeclaredSources() {
    }

    /**
     * Resolves, downloads and places every declaration for every platform. The generated context of a
     * platform is replaced as a whole, once everything was fetched: a failure leaves the previous one.
     *
     * @throws FetchException naming the POM element: a version no one has, a digest that differs from the
     *                        lock, a download that fails, an archive that escapes, or (with {@link LockUse#REQUIRE})
     *                        every declaration the lock does not answer
     */
    public static Result fetch(List<ChartSource> charts, List<FileSource> files, List<Platform> platforms, Optional<LockFile> lock,
                               LockUse use, Path outputDirectory, Fetcher fetcher, Consumer<String> warn)
            throws FetchException, IOException {
        check(charts, files);
        LockFile previous = lock.orElse(LockFile.empty());
        List<String> unlocked = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        // charts: one version for every platform
        Map<ChartSource, LockedChart> chartVersions = new LinkedHashMap<>();
        for (ChartSource chart : charts) {
            Optional<LockedChart> locked = use == LockUse.REFRESH ? Optional.empty()
                    : previous.chart(chart.name(), chart.repository()).filter(l -> Versions.satisfies(chart.version(), l.version()));
            if (locked.isPresent()) {
                chartVersions.put(chart, locked.get());
            } else if (use == LockUse.REQUIRE) {
                missing.add(chart.element() + " (chart " + chart.name() + " " + chart.version() + " from " + chart.repository() + ")");
            } else {
                chartVersions.put(chart, null);
                unlocked.add(chart.element());
            }
        }
        // files: one URL and sha256 per platform
        Map<FileSource, Map<Platform, LockedFile>> fileDownloads = new LinkedHashMap<>();
        for (FileSource file : files) {
            Map<Platform, LockedFile> perPlatform = new LinkedHashMap<>();
            Map<String, LockedFile> lockedPlatforms = use == LockUse.REFRESH ? Map.of()
                    : previous.files(file.url()).map(LockFile.LockedFiles::platforms).orElse(Map.of());
            for (Platform platform : platforms) {
                String url = Fetcher.expandUrl(file, platform);
                String pinned = file.sha256().get(platform);
                LockedFile locked = lockedPlatforms.get(platform.toString());
                if (pinned != null) {
                    perPlatform.put(platform, new LockedFile(url, pinned));
                } else if (locked != null && locked.url().equals(url)) {
                    perPlatform.put(platform, locked);
                } else if (use == LockUse.REQUIRE) {
                    missing.add(file.element() + " (" + url + " for " + platform + ")");
                } else {
                    perPlatform.put(platform, new LockedFile(url, null));
                    if (!unlocked.contains(file.element())) {
                        unlocked.add(file.element());
                    }
                }
            }
            fileDownloads.put(file, perPlatform);
        }
        if (!missing.isEmpty()) {
            throw new FetchException("cluster-image.lock does not answer " + missing.size() + " declaration(s), and requireLock is"
                    + " true: " + String.join("; ", missing) + ". Run mvn cluster-image:lock and commit cluster-image.lock");
        }
        if (lock.isPresent() && use == LockUse.PREFER) {
            for (String element : unlocked) {
                warn.accept(element + " is not in cluster-image.lock (or the lock no longer answers it): resolved afresh;"
                        + " run mvn cluster-image:lock to record it");
            }
        }

        // resolve and download (into the cache) before anything is placed, several at once; offline, every miss is
        // listed at once
        List<Callable<Object>> downloads = new ArrayList<>();
        for (Map.Entry<ChartSource, LockedChart> entry : chartVersions.entrySet()) {
            ChartSource chart = entry.getKey();
            downloads.add(() -> {
                LockedChart version = entry.getValue() != null ? entry.getValue() : fetcher.resolveChart(chart);
                Fetcher.Download archive = fetcher.chartArchive(version, chart.element());
                return new Object[]{new LockedChart(version.name(), version.repository(), version.version(), version.url(),
                        "sha256:" + archive.sha256()), archive};
            });
        }
        for (Map.Entry<FileSource, Map<Platform, LockedFile>> entry : fileDownloads.entrySet()) {
            for (LockedFile wanted : entry.getValue().values()) {
                downloads.add(() -> fetcher.file(wanted.url(), wanted.sha256(), entry.getKey().element()));
            }
        }
        List<Object> done = inParallel(downloads, fetcher.offline());
        List<String> offlineMisses = done.stream().filter(String.class::isInstance).map(String.class::cast).toList();
        if (offlineMisses.size() == 1) {
            throw new FetchException(offlineMisses.get(0));
        }
        if (!offlineMisses.isEmpty()) {
            throw new FetchException("Maven runs offline (-o), and " + offlineMisses.size() + " download(s) are not in the cache: "
                    + String.join("; ", offlineMisses) + ". Run once online to fetch them");
        }
        Iterator<Object> results = done.iterator();
        Map<ChartSource, Fetcher.Download> chartArchives = new LinkedHashMap<>();
        List<LockedChart> lockedCharts = new ArrayList<>();
        for (ChartSource chart : chartVersions.keySet()) {
            Object[] pair = (Object[]) results.next();
            lockedCharts.add((LockedChart) pair[0]);
            chartArchives.put(chart, (Fetcher.Download) pair[1]);
        }
        Map<FileSource, Map<Platform, Fetcher.Download>> fileArchives = new LinkedHashMap<>();
        List<LockFile.LockedFiles> lockedFiles = new ArrayList<>();
        for (Map.Entry<FileSource, Map<Platform, LockedFile>> entry : fileDownloads.entrySet()) {
            Map<Platform, Fetcher.Download> perPlatform = new LinkedHashMap<>();
            Map<String, LockedFile> record = new TreeMap<>();
            for (Map.Entry<Platform, LockedFile> platform : entry.getValue().entrySet()) {
                Fetcher.Download download = (Fetcher.Download) results.next();
                perPlatform.put(platform.getKey(), download);
                record.put(platform.getKey().toString(), new LockedFile(platform.getValue().url(), download.sha256()));
            }
            fileArchives.put(entry.getKey(), perPlatform);
            lockedFiles.add(new LockFile.LockedFiles(entry.getKey().url(), record));
        }

        // place each platform into a fresh tree (the platforms at once), then replace the old trees whole
        Path fetched = outputDirectory.resolve("fetched");
        Set<String> current = new HashSet<>();
        List<Callable<Object>> placements = new ArrayList<>();
        for (Platform platform : platforms) {
            Path root = GeneratedContext.root(outputDirectory, platform);
            current.add(root.getFileName().toString());
            Path staging = fetched.resolve("." + root.getFileName() + ".partial");
            placements.add(() -> {
                PathTrees.deleteTree(staging);
                Files.createDirectories(staging);
                for (Map.Entry<ChartSource, Fetcher.Download> chart : chartArchives.entrySet()) {
                    Placement.unpackChart(chart.getValue().file(), chart.getKey().name(), staging, chart.getKey().element());
                }
                for (Map.Entry<FileSource, Map<Platform, Fetcher.Download>> file : fileArchives.entrySet()) {
                    Fetcher.Download download = file.getValue().get(platform);
                    Placement.placeFile(download.file(), file.getKey(), Fetcher.expandUrl(file.getKey(), platform), staging);
                }
                return staging;
            });
        }
        inParallel(placements, false);
        for (Platform platform : platforms) {
            Path root = GeneratedContext.root(outputDirectory, platform);
            PathTrees.deleteTree(root);
            Files.move(fetched.resolve("." + root.getFileName() + ".partial"), root, StandardCopyOption.ATOMIC_MOVE);
        }
        removeOthers(fetched, current);
        GeneratedContext.recordCharts(outputDirectory, lockedCharts);
        return new Result(new LockFile(lockedCharts, lockedFiles, previous.images()), unlocked);
    }

    /** Downloads and unpacking at once: they wait on the network and the disk more than on the CPU. */
    private static final int PARALLEL = 4;

    /**
     * Runs the tasks, up to {@link #PARALLEL} at once, and returns their results in order. The first failure
     * (in order) is thrown; with {@code collectFetchFailures}, a task's FetchException becomes its message
     * in the results instead (offline: every miss is listed).
     */
    private static List<Object> inParallel(List<Callable<Object>> tasks, boolean collectFetchFailures)
            throws FetchException, IOException {
        if (tasks.isEmpty()) {
            return List.of();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL, tasks.size()),
                runnable -> {
                    Thread thread = new Thread(runnable, "cluster-image-fetch");
                    thread.setDaemon(true);
                    return thread;
                });
        try {
            List<Future<Object>> futures = new ArrayList<>();
            for (Callable<Object> task : tasks) {
                futures.add(pool.submit(task));
            }
            List<Object> results = new ArrayList<>();
            for (Future<Object> future : futures) {
                try {
                    results.add(future.get());
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof FetchException fetch && collectFetchFailures) {
                        results.add(fetch.getMessage());
                    } else if (cause instanceof FetchException fetch) {
                        throw fetch;
                    } else if (cause instanceof IOException io) {
                        throw io;
                    } else if (cause instanceof RuntimeException runtime) {
                        throw runtime;
                    } else {
                        throw new IllegalStateException(cause);
                    }
                }
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching", e);
        } finally {
            // a failed fetch returns once the other downloads stopped and removed their temporary files
            Pools.stop(Duration.ofSeconds(60), pool);
        }
    }

    /** Removes the generated contexts of platforms no longer built, and the fetched/ directory when nothing is declared. */
    public static void removeOthers(Path fetched, Set<String> keep) throws IOException {
        if (!Files.isDirectory(fetched)) {
            return;
        }
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(fetched)) {
            stream.forEach(children::add);
        }
        for (Path child : children) {
            if (!keep.contains(child.getFileName().toString())) {
                PathTrees.deleteTree(child);
            }
        }
        if (keep.isEmpty()) {
            Files.deleteIfExists(fetched);
        }
    }

    /** What can be wrong before anything is downloaded: names and URLs twice, destinations outside the context. */
    private static void check(List<ChartSource> charts, List<FileSource> files) throws FetchException {
        Set<String> names = new HashSet<>();
        for (ChartSource chart : charts) {
            if (!names.add(chart.name())) {
                throw new FetchException(chart.element() + ": a second chart named '" + chart.name() + "'; each lands in"
                        + " charts/<name>/, so names must differ");
            }
        }
        Set<String> urls = new HashSet<>();
        for (FileSource file : files) {
            if (!urls.add(file.url())) {
                throw new FetchException(file.element() + ": the <url> " + file.url() + " is declared twice");
            }
            Placement.destination(file.destination(), file.element());
        }
    }
}
