package io.clusterimage.registry;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The time one registry request may take from its first byte sent to its last byte read, and the
 * watchdog that ends it when it takes longer.
 *
 * <p>Socket read timeouts cannot bound a request: they restart with every byte, so a server that
 * sends one byte every 20 s keeps a 514-byte manifest download alive for hours. So each attempt of
 * a request runs inside a deadline ({@link #start}); the connections it opens register with it
 * ({@link #watch}), and when the deadline passes they are closed from a watchdog thread, which ends
 * a read blocked in them. Reads also check the deadline themselves ({@link BoundedBody}), so that
 * the error says "deadline" and not "socket closed".
 *
 * <p>HttpURLConnection's body streams hold a lock while they read, so closing one waits for the
 * read in progress to return: a body that trickles is ended at its next byte, at most one read
 * timeout after the deadline. A response head that trickles, and a body that says nothing, are
 * ended at once.
 */
final class RequestDeadline implements AutoCloseable {

    /** One daemon thread for all timers: it only hands expired requests to {@link #expire}. */
    private static final ScheduledThreadPoolExecutor TIMER = timer();
    private static final AtomicInteger CLOSERS = new AtomicInteger();

    /** The deadline of the request this thread is making: connections opened deep inside find it here. */
    private static final ThreadLocal<RequestDeadline> CURRENT = new ThreadLocal<>();

    private final Duration limit;
    private final String explanation;
    private final long endNanos;
    private final RequestDeadline enclosing;
    private final List<AutoCloseable> watched = new CopyOnWriteArrayList<>();
    private final ScheduledFuture<?> timer;
    private volatile boolean expired;

    private RequestDeadline(Duration limit, String explanation) {
        this.limit = limit;
        this.explanation = explanation;
        this.endNanos = System.nanoTime() + limit.toNanos();
        this.enclosing = CURRENT.get();
        this.timer = TIMER.schedule(this::expire, limit.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Starts the deadline of one request (one attempt of it) made by this thread; close it when the
     * request is over. A deadline started inside another one ends no later than the outer one.
     *
     * @param explanation how the limit was set, for the error message (e.g. "120 s for a request")
     */
    static RequestDeadline start(Duration limit, String explanation) {
        RequestDeadline outer = CURRENT.get();
        Duration effective = limit;
        if (outer != null) {
            Duration outerLeft = Duration.ofNanos(Math.max(0, outer.endNanos - System.nanoTime()));
            if (outerLeft.compareTo(limit) < 0) {
                effective = outerLeft;
                explanation = outer.explanation;
            }
        }
        RequestDeadline deadline = new RequestDeadline(effective, explanation);
        CURRENT.set(deadline);
        return deadline;
    }

    /** The deadline of the request this thread is making. */
    static RequestDeadline current() {
        RequestDeadline deadline = CURRENT.get();
        if (deadline == null) {
            // every request must run inside one: a request without a deadline is the bug this class fixes
            throw new IllegalStateException("a registry request was made outside a request deadline");
        }
        return deadline;
    }

    /**
     * Connects {@code connection} (every request property set, the body not yet written) and then puts it under
     * the current deadline. In this order because {@code disconnect()} of a connection that has not connected
     * yet does nothing: a deadline that passed before the connection was made (a loaded machine, a slow first
     * request) would otherwise leave a server that trickles its response head free to hold the thread.
     */
    static void connect(HttpURLConnection connection) throws IOException {
        RequestDeadline deadline = current();
        deadline.check();
        connection.connect();
        deadline.watch(connection::disconnect); // closes it at once when the deadline passed meanwhile
    }

    /**
     * Disconnects {@code connection} once its request is over, unless the current deadline has passed: then the
     * watchdog has closed it (or is about to), and closing it a second time can hang. For a small body that
     * was not read to its end, the watchdog's close hands the socket to the JDK's keep-alive cleaner, which
     * drains the rest at the server's pace while it holds the stream's lock; a second close waits for that
     * lock, so a server trickling a 60-byte token held the request a minute past its 2 s deadline.
     */
    static void release(HttpURLConnection connection) {
        RequestDeadline deadline = CURRENT.get();
        if (deadline == null || !deadline.expired()) {
            connection.disconnect();
        }
    }

    /** Closes {@code connection} (a socket, a connection's disconnect, a body stream) when the deadline passes. */
    void watch(AutoCloseable connection) {
        watched.add(connection);
        if (expired) {
            closeQuietly(connection);
        }
    }

    boolean expired() {
        return expired || System.nanoTime() - endNanos > 0;
    }

    /** Throws once the deadline has passed: called between reads, so a trickle of bytes cannot outlive it. */
    void check() throws Exceeded {
        if (expired()) {
            throw exceeded();
        }
    }

    /** {@code e}, or this deadline's error (caused by {@code e}) when {@code e} is what the watchdog's closing caused. */
    IOException explain(IOException e) {
        if (e instanceof Exceeded || !expired()) {
            return e;
        }
        Exceeded exceeded = exceeded();
        exceeded.initCause(e);
        return exceeded;
    }

    Exceeded exceeded() {
        return new Exceeded("no complete answer within " + seconds(limit) + " (" + explanation + ")");
    }

    Duration limit() {
        return limit;
    }

    private void expire() {
        expired = true;
        if (watched.isEmpty()) {
            return;
        }
        // on a thread of its own: closing a body stream can wait for the read in progress (see above),
        // and that must not hold up the timers of other requests
        Thread closer = new Thread(() -> watched.forEach(RequestDeadline::closeQuietly),
                "cluster-image-deadline-close-" + CLOSERS.incrementAndGet());
        closer.setDaemon(true);
        closer.start();
    }

    private static void closeQuietly(AutoCloseable connection) {
        try {
            connection.close();
        } catch (Exception e) {
            // it is being abandoned: whatever closing it says changes nothing
        }
    }

    @Override
    public void close() {
        timer.cancel(false);
        if (enclosing == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(enclosing);
        }
    }

    /** A request that took longer than its deadline; never retried (a server that slow is slow again). */
    static final class Exceeded extends IOException {
        Exceeded(String message) {
            super(message);
        }
    }

    static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "cluster-image-deadline");
            thread.setDaemon(true); // a timer must never keep the JVM alive
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true); // most requests finish in time: do not keep their timers
        return timer;
    }
}
